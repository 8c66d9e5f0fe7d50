"""What every piece of guidance is (a title, what happened, what to do) and the phrases the
broker and storage tables share. Plain data: no Qt, no pymsalruntime, no Azure SDK."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

Row = tuple[str, str, str, str, bool]
"""(code, title, explanation, fix, needs_interaction): one row of a guidance table."""


@dataclass(frozen=True)
class Guidance:
    code: str  # e.g. "AADSTS50076", "InteractionRequired", "Timeout", "BrokerUnavailable"
    title: str  # short, e.g. "Multi-factor authentication required"
    explanation: str  # plain language: what happened
    fix: str  # what the user should do, concretely
    needs_interaction: bool = False  # True when "Sign in again" (interactive) is the fix
    # About this computer (its disks and files), not the account: shown without its name.
    local: bool = False
    # True when signing in again would be the fix but the broker cannot show its window in
    # this session (app/core/broker/limits.py): nothing offers it, the fix says why.
    blocked_here: bool = False
    # The broker call it is about, when there was one: its correlation id and when it was
    # asked, for the Entra ID sign-in logs (not part of what the guidance says).
    correlation_id: str = field(default="", compare=False)
    at: float = field(default=0.0, compare=False)

    @property
    def trace(self) -> str:
        return trace(self.correlation_id, self.at)


def trace(correlation_id: str, at: float) -> str:
    """ "Correlation ID: … Timestamp: 2026-12-02 13:02:11Z", as az CLI prints it for a failed
    sign-in ("" without an id)."""
    if not correlation_id:
        return ""
    stamp = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(at)) if at else "unknown"
    return f"Correlation ID: {correlation_id} Timestamp: {stamp}"


BROKER_REDIRECT = "ms-appx-web://Microsoft.AAD.BrokerPlugin/{client id}"
RETRY = "Wait a moment and try again."
SIGN_IN = "Choose “Sign in again” for this account"  # completed by each row
SIGN_IN_DONE = f"{SIGN_IN} and complete the sign-in window."
ASK_ADMIN = "Ask your IT administrator"
ASK_ADMIN_LC = "ask your IT administrator"


def table(rows: tuple[Row, ...]) -> dict[str, Guidance]:
    """Guidance by code from table rows."""
    return {r[0]: Guidance(r[0], r[1], r[2], r[3], r[4]) for r in rows}


def entra_code(code: str) -> str:
    """ " (AADSTS50020)" where Entra ID gave a code people can look up; our own codes (status
    names, "PersonalAccountNotAdmitted"…) are for exports and logs, never shown."""
    return f" ({code})" if code.startswith("AADSTS") else ""
