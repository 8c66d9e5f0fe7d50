"""The Entra ID rules of the sandbox directory and SandboxBroker's JSON request handling.

Everything here runs in-process against a fresh `SandboxBroker()`: no D-Bus, no native
runtime, so each rule is checked on its own and a failure names the rule that broke.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from app.sandbox.broker import service
from app.sandbox.broker.service import SandboxBroker
from app.sandbox.entra.directory import Directory
from app.sandbox.entra.tokens import GRAPH_APP_ID
from tests.helpers import CONTOSO, FABRIKAM, claims

CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"  # azure-identity's developer sign-on app
OTHER_CLIENT = "345bb22e-db7e-528a-b3ac-5c154a5d0c42"  # the sandbox playground app
HOST = "https://login.microsoftonline.com"
ORGS = f"{HOST}/organizations"
COMMON = f"{HOST}/common"
CONSUMERS = f"{HOST}/consumers"
CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
LEE = "e1a899af-12c6-5975-aeae-09319b2092c5"  # lee's object in its home tenant, Fabrikam
LEE_IN_CONTOSO = "7d0f5b2e-3a94-5c61-b8e7-1f2c4d6a9b03"  # the guest object Contoso made
MSA_PASSTHROUGH_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
STORAGE = "https://storage.azure.com/.default"
VAULT = "https://vault.azure.net/.default"
PASSTHROUGH = {"msal_request_type": "consumer_passthrough"}

ACCOUNTS_REQUEST = json.dumps({"clientId": CLIENT, "redirectUri": CLIENT})
KNOWN = {
    "adele@contoso.example",
    "megan@contoso.example",
    "carl@contoso.example",
    "diego@fabrikam.example",
    "lee@fabrikam.example",
    "alex@outlook.example",
    "nestor@contoso.example",
}
# A work and a personal account share this username; neither is on the device at start.
TAYLOR = "taylor@fabrikam.example"
WORK = {u for u in KNOWN if not u.endswith(("outlook.example", "hotmail.example"))} | {TAYLOR}
PERSONAL = {"alex@outlook.example", "sam@hotmail.example", TAYLOR}


@pytest.fixture(autouse=True)
def short_picker_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A picker nobody answers gives up after PICKER_WAIT_S (120 s in the service). Keep it
    short so a rule that wrongly falls through to the picker fails fast instead of hanging."""
    monkeypatch.setattr(service, "PICKER_WAIT_S", 3.0)


@pytest.fixture
def broker() -> SandboxBroker:
    """Broker 2.0.1: the generation whose replies carry Entra ID's full text, AADSTS number
    included, so each rule's refusal can be told apart (tests/unit/sandbox/broker checks
    how each generation words them)."""
    return SandboxBroker("2.0.1")


# ---- helpers ---------------------------------------------------------------------------------
def account(broker: SandboxBroker, username: str) -> dict[str, Any]:
    user = broker.directory.user(username)
    assert user is not None, username
    return broker.directory.account_json(user)


def params(
    who: str | None = None,
    *,
    broker: SandboxBroker,
    authority: str = ORGS,
    scopes: tuple[str, ...] = (STORAGE,),
    client_id: str = CLIENT,
    passthrough: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    p: dict[str, Any] = {
        "authority": authority,
        "clientId": client_id,
        "requestedScopes": list(scopes),
        "account": account(broker, who) if who else None,
        **extra,
    }
    if passthrough:
        p["additionalQueryParametersForAuthorization"] = dict(PASSTHROUGH)
    return p


def call(broker: SandboxBroker, method: str, auth: dict[str, Any]) -> dict[str, Any]:
    reply = json.loads(broker.handle(method, json.dumps({"authParameters": auth})))
    inner = reply["brokerTokenResponse"]
    # A token alone; a refusal with the broker's telemetry beside it (linux-entra-sso #114).
    assert set(reply) == (
        {"brokerTokenResponse", "telemetry"} if "error" in inner else {"brokerTokenResponse"}
    ), reply
    return inner  # type: ignore[no-any-return]


def silent(broker: SandboxBroker, who: str | None, **kw: Any) -> dict[str, Any]:
    return call(broker, "acquireTokenSilently", params(who, broker=broker, **kw))


def interactive(broker: SandboxBroker, who: str | None, **kw: Any) -> dict[str, Any]:
    return call(broker, "acquireTokenInteractively", params(who, broker=broker, **kw))


def ok(response: dict[str, Any]) -> dict[str, Any]:
    """The access-token claims of a successful response (fails with the error if it was not)."""
    assert "error" not in response, response.get("error")
    return claims(response["accessToken"])


def error(response: dict[str, Any], status: int, code: int) -> dict[str, Any]:
    """The refusal, checked: its status, and Entra ID's AADSTS code at the start of the text
    (code 0: the broker's own refusal, no AADSTS text). The real brokers send errorCode 0."""
    assert "accessToken" not in response, "expected a refusal, got a token"
    err = response["error"]
    assert (err["status"], err["errorCode"]) == (status, 0), err
    if code:
        assert err["context"].startswith(f"AADSTS{code}:"), err["context"]
    else:
        assert "AADSTS" not in err["context"], err["context"]
    return err  # type: ignore[no-any-return]


def control(broker: SandboxBroker, op: str, **args: Any) -> dict[str, Any]:
    return json.loads(broker.control(json.dumps({"op": op, **args})))  # type: ignore[no-any-return]


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---- getAccounts -----------------------------------------------------------------------------
def test_get_accounts_lists_exactly_the_known_users(broker: SandboxBroker) -> None:
    accounts = json.loads(broker.handle("getAccounts", ACCOUNTS_REQUEST))["accounts"]
    usernames = [a["username"] for a in accounts]
    assert len(usernames) == len(set(usernames))
    assert set(usernames) == KNOWN
    assert "sam@hotmail.example" not in usernames  # in the directory, "known": false


def test_account_json_shape(broker: SandboxBroker) -> None:
    accounts = json.loads(broker.handle("getAccounts", ACCOUNTS_REQUEST))["accounts"]
    adele = next(a for a in accounts if a["username"] == "adele@contoso.example")
    oid = "200a129e-8b45-5a42-9504-569a7d9bd498"
    assert adele == {
        "name": "Adele Vance",
        "givenName": "Adele",
        "familyName": "Vance",
        "username": "adele@contoso.example",
        "homeAccountId": f"{oid}.{CONTOSO}",
        "localAccountId": oid,
        "realm": CONTOSO,
        "environment": "login.microsoftonline.com",
        "clientInfo": adele["clientInfo"],
        "passwordExpiry": 0,
    }
    info = adele["clientInfo"]
    assert "=" not in info and "+" not in info and "/" not in info  # base64url, unpadded
    assert json.loads(b64url_decode(info)) == {"uid": oid, "utid": CONTOSO}


def test_every_account_home_id_is_oid_dot_tid(broker: SandboxBroker) -> None:
    for acc in json.loads(broker.handle("getAccounts", ACCOUNTS_REQUEST))["accounts"]:
        info = json.loads(b64url_decode(acc["clientInfo"]))
        assert acc["homeAccountId"] == f"{info['uid']}.{info['utid']}"
        assert acc["localAccountId"] == info["uid"] and acc["realm"] == info["utid"]
    alex = account(broker, "alex@outlook.example")
    assert alex["realm"] == CONSUMERS_TENANT  # personal accounts live in the consumers tenant


def test_remove_account_forgets_it(broker: SandboxBroker) -> None:
    acc = account(broker, "diego@fabrikam.example")
    assert broker.handle("removeAccount", json.dumps({"account": acc})) == "{}"
    usernames = {
        a["username"]
        for a in json.loads(broker.handle("getAccounts", ACCOUNTS_REQUEST))["accounts"]
    }
    assert usernames == KNOWN - {"diego@fabrikam.example"}
    error(silent(broker, "diego@fabrikam.example"), 19, 0)  # no longer on the "device"


def test_linux_broker_version(broker: SandboxBroker) -> None:
    reply = json.loads(broker.handle("getLinuxBrokerVersion", '{"msalCppVersion": "1.28.0"}'))
    assert reply == {"linuxBrokerVersion": "2.0.1-sandbox"}


def test_unknown_method_is_an_exception_not_a_reply(broker: SandboxBroker) -> None:
    with pytest.raises(LookupError):
        broker.handle("acquireTokenTelepathically", "{}")


# ---- silent success and token shape ----------------------------------------------------------
def test_silent_success_for_a_work_account(broker: SandboxBroker) -> None:
    before = time.time()
    response = silent(broker, "adele@contoso.example")
    after = time.time()
    token = ok(response)
    assert token["tid"] == CONTOSO
    assert token["preferred_username"] == "adele@contoso.example"
    assert response["idToken"].count(".") == 2
    assert response["grantedScopes"] == STORAGE  # one space-separated string, as the real ones
    assert response["account"]["username"] == "adele@contoso.example"
    assert response["clientInfo"] == response["account"]["clientInfo"]
    # expiresOn is epoch milliseconds, about an hour ahead, and equals the token's exp.
    assert isinstance(response["expiresOn"], int)
    assert response["expiresOn"] == token["exp"] * 1000
    assert (before + 3600 - 1) * 1000 <= response["expiresOn"] <= (after + 3600 + 1) * 1000
    assert response["extendedExpiresOn"] > response["expiresOn"]


def test_silent_without_account_uses_the_os_default_account(broker: SandboxBroker) -> None:
    token = ok(silent(broker, None))
    assert token["preferred_username"] == "adele@contoso.example"
    control(broker, "forget", username="adele@contoso.example")
    error(silent(broker, None), 2, 0)


def test_silent_for_an_account_not_on_the_device_is_account_not_found(
    broker: SandboxBroker,
) -> None:
    error(silent(broker, "sam@hotmail.example", authority=COMMON), 19, 0)


def test_access_token_is_a_verifiable_rs256_jwt(broker: SandboxBroker) -> None:
    response = silent(broker, "diego@fabrikam.example")
    minter = broker.directory.minter
    public_key = minter._key.public_key()
    for jwt in (response["accessToken"], response["idToken"]):
        parts = jwt.split(".")
        assert len(parts) == 3 and all(parts)
        header = json.loads(b64url_decode(parts[0]))
        assert header["alg"] == "RS256"
        assert header["kid"] == minter.kid and header["kid"]
        signing_input = f"{parts[0]}.{parts[1]}".encode()
        signature = b64url_decode(parts[2])
        public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        # ... and a tampered payload does not verify.
        forged = dict(claims(jwt), tid=CONTOSO)
        forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=")
        with pytest.raises(InvalidSignature):
            public_key.verify(
                signature,
                parts[0].encode() + b"." + forged_payload,
                padding.PKCS1v15(),
                hashes.SHA256(),
            )


def test_a_token_from_another_sandbox_does_not_verify(broker: SandboxBroker) -> None:
    """Each directory load makes its own key: a key from another run must not verify."""
    jwt = silent(broker, "adele@contoso.example")["accessToken"]
    other_key = Directory.load().minter._key.public_key()
    head, payload, sig = jwt.split(".")
    with pytest.raises(InvalidSignature):
        other_key.verify(
            b64url_decode(sig), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )


def test_access_token_claims(broker: SandboxBroker) -> None:
    token = ok(silent(broker, "adele@contoso.example", scopes=(STORAGE,)))
    required = {"tid", "oid", "preferred_username", "name", "scp", "ver", "idtyp"}
    required |= {"iat", "nbf", "exp", "aud", "iss"}
    assert required <= set(token)
    assert token["oid"] == "200a129e-8b45-5a42-9504-569a7d9bd498"
    assert token["name"] == "Adele Vance"
    assert token["aud"] == "https://storage.azure.com"
    assert token["iss"] == f"https://sts.windows.net/{CONTOSO}/"
    assert token["scp"] == "user_impersonation"
    assert (token["ver"], token["idtyp"]) == ("1.0", "user")
    assert token["appid"] == CLIENT
    assert token["iat"] == token["nbf"] and token["exp"] - token["iat"] == 3600


def test_graph_scopes_make_a_graph_token(broker: SandboxBroker) -> None:
    token = ok(silent(broker, "adele@contoso.example", scopes=("User.Read", "openid")))
    assert token["aud"] == GRAPH_APP_ID
    assert token["scp"] == "User.Read openid"


def test_id_token_claims(broker: SandboxBroker) -> None:
    response = silent(broker, "lee@fabrikam.example", authority=f"{HOST}/{CONTOSO}")
    id_token = claims(response["idToken"])
    assert id_token["iss"] == f"https://login.microsoftonline.com/{CONTOSO}/v2.0"
    assert id_token["aud"] == CLIENT
    assert id_token["tid"] == CONTOSO
    assert id_token["oid"] == LEE_IN_CONTOSO  # the guest's own object in Contoso
    assert id_token["preferred_username"] == "lee@fabrikam.example"
    assert id_token["ver"] == "2.0"


# ---- tenant rules ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "tenant"),
    [
        ("adele@contoso.example", CONTOSO),
        ("diego@fabrikam.example", FABRIKAM),
        ("lee@fabrikam.example", FABRIKAM),
    ],
)
@pytest.mark.parametrize("authority", [ORGS, COMMON, "home"])
def test_work_account_in_its_home_tenant(
    broker: SandboxBroker, who: str, tenant: str, authority: str
) -> None:
    authority = f"{HOST}/{tenant}" if authority == "home" else authority
    assert ok(silent(broker, who, authority=authority))["tid"] == tenant


def test_tenant_by_domain_name(broker: SandboxBroker) -> None:
    for domain in ("contoso.example", "contoso.onmicrosoft.com", "Contoso.Example"):
        token = ok(silent(broker, "adele@contoso.example", authority=f"{HOST}/{domain}"))
        assert token["tid"] == CONTOSO


@pytest.mark.parametrize(
    ("who", "tenant"),
    [("adele@contoso.example", FABRIKAM), ("diego@fabrikam.example", CONTOSO)],
)
def test_work_account_in_another_tenant_is_50020(
    broker: SandboxBroker, who: str, tenant: str
) -> None:
    err = error(silent(broker, who, authority=f"{HOST}/{tenant}"), 9, 50020)
    assert err["context"].startswith("AADSTS50020")
    assert who in err["context"]


def test_guest_in_a_resource_tenant(broker: SandboxBroker) -> None:
    for authority in (f"{HOST}/{CONTOSO}", f"{HOST}/contoso.example"):
        response = silent(broker, "lee@fabrikam.example", authority=authority)
        token = ok(response)
        assert token["tid"] == CONTOSO
        # Entra ID gives the guest an object of its own in the inviting tenant.
        assert token["oid"] == LEE_IN_CONTOSO != LEE
        assert token["idp"] == f"https://sts.windows.net/{FABRIKAM}/"  # its home tenant
        # The account itself stays the home-tenant account (client_info names the home).
        assert response["account"]["realm"] == FABRIKAM
        assert response["account"]["localAccountId"] == LEE
    assert ok(silent(broker, "lee@fabrikam.example"))["oid"] == LEE  # at home
    # ... but the guest relation is one-way.
    error(silent(broker, "adele@contoso.example", authority=f"{HOST}/{FABRIKAM}"), 9, 50020)


def test_personal_account_with_organizations_and_no_passthrough_is_50020(
    broker: SandboxBroker,
) -> None:
    err = error(silent(broker, "alex@outlook.example", authority=ORGS), 9, 50020)
    assert "live.com" in err["context"]


def test_personal_account_with_passthrough_gets_the_passthrough_tenant(
    broker: SandboxBroker,
) -> None:
    response = silent(broker, "alex@outlook.example", authority=ORGS, passthrough=True)
    token = ok(response)
    assert token["tid"] == MSA_PASSTHROUGH_TENANT
    assert claims(response["idToken"])["tid"] == MSA_PASSTHROUGH_TENANT
    # The passthrough flag means nothing for work accounts.
    token = ok(silent(broker, "adele@contoso.example", authority=ORGS, passthrough=True))
    assert token["tid"] == CONTOSO


def test_passthrough_needs_the_exact_request_type(broker: SandboxBroker) -> None:
    auth = params("alex@outlook.example", broker=broker, authority=ORGS)
    auth["additionalQueryParametersForAuthorization"] = {"msal_request_type": "something_else"}
    error(call(broker, "acquireTokenSilently", auth), 9, 50020)


@pytest.mark.parametrize("authority", [CONSUMERS, COMMON])
def test_personal_account_with_consumers_or_common(broker: SandboxBroker, authority: str) -> None:
    token = ok(silent(broker, "alex@outlook.example", authority=authority))
    assert token["tid"] == CONSUMERS_TENANT
    assert token["preferred_username"] == "alex@outlook.example"


def test_work_account_with_consumers_is_50020(broker: SandboxBroker) -> None:
    error(silent(broker, "adele@contoso.example", authority=CONSUMERS), 9, 50020)
    error(silent(broker, "lee@fabrikam.example", authority=CONSUMERS, passthrough=True), 9, 50020)


def test_unknown_tenant_guid_is_90002(broker: SandboxBroker) -> None:
    unknown = "11111111-2222-3333-4444-555555555555"
    err = error(silent(broker, "adele@contoso.example", authority=f"{HOST}/{unknown}"), 9, 90002)
    assert unknown in err["context"]
    error(silent(broker, "adele@contoso.example", authority=f"{HOST}/nowhere.example"), 9, 90002)


@pytest.mark.parametrize(
    "authority",
    [
        "https://login.contoso.example/organizations",
        "https://login.microsoftonline.com.evil.example/organizations",
        "https://adfs.contoso.example/adfs",
    ],
)
def test_custom_authority_host_is_untrusted(broker: SandboxBroker, authority: str) -> None:
    err = error(silent(broker, "adele@contoso.example", authority=authority), 11, 0)
    assert authority in err["context"]


def test_other_cloud_hosts_are_trusted(broker: SandboxBroker) -> None:
    token = ok(
        silent(
            broker,
            "adele@contoso.example",
            authority="https://login.microsoftonline.us/organizations",
        )
    )
    assert token["tid"] == CONTOSO


def test_unknown_client_id_is_700016(broker: SandboxBroker) -> None:
    unknown = "99999999-0000-0000-0000-000000000000"
    err = error(silent(broker, "adele@contoso.example", client_id=unknown), 9, 700016)
    assert unknown in err["context"]
    error(interactive(broker, "adele@contoso.example", client_id=unknown), 9, 700016)
    # Both registered applications are accepted.
    ok(silent(broker, "adele@contoso.example", client_id=OTHER_CLIENT))


# ---- what only an interactive sign-in satisfies ----------------------------------------------
def test_mfa_user_needs_interaction_for_the_vault_then_silent_succeeds(
    broker: SandboxBroker,
) -> None:
    megan = "megan@contoso.example"
    ok(silent(broker, megan, scopes=(STORAGE,)))  # MFA is only demanded for the vault
    err = error(silent(broker, megan, scopes=(VAULT,)), 2, 50076)
    assert err["context"].startswith("AADSTS50076")
    # A non-MFA user gets the vault silently.
    ok(silent(broker, "adele@contoso.example", scopes=(VAULT,)))

    token = ok(interactive(broker, megan, scopes=(VAULT,)))
    assert token["preferred_username"] == megan
    assert token["aud"] == "https://vault.azure.net"
    assert ok(silent(broker, megan, scopes=(VAULT,)))["tid"] == CONTOSO


def test_consent_scope_needs_interaction_then_consent_is_remembered(
    broker: SandboxBroker,
) -> None:
    adele = "adele@contoso.example"
    err = error(silent(broker, adele, scopes=("Mail.Read",)), 2, 65001)
    assert CLIENT in err["context"] and "Mail.Read" in err["context"]

    token = ok(interactive(broker, adele, scopes=("Mail.Read",)))
    assert token["scp"] == "Mail.Read"
    ok(silent(broker, adele, scopes=("Mail.Read",)))
    # Consent is per user and per application.
    error(silent(broker, adele, scopes=("Mail.Read",), client_id=OTHER_CLIENT), 2, 65001)
    error(silent(broker, "diego@fabrikam.example", scopes=("Mail.Read",)), 2, 65001)


def test_mfa_is_evaluated_before_consent(broker: SandboxBroker) -> None:
    error(silent(broker, "megan@contoso.example", scopes=(VAULT, "Mail.Read")), 2, 50076)


def test_conditional_access_blocks_silent_and_interactive(broker: SandboxBroker) -> None:
    carl = "carl@contoso.example"
    for response in (silent(broker, carl), interactive(broker, carl)):
        err = error(response, 13, 53003)
        assert err["context"].startswith("AADSTS53003")
    # The failed interactive sign-in granted nothing.
    error(silent(broker, carl), 13, 53003)


def test_interactive_puts_a_new_account_on_the_device(broker: SandboxBroker) -> None:
    sam = "sam@hotmail.example"
    error(silent(broker, sam, authority=COMMON), 19, 0)
    assert ok(interactive(broker, sam, authority=COMMON))["tid"] == CONSUMERS_TENANT
    assert sam in control(broker, "state")["known"]
    assert ok(silent(broker, sam, authority=COMMON))["preferred_username"] == sam


def test_refused_interactive_does_not_put_the_account_on_the_device(
    broker: SandboxBroker,
) -> None:
    error(interactive(broker, "sam@hotmail.example", authority=ORGS), 9, 50020)
    assert "sam@hotmail.example" not in control(broker, "state")["known"]


# ---- the account picker ----------------------------------------------------------------------
def test_scripted_picker_answer_is_used(broker: SandboxBroker) -> None:
    state = control(broker, "script", answers=["diego@fabrikam.example", "lee@fabrikam.example"])
    assert state["script"] == ["diego@fabrikam.example", "lee@fabrikam.example"]
    assert ok(interactive(broker, None))["preferred_username"] == "diego@fabrikam.example"
    assert ok(interactive(broker, None))["preferred_username"] == "lee@fabrikam.example"
    assert control(broker, "state")["script"] == []


def test_scripted_answer_wins_over_the_account(broker: SandboxBroker) -> None:
    control(broker, "script", answers=["diego@fabrikam.example"])
    token = ok(interactive(broker, "adele@contoso.example"))
    assert token["preferred_username"] == "diego@fabrikam.example"


def test_scripted_cancel_is_user_canceled(broker: SandboxBroker) -> None:
    control(broker, "script", answers=["<cancel>"])
    error(interactive(broker, None), 7, 0)
    # ... even when the request names an account.
    control(broker, "script", answers=["<cancel>"])
    error(interactive(broker, "adele@contoso.example"), 7, 0)


def test_picking_a_user_not_in_the_directory_is_50034(broker: SandboxBroker) -> None:
    control(broker, "script", answers=["nobody@contoso.example"])
    error(interactive(broker, None), 19, 50034)


def test_picking_a_personal_account_for_an_organizations_request_is_refused(
    broker: SandboxBroker,
) -> None:
    control(broker, "script", answers=["alex@outlook.example"])
    error(interactive(broker, None, authority=ORGS), 9, 50020)


def test_username_hint_picks_that_user(broker: SandboxBroker) -> None:
    response = interactive(broker, None, username="diego@fabrikam.example")
    assert ok(response)["preferred_username"] == "diego@fabrikam.example"
    assert control(broker, "state")["pending"] == []


def run_in_thread(broker: SandboxBroker, auth: dict[str, Any]) -> tuple[threading.Thread, list]:
    result: list[dict[str, Any]] = []
    thread = threading.Thread(
        target=lambda: result.append(call(broker, "acquireTokenInteractively", auth)), daemon=True
    )
    thread.start()
    return thread, result


def wait_for_pending(broker: SandboxBroker, timeout: float = 2.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = control(broker, "state")["pending"]
        if pending:
            return pending  # type: ignore[no-any-return]
        time.sleep(0.01)
    raise AssertionError("the picker never became pending")


def test_picker_answered_from_another_thread(broker: SandboxBroker) -> None:
    auth = params(None, broker=broker, authority=ORGS, parentWindow={"handle": "x11:0x1234"})
    thread, result = run_in_thread(broker, auth)
    (request,) = wait_for_pending(broker)
    assert isinstance(request["id"], int)
    assert request["authority"] == ORGS and request["clientId"] == CLIENT
    assert request["parentWindow"] == "x11:0x1234"
    offered = {o["username"] for o in request["offered"]}
    assert offered == WORK  # organizations without passthrough: no personal accounts
    assert all(o["personal"] is False and o["name"] for o in request["offered"])
    assert thread.is_alive()  # really waiting for the answer

    control(broker, "answer", id=request["id"], username="lee@fabrikam.example")
    thread.join(5)
    assert not thread.is_alive()
    assert ok(result[0])["preferred_username"] == "lee@fabrikam.example"
    assert control(broker, "state")["pending"] == []


def test_picker_answered_with_nobody_is_canceled(broker: SandboxBroker) -> None:
    thread, result = run_in_thread(broker, params(None, broker=broker))
    (request,) = wait_for_pending(broker)
    control(broker, "answer", id=request["id"], username="")
    thread.join(5)
    assert not thread.is_alive()
    error(result[0], 7, 0)


def test_unanswered_picker_says_nobody_answered_not_canceled(
    broker: SandboxBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "PICKER_WAIT_S", 0.2)
    start = time.monotonic()
    err = error(interactive(broker, None), 0, 0)
    assert time.monotonic() - start >= 0.2  # it waited for an answer, then gave up
    assert "Nobody answered" in err["context"] and "--pick USER" in err["context"]
    assert "cancel" not in err["context"].lower()
    assert control(broker, "state")["pending"] == []


def test_a_standing_pick_answers_every_picker(broker: SandboxBroker) -> None:
    control(broker, "pick", username="lee@fabrikam.example")
    for _ in range(2):
        assert ok(interactive(broker, None))["preferred_username"] == "lee@fabrikam.example"
    assert control(broker, "state")["pick"] == "lee@fabrikam.example"
    control(broker, "pick", username="<cancel>")
    error(interactive(broker, None), 7, 0)
    control(broker, "reset")
    assert control(broker, "state")["pick"] is None


def test_the_pick_environment_variable_is_the_initial_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(service.PICK_ENV, "diego@fabrikam.example")
    broker = SandboxBroker("2.0.1")
    assert ok(interactive(broker, None))["preferred_username"] == "diego@fabrikam.example"


@pytest.mark.parametrize(
    ("authority", "passthrough", "expected"),
    [
        (ORGS, False, WORK),
        (f"{HOST}/{CONTOSO}", False, WORK),
        (ORGS, True, WORK | PERSONAL),
        (COMMON, False, WORK | PERSONAL),
        (CONSUMERS, False, PERSONAL),
        (CONSUMERS, True, PERSONAL),
    ],
)
def test_offered_accounts(
    broker: SandboxBroker, authority: str, passthrough: bool, expected: set[str]
) -> None:
    offered = {u.username for u in broker.directory.offered(authority, passthrough)}
    assert offered == expected

    thread, result = run_in_thread(
        broker, params(None, broker=broker, authority=authority, passthrough=passthrough)
    )
    (request,) = wait_for_pending(broker)
    assert {o["username"] for o in request["offered"]} == expected
    personal = expected & PERSONAL if "alex@outlook.example" in expected else set()
    assert {o["username"] for o in request["offered"] if o["personal"]} == personal
    control(broker, "answer", id=request["id"], username="")
    thread.join(5)
    error(result[0], 7, 0)


# ---- control: delay, reset, errors -----------------------------------------------------------
def held(broker: SandboxBroker) -> list[tuple[str, float]]:
    """What each recorded call was held for, in order."""
    return [(c["method"], c["held"]) for c in control(broker, "state")["calls"]]


def test_delay_holds_the_next_call_of_that_method(broker: SandboxBroker) -> None:
    control(broker, "delay", method="acquireTokenSilently", seconds=0.3)
    broker.handle("getAccounts", ACCOUNTS_REQUEST)  # another method is not held
    start = time.monotonic()
    ok(silent(broker, "adele@contoso.example"))
    assert time.monotonic() - start >= 0.3  # really held
    ok(silent(broker, "adele@contoso.example"))  # only the next call
    assert held(broker) == [
        ("getAccounts", 0),
        ("acquireTokenSilently", 0.3),
        ("acquireTokenSilently", 0),
    ]


def test_delay_count(broker: SandboxBroker) -> None:
    control(broker, "delay", method="getAccounts", seconds=0.15, count=2)
    start = time.monotonic()
    for _ in range(3):
        broker.handle("getAccounts", ACCOUNTS_REQUEST)
    assert time.monotonic() - start >= 0.3
    assert held(broker) == [("getAccounts", 0.15), ("getAccounts", 0.15), ("getAccounts", 0)]


def test_reset_restores_the_initial_state(broker: SandboxBroker) -> None:
    adele, megan = "adele@contoso.example", "megan@contoso.example"
    ok(interactive(broker, adele, scopes=("Mail.Read",)))
    ok(interactive(broker, megan, scopes=(VAULT,)))
    ok(interactive(broker, "sam@hotmail.example", authority=COMMON))
    control(broker, "forget", username="diego@fabrikam.example")
    control(broker, "script", answers=["lee@fabrikam.example"])
    control(broker, "delay", method="acquireTokenSilently", seconds=5)
    state = control(broker, "state")
    assert "sam@hotmail.example" in state["known"]
    assert "diego@fabrikam.example" not in state["known"]
    assert state["calls"] and state["script"]

    state = control(broker, "reset")
    assert set(state["known"]) == KNOWN
    assert state["known"] == sorted(state["known"])
    assert (state["calls"], state["pending"], state["script"]) == ([], [], [])
    error(silent(broker, adele, scopes=("Mail.Read",)), 2, 65001)  # consent is gone
    assert held(broker) == [("acquireTokenSilently", 0)]  # and so is the delay
    error(silent(broker, megan, scopes=(VAULT,)), 2, 50076)  # MFA must be done again


def test_calls_are_recorded(broker: SandboxBroker) -> None:
    silent(broker, "alex@outlook.example", authority=ORGS, passthrough=True)
    (recorded,) = control(broker, "state")["calls"]
    assert recorded["method"] == "acquireTokenSilently"
    assert recorded["authority"] == ORGS and recorded["clientId"] == CLIENT
    assert recorded["scopes"] == [STORAGE]
    assert recorded["account"] == "alex@outlook.example"
    assert recorded["passthrough"] is True


def test_unknown_control_op_is_an_exception(broker: SandboxBroker) -> None:
    with pytest.raises(LookupError):
        control(broker, "self-destruct")


@pytest.mark.parametrize(
    "make",
    [
        lambda b: silent(b, "carl@contoso.example"),
        lambda b: silent(b, "adele@contoso.example", authority=CONSUMERS),
        lambda b: silent(b, "adele@contoso.example", client_id="nope"),
        lambda b: silent(b, "sam@hotmail.example"),
        lambda b: silent(b, "adele@contoso.example", authority="https://idp.example/x"),
    ],
)
def test_error_replies_have_the_full_error_shape(broker: SandboxBroker, make: Any) -> None:
    """Broker 2.0.1's, as linux-entra-sso issue #114 recorded it."""
    response = make(broker)
    assert set(response) == {"accessTokenType", "error", "expiresOn", "extendedExpiresOn"}
    assert (response["accessTokenType"], response["expiresOn"]) == (0, 0)
    err = response["error"]
    assert set(err) == {"status", "subStatus", "errorCode", "context", "tag", "diagnostics"}
    for key in ("status", "subStatus", "errorCode", "tag"):
        assert type(err[key]) is int, (key, err[key])
    assert (err["errorCode"], err["tag"]) == (0, 0)
    assert err["status"] != 0 and isinstance(err["context"], str) and err["context"]


def test_tokens_can_be_minted_as_if_earlier(broker: SandboxBroker) -> None:
    """What a token from the native runtime's cache looks like: minted minutes ago."""
    control(broker, "age_tokens", seconds=600)
    before = time.time()
    token = ok(silent(broker, "adele@contoso.example"))
    after = time.time()
    assert before - 600 - 1 <= token["iat"] <= after - 600
    assert token["exp"] - token["iat"] == 3600
    control(broker, "reset")
    assert ok(silent(broker, "adele@contoso.example"))["iat"] >= int(after) - 1
