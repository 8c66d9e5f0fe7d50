"""The Subscriptions window showing what the session already knows (the matrix's discovery)
without asking: real Qt (offscreen) and the real session, over the broker stand-in and the
hand-stepped runner of tests/stubs.py (ARM's answers: tests/integration/ui/test_arm_shared.py)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.core.accounts.session import AccountsSession
from app.core.arm.records import Discovery, Subscription, Tenant, TenantAnswer
from app.core.configurations.profile import Profile
from app.core.settings.data import StoreData
from app.ui.arm.window import ArmWindow
from tests.stubs import FakeBroker, ManualRunner, account

ADELE = account("adele")
WORK = Profile(name="Work", client_id="11111111-1111-1111-1111-111111111111")
TID = ADELE.home_tenant


def found(storage: bool) -> Discovery:
    sub = Subscription("s1", "Sandbox", "Enabled", TID)
    contoso = TenantAnswer(Tenant(TID, "Contoso", home=True), subscriptions=(sub,))
    return Discovery(ADELE.home_account_id, ADELE.username, tenants=(contoso,), storage=storage)


def window(qtbot: QtBot) -> tuple[ArmWindow, AccountsSession, FakeBroker, ManualRunner]:
    broker, runner = FakeBroker([ADELE]), ManualRunner()
    data = StoreData(profiles=[WORK], selected="Work")
    session = AccountsSession(broker, runner, data, lambda: None, {})  # type: ignore[arg-type]
    session.arm_found[ADELE.home_account_id] = found(storage=False)
    arm = ArmWindow(session)
    qtbot.addWidget(arm)
    return arm, session, broker, runner


def test_opened_after_a_discovery_it_shows_it_asking_nothing(qtbot: QtBot) -> None:
    arm, session, broker, runner = window(qtbot)
    assert arm.found is session.arm_found  # the one store
    assert arm.model.rowCount() == 1 and arm.shown == session.arm_found
    assert not broker.asked and runner.waiting == [] and session.current is None
    status = arm.status.text()
    assert "nothing asked" in status and "1 accounts, 1 tenants, 1 subscriptions" in status
    assert "not listed yet" in status
    assert arm.tenants_of(ADELE.home_account_id) == [(TID, "Contoso · home")]


def test_it_shows_again_only_what_is_new_and_not_over_a_refresh(qtbot: QtBot) -> None:
    arm, session, _, runner = window(qtbot)
    assert not arm.show_known()  # nothing new: the tree (and where the user was) is kept
    session.arm_found[ADELE.home_account_id] = found(storage=True)
    assert arm.show_known()
    assert "Refresh asks ARM again" in arm.status.text()
    assert "not listed" not in arm.status.text()
    session.arm_found.clear()
    assert arm.refresh([ADELE])  # a Refresh runs: it shows its own answer when it ends
    session.arm_found[ADELE.home_account_id] = found(storage=False)
    assert not arm.show_known()
    assert runner.waiting == ["Discovering tenants and subscriptions"]
