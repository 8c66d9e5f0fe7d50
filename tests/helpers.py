"""Small helpers shared by tests: sandbox ids and JWT claim reading (display only)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"


def claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def unique_scope() -> str:
    """A scope no other test asked for, so the native token cache cannot answer it."""
    return f"api://sandbox-{uuid.uuid4().hex[:12]}/.default"
