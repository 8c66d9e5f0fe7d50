"""The matrix run's ARM discovery step on its own: which accounts it discovers, that it runs as
the session's one broker call (refused while another runs), what it keeps, and that a Cancel
or a failure keeps nothing and says so. The session is the real one, over the broker
stand-in and the hand-stepped runner of tests/stubs.py; the discovery itself is the real
DiscoveryRun, whose broker refuses every ARM token, so no ARM request is made (ARM's answers:
tests/integration/ui/test_matrix_arm_tenants.py)."""

from __future__ import annotations

import pytest

from app.core.accounts.session import AccountsSession
from app.core.arm.records import Discovery
from app.core.broker.errors import BrokerError
from app.core.configurations.profile import Profile
from app.core.matrix.arm_tenants import EVERY_ARM_TENANT, why_unknown
from app.core.outcomes.outcome import Kind
from app.core.settings.data import StoreData
from app.ui.matrix.discovery import LABEL, TenantDiscovery
from tests.stubs import FakeBroker, ManualRunner, account

ADELE, MEGAN = account("adele"), account("megan")
WORK = Profile(name="Work", client_id="11111111-1111-1111-1111-111111111111")


class Step:
    """A TenantDiscovery and what it told the window."""

    def __init__(self, session: AccountsSession, names: dict[str, str]) -> None:
        self.found = 0
        self.said: list[str] = []
        self.discovery = TenantDiscovery(session, names, self._found, self.said.append)

    def _found(self) -> None:
        self.found += 1


@pytest.fixture
def broker() -> FakeBroker:
    broker = FakeBroker([ADELE, MEGAN])
    broker.errors["acquire_token_silently"] = BrokerError("InteractionRequired", 6)
    return broker


@pytest.fixture
def runner() -> ManualRunner:
    return ManualRunner()


@pytest.fixture
def session(broker: FakeBroker, runner: ManualRunner) -> AccountsSession:
    data = StoreData(profiles=[WORK], selected="Work")
    return AccountsSession(broker, runner, data, lambda: None, {})  # type: ignore[arg-type]


@pytest.fixture
def names() -> dict[str, str]:
    return {"some-tenant": "Some tenant"}


@pytest.fixture
def step(session: AccountsSession, names: dict[str, str]) -> Step:
    return Step(session, names)


def test_only_the_choice_discovers_and_only_accounts_not_known_yet(step, session):  # type: ignore[no-untyped-def]
    discovery = step.discovery
    assert discovery.needed(["organizations"], [ADELE, MEGAN]) == []
    assert discovery.needed([EVERY_ARM_TENANT], [ADELE, MEGAN]) == [ADELE, MEGAN]
    session.arm_found[ADELE.home_account_id] = Discovery(ADELE.home_account_id, ADELE.username)
    assert discovery.needed(["organizations", EVERY_ARM_TENANT], [ADELE, MEGAN]) == [MEGAN]


def test_it_runs_as_the_sessions_call_and_keeps_what_it_found(step, session, runner, broker):  # type: ignore[no-untyped-def]
    discovery = step.discovery
    assert discovery.progress() == ""
    assert discovery.start([ADELE, MEGAN])
    assert runner.waiting == [LABEL] and session.current is not None
    assert discovery.run is not None
    assert discovery.progress() == f"{LABEL} first (0 calls so far): starting"
    assert not broker.asked  # nothing on the GUI thread: the worker asks
    runner.finish()
    assert discovery.run is None and step.found == 1 and step.said == []
    assert [who for _, _, who in broker.asked] == [ADELE, MEGAN]  # an ARM token each
    found = session.arm_found
    assert set(found) == {ADELE.home_account_id, MEGAN.home_account_id}
    adele = found[ADELE.home_account_id]
    assert adele.outcome is not None and adele.outcome.kind is Kind.INTERACTION
    assert "no ARM token" in (why_unknown(adele, {}) or "")
    assert not adele.storage  # tenants only: the Subscriptions window says so, Refresh lists
    assert discovery.needed([EVERY_ARM_TENANT], [ADELE, MEGAN]) == []  # not asked again
    assert session.current is None


def test_while_another_call_runs_it_is_refused_and_nothing_starts(step, session, runner):  # type: ignore[no-untyped-def]
    session.refresh()  # the listing holds the one call
    assert not step.discovery.start([ADELE])
    assert step.discovery.run is None and runner.waiting == ["Listing accounts"]


def test_cancel_stops_at_once_asks_nothing_and_drops_the_late_answer(step, session, runner):  # type: ignore[no-untyped-def]
    discovery = step.discovery
    assert not discovery.cancel()  # not running: nothing to say
    assert step.said == []
    discovery.start([ADELE])
    run = discovery.run
    assert discovery.cancel()
    assert run is not None and run.cancelled and discovery.run is None
    assert step.said == ["Cancelled while discovering the accounts' ARM tenants: nothing asked."]
    assert session.current is None  # the session is free for the next call
    runner.finish()  # the worker's late answer
    assert session.arm_found == {} and step.found == 0


def test_a_failure_keeps_nothing_and_says_what_to_do(step, session, runner):  # type: ignore[no-untyped-def]
    step.discovery.start([ADELE])
    # The real run keeps a broker refusal as an outcome and does not raise: a worker's
    # failure (here a bug's) is handed back as the runner would.
    runner.jobs.pop(0).on_failure(KeyError("boom"))
    assert step.discovery.run is None and step.found == 0 and session.arm_found == {}
    (said,) = step.said
    assert said.startswith("Discovering the accounts' ARM tenants stopped: KeyError.")
    assert "Nothing was asked" in said and "Every ARM tenant" in said
