"""The accounts session's own rules, with a broker stand-in and a runner the test steps by hand
(tests/stubs.py): what a call captures when it is asked for, what is queued, refused or
dropped, and where each answer is kept. Through the real runtime and widgets:
tests/integration/ui."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.core.accounts.calls import Listener
from app.core.accounts.session import AccountsSession
from app.core.broker.errors import BrokerError
from app.core.configurations.profile import Profile
from app.core.outcomes.outcome import Kind
from app.core.settings.data import StoreData
from tests.stubs import FakeBroker, ManualRunner, account, user_cancel

ADELE, MEGAN = account("adele"), account("megan")
WORK = Profile(name="Work", client_id="11111111-1111-1111-1111-111111111111")
OTHER = Profile(name="Other", client_id="22222222-2222-2222-2222-222222222222")


class Recorder(Listener):
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def __getattribute__(self, name: str) -> Any:
        if name in Listener.__dict__ and not name.startswith("_"):
            return lambda *args: self.events.append((name, args))
        return super().__getattribute__(name)

    def of(self, kind: str) -> list[Any]:
        return [args for name, args in self.events if name == kind]


@pytest.fixture
def broker() -> FakeBroker:
    return FakeBroker([ADELE, MEGAN])


@pytest.fixture
def runner() -> ManualRunner:
    return ManualRunner()


@pytest.fixture
def heard() -> Recorder:
    return Recorder()


@pytest.fixture
def data() -> StoreData:
    return StoreData(profiles=[WORK, OTHER], selected="Work")


@pytest.fixture
def session(broker, runner, data, heard) -> AccountsSession:  # type: ignore[no-untyped-def]
    saved: list[int] = []
    return AccountsSession(broker, runner, data, lambda: saved.append(1), {}, heard)


def switch(session: AccountsSession, name: str) -> None:
    """What the profile bar does: select another profile, then tell the session."""
    session.data.selected = name
    session.configuration_changed()


def test_a_sign_in_is_kept_under_the_profile_it_started_in(session, broker, runner, data):
    broker.picked = ADELE
    assert session.add_account(handle=7)
    switch(session, "Other")  # while the picker is open
    assert runner.waiting == ["Signing in"]  # the listing for Other waits, it is not dropped
    runner.finish()
    assert [r.client_id for r in data.records["Work"]] == [WORK.client_id]
    assert "Other" not in data.records
    assert data.active == {"Work": ADELE.home_account_id}
    assert session.active is None  # Other has no active account
    assert runner.waiting == ["Listing accounts"]
    runner.finish()
    assert broker.asked[-1][:2] == ("list_accounts", OTHER)


def test_the_outcome_of_a_call_is_kept_under_the_configuration_it_was_asked_under(
    session, runner, data, broker
):
    session.refresh()
    runner.finish()
    before = session.configuration
    session.get_token(ADELE)
    data.profiles[0] = dataclasses.replace(WORK, tenant="common")  # the tenant flipped meanwhile
    session.configuration_changed()
    runner.finish()
    assert session.book.get(ADELE, before).kind is Kind.TOKEN
    assert session.outcome(ADELE) is None  # not asked under common yet
    runner.finish_all()  # the listing under common restores Adele (she became active)
    silent = [p.tenant for m, p, _ in broker.asked if m == "acquire_token_silently"]
    assert silent == ["organizations", "common"]


def test_a_call_asked_for_while_another_runs_is_refused_with_the_reason(session, runner, heard):
    session.refresh()
    assert not session.get_token(ADELE)
    assert runner.waiting == ["Listing accounts"]
    (reason,) = heard.of("refused")[-1]
    assert "Getting a token" in reason and "Listing accounts" in reason


def test_listings_asked_for_meanwhile_run_once_afterwards(session, runner, broker):
    session.refresh()
    session.refresh()
    session.refresh()
    runner.finish_all()
    assert [m for m, _, _ in broker.asked] == ["list_accounts", "list_accounts"]


def test_a_listing_for_a_profile_no_longer_in_use_is_not_shown(session, runner, broker):
    broker.by_client = {WORK.client_id: [ADELE], OTHER.client_id: [MEGAN]}
    session.refresh()
    switch(session, "Other")
    runner.finish()
    assert session.accounts == []  # Work's list is not Other's
    runner.finish()
    assert session.accounts == [MEGAN]


def test_a_user_cancel_is_not_an_outcome(session, runner, broker, heard):
    session.refresh()
    runner.finish()
    broker.errors["acquire_token_interactively"] = user_cancel()
    session.sign_in_again(ADELE, handle=7)
    runner.finish()
    assert len(session.book) == 0
    advice, who, _ = heard.of("failed")[-1]
    assert advice.code == "UserCanceled" and who == ADELE


def test_a_refusal_is_the_accounts_outcome(session, runner, broker):
    session.refresh()
    runner.finish()
    broker.errors["acquire_token_silently"] = BrokerError(
        "InteractionRequired", context="AADSTS50076: MFA"
    )
    session.get_token(MEGAN)
    runner.finish()
    assert session.outcome(MEGAN).kind is Kind.INTERACTION


def test_cancel_drops_the_late_answer_and_runs_what_waits(session, runner, broker, heard):
    broker.picked = ADELE
    session.add_account(handle=7)
    session.refresh()
    session.cancel()
    assert session.current is not None and session.current.label == "Listing accounts"
    assert broker.stopped == 1  # a call the runtime queued behind a held one stops waiting
    runner.finish()  # the sign-in answers late: dropped
    assert "Work" not in session.data.records and len(session.book) == 0
    runner.finish()
    assert session.current is None and heard.of("busy")[-1] == ("",)


def test_the_active_account_is_restored_with_a_silent_token(session, runner, broker, data):
    data.active["Work"] = MEGAN.home_account_id
    session.refresh()
    runner.finish()
    assert session.active == MEGAN
    assert runner.waiting == ["Getting a token"]
    runner.finish()
    assert session.outcome(MEGAN).kind is Kind.TOKEN


def test_a_sign_out_forgets_under_the_profile_it_was_asked_under(session, runner, data):
    session.refresh()
    runner.finish()
    session.set_active(ADELE)
    session.sign_out(ADELE)
    switch(session, "Other")
    runner.finish()
    assert data.forgotten == {"Work": [ADELE.home_account_id]}
    assert "Work" not in data.active
    runner.finish()  # Other's listing: Adele is still there for Other's client id
    assert ADELE in session.accounts


def test_a_signed_out_account_stays_hidden_until_added_again(session, runner, broker):
    session.refresh()
    runner.finish()
    session.sign_out(ADELE)
    runner.finish()
    session.refresh()
    runner.finish()
    assert session.accounts == [MEGAN]
    broker.picked = ADELE
    session.add_account(handle=7)
    runner.finish()
    assert ADELE in session.accounts and session.data.forgotten["Work"] == []


def test_rules_decide_without_asking_the_broker(session, runner, broker):
    personal = dataclasses.replace(
        account("alex", tenant="9188040d-6c67-4c5b-b112-36a304b66dad"),
        username="alex@outlook.example",
    )
    assert session.get_token(personal)
    assert runner.waiting == [] and session.outcome(personal).kind is Kind.NOT_USABLE


def test_nothing_starts_once_the_broker_is_known_unavailable(session, runner, broker, heard):
    from app.core.broker.errors import BrokerUnavailable

    broker.known_unavailable = BrokerUnavailable("no-broker", "none here", "install one")
    assert not session.get_token(ADELE)
    session.refresh()
    assert runner.waiting == [] and len(heard.of("unavailable")) == 2


def test_the_default_account_falls_back_to_the_picker_on_any_broker_failure(
    session, runner, broker, data
):
    data.profiles[0] = dataclasses.replace(WORK, use_default_account=True)
    broker.picked = MEGAN
    for failure in (BrokerError("AccountUnusable"), BrokerError("Unexpected")):
        broker.errors["sign_in_default_account"] = failure
        session.add_account(handle=7)
        runner.finish()
        assert [m for m, _, _ in broker.asked[-2:]] == [
            "sign_in_default_account",
            "sign_in_interactively",
        ]


def test_an_answer_for_another_account_is_kept_as_that_accounts_and_said(
    session, runner, broker, heard
):
    session.refresh()
    runner.finish()
    real = broker.acquire_token_interactively
    broker.acquire_token_interactively = lambda handle, who, profile, scopes=None: real(  # type: ignore[method-assign]
        handle, MEGAN, profile
    )
    session.sign_in_again(ADELE, handle=7)
    runner.finish()
    assert session.outcome(ADELE) is None  # never shown as Adele's
    assert session.outcome(MEGAN).kind is Kind.TOKEN
    advice, about, _ = heard.of("failed")[-1]
    assert advice.code == "AnsweredForAnother" and about == ADELE
    assert "answered for megan@contoso.example" in advice.explanation


def test_a_sign_out_says_what_it_did_and_where_to_remove_the_account_for_real(
    session, runner, heard
):
    session.refresh()
    runner.finish()
    session.sign_out(ADELE)
    runner.finish()
    ((title, text),) = heard.of("notice")
    assert title == "Signed out" and text.startswith(f"{ADELE.username}: this app's tokens")
    assert "apps cannot remove it" in text and session.broker.platform.remove_account in text


def test_sign_out_everywhere_goes_on_past_an_account_that_fails(session, runner, broker, heard):
    session.refresh()
    runner.finish()
    real = broker.sign_out

    def fails_for_megan(who, profile):  # type: ignore[no-untyped-def]
        if who == MEGAN:
            raise BrokerError("Unexpected")
        real(who, profile)

    broker.sign_out = fails_for_megan  # type: ignore[method-assign]
    assert session.sign_out_all()
    assert runner.waiting == ["Signing out everywhere in this profile"]
    runner.finish()
    assert session.accounts == [MEGAN]
    assert session.data.forgotten == {"Work": [ADELE.home_account_id]}
    ((_, about, _),) = heard.of("failed")
    assert about == MEGAN
    ((_, text),) = heard.of("notice")
    assert text.startswith(ADELE.username)
