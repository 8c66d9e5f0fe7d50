"""The broker layer through the real pymsalruntime native library against the sandbox broker.

What is real: libmsalruntime.so, its D-Bus client, its token cache in the Secret Service.
What stands in: the broker service on the private bus (app/sandbox). Note the native runtime
keeps its own access-token cache (and sign-outs) per client id for the whole test session, so
tests that need a call to reach the broker use a scope no other test asks for or a client id
registered for them alone (`fresh_profile`), and assert against the token's own claims, not
the clock.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from app.core import guidance
from app.core.accounts import CONSUMERS_TENANT, MSA_PASSTHROUGH_TENANT, Account
from app.core.broker import Broker
from app.core.errors import BrokerError, BrokerTimeout
from app.core.profile import Profile
from app.sandbox.tokens import split_scopes
from tests.helpers import CONTOSO, FABRIKAM, claims, unique_scope

STORAGE = ("https://storage.azure.com/.default",)


@pytest.fixture
def broker() -> Broker:
    return Broker(timeout=10, interactive_timeout=20)


def by_name(accounts: list[Account]) -> dict[str, Account]:
    return {a.username.split("@")[0]: a for a in accounts}


@pytest.fixture
def known(broker: Broker, control) -> dict[str, Account]:  # type: ignore[no-untyped-def]
    return by_name(broker.discover_accounts(Profile()))


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


def test_conditional_access_block(broker, known):
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(known["carl"], Profile(), STORAGE)
    assert (caught.value.status, caught.value.aadsts) == ("AccountUnusable", 53003)
    assert guidance.explain(caught.value).code == "AADSTS53003"


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
    assert guidance.explain(caught.value).title


def test_consent_needs_interaction_then_silent_works(broker, known, control, fresh_profile):
    scopes = ("https://graph.microsoft.com/Mail.Read",)
    adele = known["adele"]
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(adele, fresh_profile, scopes)
    assert caught.value.interaction_required and caught.value.aadsts == 65001
    assert guidance.explain(caught.value).needs_interaction

    fresh = broker.acquire_token_interactively(99, adele, fresh_profile, scopes)
    assert claims(fresh.access_token)["scp"] == "Mail.Read"
    assert control.calls("acquireTokenInteractively")[-1]["account"] == adele.username
    assert broker.acquire_token_silently(adele, fresh_profile, scopes).account == fresh.account


def test_mfa_needs_interaction_then_silent_works(broker, known, fresh_profile):
    scopes = ("https://vault.azure.net/.default",)
    megan = known["megan"]
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(megan, fresh_profile, scopes)
    assert caught.value.interaction_required and caught.value.aadsts == 50076
    broker.acquire_token_interactively(5, megan, fresh_profile, scopes)
    token = broker.acquire_token_silently(megan, fresh_profile, scopes)
    assert claims(token.access_token)["aud"] == "https://vault.azure.net"


def test_tenant_mismatch(broker, known):
    diego_in_contoso = Profile(tenant=CONTOSO)
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(known["diego"], diego_in_contoso, STORAGE)
    assert caught.value.aadsts == 50020
    assert guidance.explain(caught.value).code == "AADSTS50020"


def test_guest_gets_a_token_in_the_resource_tenant(broker, known):
    token = broker.acquire_token_silently(known["lee"], Profile(tenant=CONTOSO), (unique_scope(),))
    assert claims(token.access_token)["tid"] == CONTOSO


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


def test_sign_out(broker, known, fresh_profile):
    """Signed out for this client id only (for the rest of the process): other clients, and
    every other test, still get adele's tokens."""
    adele = known["adele"]
    broker.acquire_token_silently(adele, fresh_profile, STORAGE)
    broker.sign_out(adele, fresh_profile)
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(adele, fresh_profile, STORAGE)
    assert caught.value.status == "AccountUnusable"  # "signed out of this application"
    # The runtime only drops its own cache entries; the broker still knows the account.
    assert "adele" in by_name(broker.discover_accounts(fresh_profile))
    assert broker.acquire_token_silently(adele, Profile(), (unique_scope(),)).account == adele


def test_default_os_account(broker, control):
    result = broker.sign_in_default_account(Profile(), (unique_scope(),))
    assert result.account.username == "adele@contoso.example"
    assert not control.calls("acquireTokenInteractively")


def test_hung_broker_hits_our_deadline_and_the_late_answer_is_dropped(known, control):
    quick = Broker(timeout=1.0)
    control.delay("acquireTokenSilently", 3.0)
    dropped_before = Broker.late_answers_dropped
    with pytest.raises(BrokerTimeout) as caught:  # the deadline won: the broker held for 3 s
        quick.acquire_token_silently(known["diego"], Profile(), (unique_scope(),))
    assert guidance.explain(caught.value).code == "Timeout"
    # The native runtime queues calls behind the held one, so the next call (with a normal
    # deadline) is answered once the broker lets go, and the late answer has been dropped.
    patient = Broker(timeout=10.0)
    assert patient.acquire_token_silently(known["lee"], Profile(), (unique_scope(),))
    deadline = time.monotonic() + 10
    while Broker.late_answers_dropped == dropped_before and time.monotonic() < deadline:
        time.sleep(0.05)
    # At least ours (a late answer left by an earlier test may land in this window too).
    assert Broker.late_answers_dropped >= dropped_before + 1


def test_sandbox_audience_follows_the_scope():
    assert split_scopes(["https://storage.azure.com/.default"]) == (
        "https://storage.azure.com",
        "user_impersonation",
    )
    assert split_scopes(["User.Read", "Mail.Read"])[1] == "User.Read Mail.Read"
