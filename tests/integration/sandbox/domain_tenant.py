"""Run by tests/integration/sandbox/test_sandbox_cli.py inside `python -m app.sandbox`, in a
fresh interpreter (`python -m tests.integration.sandbox.domain_tenant`): the real runtime asks
for adele's storage token under the tenant given as a domain (`contoso.example`), and what it
answered is printed as JSON: the token's tenant and issuer, or the broker error."""

from __future__ import annotations

import json

from app.core.broker.errors import BrokerError
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from tests.helpers import claims


def main() -> None:
    broker = Broker(timeout=60)
    adele = next(a for a in broker.discover_accounts(Profile()) if a.username.startswith("adele"))
    try:
        result = broker.acquire_token_silently(
            adele, Profile(tenant="contoso.example"), ("https://storage.azure.com/.default",)
        )
    except BrokerError as exc:
        print(json.dumps({"status": exc.status, "context": exc.context}))
        return
    token = claims(result.access_token)
    print(json.dumps({"tid": token["tid"], "iss": token["iss"]}))


if __name__ == "__main__":
    main()
