"""The broker layer through the real pymsalruntime native library against the sandbox broker.

What is real: libmsalruntime.so, its D-Bus client, its token cache in the Secret Service.
What stands in: the broker service on the private bus (app/sandbox). Note the native runtime
keeps its own access-token cache (and sign-outs) per client id for the whole test session, so
tests that need a call to reach the broker use a scope no other test asks for or a client id
registered for them alone (`fresh_profile`), and assert against the token's own claims, not
the clock.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter

import pytest

from app.core.broker import calls
from app.core.broker.errors import BrokerBusy, BrokerError, BrokerTimeout, NotBrokered
from app.core.broker.records import CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT, Account
from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.guidance.explain import explain
from app.core.outcomes import classify as outcomes
from app.core.outcomes.outcome import Kind
from app.sandbox.entra.tokens import split_scopes
from tests.helpers import (
    CONTOSO,
    FABRIKAM,
    ROOT,
    claims,
    unique_scope,
    wait_until_the_broker_is_free,
)

STORAGE = ("https://storage.azure.com/.default",)


@pytest.fixture
def broker() -> Broker:
    return Broker(timeout=10, interactive_timeout=20)


def by_name(accounts: list[Account]) -> dict[str, Account]:
    return {a.username.split("@")[0]: a for a in accounts}


@pytest.fixture
def known(broker: Broker, control) -> dict[str, Account]:  # type: ignore[no-untyped-def]
    return by_name(broker.discover_accounts(Profile()))


@pytest.fixture
def native_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the app calls these runtime functions; each call still runs the real one.
    Counted here because the runtime answers read_account_by_id from its own cache: the
    broker service never sees it, and counting the runtime's log lines would tie the test
    to their wording."""
    import pymsalruntime

    counted: Counter[str] = Counter()
    for name in ("read_account_by_id", "discover_accounts"):
        real = getattr(pymsalruntime, name)

        def counting(*args, _real=real, _name=name):  # type: ignore[no-untyped-def]
            counted[_name] += 1
            return _real(*args)

        monkeypatch.setattr(pymsalruntime, name, counting)
    return counted


def test_discover_copies_every_field_out_of_the_native_accounts(known: dict[str, Account]):
    assert set(known) == {"adele", "megan", "carl", "diego", "lee", "alex", "nestor"}
    adele = known["adele"]
    assert adele.home_account_id == f"{adele.account_id}.{CONTOSO}"
    assert (adele.display_name, adele.realm) == ("Adele Vance", CONTOSO)
    assert adele.environment == "login.microsoftonline.com"
    assert not adele.personal and known["alex"].personal
    assert known["alex"].home_tenant == CONSUMERS_TENANT


@pytest.mark.parametrize(
    ("who", "tenant"),
    [("adele", CONTOSO), ("megan", CONTOSO), ("diego", FABRIKAM), ("lee", FABRIKAM)],
)
def test_silent_token_for_each_work_account(broker, known, who, tenant):
    result = broker.acquire_token_silently(known[who], Profile(), STORAGE)
    token = claims(result.access_token)
    assert token["tid"] == tenant
    assert token["preferred_username"] == known[who].username
    assert token["aud"] == "https://storage.azure.com"
    assert token["iss"] == f"https://sts.windows.net/{tenant}/"
    assert token["ver"] == "1.0" and token["idtyp"] == "user"
    assert token["exp"] - token["iat"] == 3600 and token["nbf"] == token["iat"]
    assert result.granted_scopes == STORAGE
    # The runtime may answer from its cache (minted by any earlier test): the expiry it reports
    # is the token's own, whenever that was minted.
    assert result.expires_on == token["exp"]
    assert claims(result.id_token)["aud"] == Profile().client_id
    assert "access_token" not in repr(result) and result.access_token not in repr(result)


def test_personal_account_has_no_silent_token_before_signing_in(broker, known):
    """The native runtime answers this itself: personal accounts are not brokered silently
    on Linux until a sign-in put a token in its cache."""
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(
            known["alex"], Profile(msa_passthrough=True), (unique_scope(),)
        )
    assert caught.value.interaction_required


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_conditional_access_block(broker, known):
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(known["carl"], Profile(), STORAGE)
    assert (caught.value.status, caught.value.aadsts) == ("AccountUnusable", 53003)
    assert explain(caught.value).code == "AADSTS53003"


def test_interactive_sign_in_records_our_window_handle(broker, control):
    control.script_picker("diego@fabrikam.example")
    result = broker.sign_in_interactively(424242, Profile(), STORAGE)
    assert result.account.username == "diego@fabrikam.example"
    call = control.calls("acquireTokenInteractively")[-1]
    assert call["parentWindowHandle"] == 424242 and call["parentWindow"] == 424242
    assert call["authority"] == "https://login.microsoftonline.com/organizations"


def test_interactive_requires_a_window_handle(broker):
    with pytest.raises(ValueError, match="handle"):
        broker.sign_in_interactively(0, Profile(), STORAGE)


def test_cancel_in_the_picker(broker, control):
    control.script_picker("<cancel>")
    with pytest.raises(BrokerError) as caught:
        broker.sign_in_interactively(7, Profile(), STORAGE)
    assert caught.value.status == "UserCanceled"
    assert explain(caught.value).title


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_consent_needs_interaction_then_silent_works(broker, known, control, fresh_profile):
    scopes = ("https://graph.microsoft.com/Mail.Read",)
    adele = known["adele"]
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(adele, fresh_profile, scopes)
    assert caught.value.interaction_required and caught.value.aadsts == 65001
    assert explain(caught.value).needs_interaction

    fresh = broker.acquire_token_interactively(99, adele, fresh_profile, scopes)
    assert claims(fresh.access_token)["scp"] == "Mail.Read"
    assert control.calls("acquireTokenInteractively")[-1]["account"] == adele.username
    assert broker.acquire_token_silently(adele, fresh_profile, scopes).account == fresh.account


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_mfa_needs_interaction_then_silent_works(broker, known, fresh_profile):
    scopes = ("https://vault.azure.net/.default",)
    megan = known["megan"]
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(megan, fresh_profile, scopes)
    assert caught.value.interaction_required and caught.value.aadsts == 50076
    broker.acquire_token_interactively(5, megan, fresh_profile, scopes)
    token = broker.acquire_token_silently(megan, fresh_profile, scopes)
    assert claims(token.access_token)["aud"] == "https://vault.azure.net"


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_tenant_mismatch(broker, known):
    diego_in_contoso = Profile(tenant=CONTOSO)
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(known["diego"], diego_in_contoso, STORAGE)
    assert caught.value.aadsts == 50020
    assert explain(caught.value).code == "AADSTS50020"


def test_guest_gets_a_token_in_the_resource_tenant(broker, known):
    token = broker.acquire_token_silently(known["lee"], Profile(tenant=CONTOSO), (unique_scope(),))
    assert claims(token.access_token)["tid"] == CONTOSO


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_unknown_client_id(broker, known):
    stranger = Profile(client_id=str(uuid.uuid4()))
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(known["adele"], stranger, STORAGE)
    assert caught.value.aadsts == 700016


def wait_for_pending(control, timeout: float = 10.0) -> dict:  # type: ignore[no-untyped-def, type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = control.state()["pending"]
        if pending:
            return pending[0]  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("the broker never showed its picker")


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
@pytest.mark.parametrize("passthrough", [False, True])
def test_msa_passthrough_decides_what_the_picker_offers(broker, control, passthrough):
    outcome: dict[str, object] = {}

    def sign_in() -> None:
        try:
            outcome["result"] = broker.sign_in_interactively(
                11, Profile(msa_passthrough=passthrough), STORAGE
            )
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=sign_in)
    worker.start()
    request = wait_for_pending(control)
    offered = {entry["username"] for entry in request["offered"]}
    assert ("alex@outlook.example" in offered) is passthrough
    assert "adele@contoso.example" in offered
    assert request["parentWindow"] == 11
    control.answer(request["id"], "alex@outlook.example")  # "use another account"
    worker.join(15)
    if passthrough:
        token = outcome["result"]
        assert claims(token.access_token)["tid"] == MSA_PASSTHROUGH_TENANT  # type: ignore[attr-defined]
        assert token.account.personal  # type: ignore[attr-defined]
    else:
        error = outcome["error"]
        assert isinstance(error, BrokerError) and error.aadsts == 50020


def test_personal_account_sign_in_again_goes_to_the_broker(broker, known, control):
    """On Linux this is the picker (see Broker.acquire_token_interactively); the user picks."""
    control.script_picker("alex@outlook.example")
    alex = known["alex"]
    again = broker.acquire_token_interactively(3, alex, Profile(tenant="common"), (unique_scope(),))
    assert claims(again.access_token)["tid"] == CONSUMERS_TENANT
    assert control.calls("acquireTokenInteractively")[-1]["parentWindowHandle"] == 3


def test_sign_out(broker, known, fresh_profile, native_calls):
    """Signed out for this client id only (for the rest of the process): other clients, and
    every other test, still get adele's tokens."""
    adele = known["adele"]
    broker.acquire_token_silently(adele, fresh_profile, STORAGE)
    broker.sign_out(adele, fresh_profile)
    native_calls.clear()
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(adele, fresh_profile, STORAGE)
    assert caught.value.status == "AccountUnusable"  # "signed out of this application"
    # The native account was let go with the sign-out: read again, not reused.
    assert native_calls["read_account_by_id"] == 1
    # The runtime only drops its own cache entries; the broker still knows the account.
    assert "adele" in by_name(broker.discover_accounts(fresh_profile))
    assert broker.acquire_token_silently(adele, Profile(), (unique_scope(),)).account == adele


def test_silent_calls_and_sign_out_after_a_listing_read_no_account(
    broker, known, fresh_profile, native_calls
):
    native_calls.clear()
    for who in ("adele", "diego", "adele"):
        assert broker.acquire_token_silently(known[who], Profile(), STORAGE).account == known[who]
    broker.sign_out(known["lee"], fresh_profile)  # signed out of a client id nobody else uses
    assert native_calls == {}  # every native account came from the listing


def test_a_signed_in_account_needs_no_read_either(broker, control, native_calls):
    control.script_picker("megan@contoso.example")
    megan = broker.sign_in_interactively(4, Profile(), STORAGE).account
    native_calls.clear()
    assert broker.acquire_token_silently(megan, Profile(), STORAGE).account == megan
    assert native_calls == {}


def test_an_account_listed_by_another_process_works(native_calls):
    """Its native object was never held here: read through the runtime's cache, once."""
    listed = subprocess.run(
        [sys.executable, "-c", LIST_AS_JSON],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    lee = next(
        Account(**fields)
        for fields in json.loads(listed.stdout.strip().splitlines()[-1])
        if fields["username"] == "lee@fabrikam.example"
    )
    fresh = Broker(timeout=10)
    assert fresh.acquire_token_silently(lee, Profile(), STORAGE).account == lee
    assert native_calls["read_account_by_id"] >= 1
    native_calls.clear()
    assert fresh.acquire_token_silently(lee, Profile(), STORAGE).account == lee
    assert native_calls == {}


LIST_AS_JSON = (
    "import dataclasses, json; from app.core.broker.runtime import Broker; "
    "from app.core.configurations.profile import Profile; "
    "print(json.dumps([dataclasses.asdict(a) for a in Broker().discover_accounts(Profile())]))"
)


def test_default_os_account(broker, control):
    result = broker.sign_in_default_account(Profile(), (unique_scope(),))
    assert result.account.username == "adele@contoso.example"
    assert not control.calls("acquireTokenInteractively")


def test_hung_broker_hits_our_deadline_and_a_retry_waits_for_it(known, control):
    quick = Broker(timeout=1.0)
    control.delay("acquireTokenSilently", 3.0)
    dropped_before = calls.late_answers_dropped()
    try:
        # The broker holds the answer for 3 s; we give up at 1 s (a token would mean we
        # had waited for it).
        with pytest.raises(BrokerTimeout) as caught:
            quick.acquire_token_silently(known["diego"], Profile(), (unique_scope(),))
        assert explain(caught.value).code == "Timeout"
        # The runtime queues the retry behind the request the broker still holds; with the
        # same short deadline it waits for that one, then gets its answer.
        assert quick.acquire_token_silently(known["lee"], Profile(), (unique_scope(),))
    finally:
        wait_until_the_broker_is_free()
    # At least ours (a late answer left by an earlier test may land in this window too).
    assert calls.late_answers_dropped() >= dropped_before + 1


def test_broker_still_busy_with_an_earlier_request(known, control):
    impatient = Broker(timeout=0.3, busy_timeout=0.3)
    control.delay("acquireTokenSilently", 6.0)
    try:
        with pytest.raises(BrokerTimeout) as first:
            impatient.acquire_token_silently(known["diego"], Profile(), (unique_scope(),))
        assert not isinstance(first.value, BrokerBusy)
        assert Broker.busy_with()[0] == "get a token silently"  # type: ignore[index]
        with pytest.raises(BrokerBusy) as caught:
            impatient.acquire_token_silently(known["lee"], Profile(), (unique_scope(),))
        assert caught.value.earlier == "get a token silently"
        advice = explain(caught.value)
        assert advice.title == "The broker is still busy with an earlier request"
        assert "get a token silently" in advice.explanation
    finally:
        wait_until_the_broker_is_free()


def test_stop_waiting_frees_a_call_queued_behind_a_held_request(known, control):
    """What the window's Cancel does: without it this call would wait (up to a minute) for
    the held request and then get its token."""
    patient = Broker(timeout=0.3, busy_timeout=60)
    control.delay("acquireTokenSilently", 6.0)
    outcome: list[BaseException | object] = []
    try:
        with pytest.raises(BrokerTimeout):
            patient.acquire_token_silently(known["diego"], Profile(), (unique_scope(),))

        def queued() -> None:
            try:
                outcome.append(
                    patient.acquire_token_silently(known["lee"], Profile(), (unique_scope(),))
                )
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=queued)
        worker.start()
        while worker.is_alive():  # until it is waiting behind the held request and gives up
            Broker.stop_waiting()
            worker.join(0.05)
        assert isinstance(outcome[0], BrokerBusy)
    finally:
        wait_until_the_broker_is_free()


def test_sandbox_audience_follows_the_scope():
    assert split_scopes(["https://storage.azure.com/.default"]) == (
        "https://storage.azure.com",
        "user_impersonation",
    )
    assert split_scopes(["User.Read", "Mail.Read"])[1] == "User.Read Mail.Read"


@pytest.mark.parametrize("username", ["alex@outlook.example", "adele@contoso.example"])
def test_interactive_calls_under_consumers_are_refused_before_the_runtime_blocks(
    broker: Broker, control, fresh_profile: Profile, username: str
) -> None:
    """On Linux the runtime keeps an interactive call under consumers from the broker and waits
    in a web flow of its own until our deadline (measured: 8 s of 8 with this broker's
    deadline, for a personal and a work account, with or without a login hint). The app says
    why at once and asks nothing of the broker."""
    consumers = dataclasses.replace(fresh_profile, tenant="consumers", login_hint=username)
    account = next(a for a in broker.discover_accounts(fresh_profile) if a.username == username)
    for call in (
        lambda: broker.sign_in_interactively(13, consumers),
        lambda: broker.acquire_token_interactively(13, account, consumers),
    ):
        with pytest.raises(NotBrokered) as refused:
            call()
        advice = explain(refused.value)
        assert advice.code == "NotBrokered" and "common or organizations" in advice.fix
        outcome = outcomes.of_error(account, Configuration.of(consumers), refused.value, {})
        assert outcome.kind is Kind.NOT_USABLE
    assert control.calls("acquireTokenInteractively") == []
