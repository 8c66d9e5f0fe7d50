"""What `token --json` prints (app.cli.token): az's keys when there is a token, the outcome
always."""

from __future__ import annotations

from app.cli.token import STATUS_OF, as_json
from app.core.broker.errors import BrokerError
from app.core.configurations.configuration import Configuration
from app.core.outcomes.classify import of_error, of_token
from app.core.outcomes.outcome import Kind
from tests.stubs import account, token

ADELE = account("adele")


def test_a_token_as_az_prints_it():
    got = as_json(of_token(ADELE, Configuration(), token(ADELE), {}))
    assert set(got) == {"accessToken", "expiresOn", "expires_on", "tenant", "tokenType", "outcome"}
    assert got["expires_on"] == 2_000_000_000 and got["tokenType"] == "Bearer"
    assert got["outcome"]["kind"] == "token"  # type: ignore[index]


def test_no_token_no_token_keys_and_every_kind_has_its_status():
    refused = of_error(ADELE, Configuration(), BrokerError("InteractionRequired"), {})
    assert set(as_json(refused)) == {"outcome"}
    assert sorted(STATUS_OF[k] for k in Kind) == [0, 1, 4, 5, 6]


def test_a_call_this_session_cannot_make_exits_as_no_broker():
    """Run as another user, WAM serves nobody here (broker/limits.py): exit status 3, as on a
    machine without a broker; what else it needs is still said by its kind."""
    from app.cli import NO_BROKER
    from app.cli.token import status_of
    from app.core.broker.errors import UnavailableHere
    from app.core.broker.limits import find
    from tests.stubs import SessionProbes

    run_as = find(SessionProbes(desktop="CONTOSO\\megan"))
    refused = UnavailableHere("get a token silently", run_as.blocking(interactive=False))
    outcome = of_error(ADELE, Configuration(), refused, {})
    assert outcome.code == "UnavailableHere" and status_of(outcome) == NO_BROKER
    elevated = find(SessionProbes(is_elevated=True))
    needs = BrokerError("InteractionRequired", context="AADSTS65001: consent")
    needs.interactive, needs.limits = False, elevated
    assert status_of(of_error(ADELE, Configuration(), needs, {})) == 4  # a sign-in, not here
