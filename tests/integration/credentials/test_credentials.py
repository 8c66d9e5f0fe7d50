"""Credentials through the real azure-identity-broker → msal → pymsalruntime → sandbox broker.

The only stand-in besides the broker service is the login metadata msal fetches, served by
the sandbox's login proxy through the proxy and CA-bundle variables the sandbox exports (no
sandbox code in the call); the test checks that nothing else was asked of the network.
"""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest
from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.policies import BearerTokenCredentialPolicy
from azure.core.rest import HttpRequest
from azure.identity import AuthenticationRecord, AuthenticationRequiredError

from app.core.broker.errors import BrokerError
from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.core.credentials.interactive import broker_credential
from app.core.guidance.explain import explain
from app.core.settings.records import AccountRecord
from tests.helpers import CONTOSO, FABRIKAM, claims, unique_scope

STORAGE = ["https://storage.azure.com/.default"]


def sign_in(profile: Profile, handle: int, scopes: list[str]) -> AuthenticationRecord:
    """azure-identity-broker's own sign-in: the AuthenticationRecord an SDK user keeps."""
    record: AuthenticationRecord = broker_credential(profile, handle).authenticate(scopes=scopes)
    return record


@pytest.fixture
def accounts(control) -> dict[str, Account]:  # type: ignore[no-untyped-def]
    return {a.username.split("@")[0]: a for a in Broker().discover_accounts(Profile())}


def test_sign_in_returns_an_authentication_record_and_passes_our_handle(sandbox, control):
    mark = len(sandbox.journal())
    control.script_picker("diego@fabrikam.example")
    record = sign_in(Profile(), 8080, STORAGE)
    assert record.username == "diego@fabrikam.example"
    assert record.tenant_id == FABRIKAM
    assert record.home_account_id.endswith(f".{FABRIKAM}")
    call = control.calls("acquireTokenInteractively")[-1]
    assert call["parentWindowHandle"] == 8080
    assert call["authority"] == "https://login.microsoftonline.com/organizations"
    assert sandbox.journal()[mark:] == [
        {
            "kind": "metadata",
            "url": "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
        }
    ]


def test_sign_in_with_msa_passthrough_reaches_the_broker_as_msal_sends_it(control):
    control.script_picker("alex@outlook.example")
    record = sign_in(Profile(msa_passthrough=True), 12, STORAGE)
    assert record.username == "alex@outlook.example"
    assert control.calls("acquireTokenInteractively")[-1]["passthrough"] is True


def test_use_default_broker_account_signs_in_without_a_picker(control):
    record = sign_in(Profile(use_default_account=True), 12, [unique_scope()])
    assert record.username == "adele@contoso.example"
    assert not control.calls("acquireTokenInteractively")


def test_cancel_is_an_authentication_error_that_guidance_explains(control):
    control.script_picker("<cancel>")
    with pytest.raises(ClientAuthenticationError) as caught:
        sign_in(Profile(), 12, STORAGE)
    assert "UserCanceled" in str(caught.value)


def test_sign_in_refuses_to_run_without_a_window_handle():
    with pytest.raises(ValueError, match="handle"):
        sign_in(Profile(), 0, STORAGE)


def test_broker_account_credential_is_a_token_credential_for_sdk_clients(accounts):
    credential = BrokerAccountCredential(Broker(), accounts["lee"], Profile())
    assert isinstance(credential, TokenCredential)
    policy = BearerTokenCredentialPolicy(credential, *STORAGE)
    request = PipelineRequest(HttpRequest("GET", "https://127.0.0.1/x"), PipelineContext(None))
    policy.on_request(request)
    header = request.http_request.headers["Authorization"]
    assert header.startswith("Bearer ")
    token = claims(header.removeprefix("Bearer "))
    assert (token["aud"], token["preferred_username"]) == (
        "https://storage.azure.com",
        "lee@fabrikam.example",
    )
    info = credential.get_token_info(*STORAGE, options={"tenant_id": CONTOSO})
    assert claims(info.token)["tid"] == CONTOSO  # the guest's token in the resource tenant
    assert info.refresh_on and info.refresh_on < info.expires_on


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_broker_account_credential_never_pops_ui(accounts, control):
    credential = BrokerAccountCredential(Broker(), accounts["diego"], Profile())
    with pytest.raises(AuthenticationRequiredError) as caught:
        credential.get_token(f"api://{uuid.uuid4().hex}/Mail.Read")  # never consented
    cause = caught.value.__cause__
    assert isinstance(cause, BrokerError) and cause.aadsts == 65001
    assert explain(caught.value).code == "AADSTS65001"
    assert not control.calls("acquireTokenInteractively")


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_broker_account_credential_reports_other_failures(accounts):
    credential = BrokerAccountCredential(Broker(), accounts["carl"], Profile())
    with pytest.raises(ClientAuthenticationError) as caught:
        credential.get_token(*STORAGE)
    assert explain(caught.value).code == "AADSTS53003"


def test_record_for_a_broker_account_is_what_sign_in_stores(accounts, control):
    stored = sign_in(Profile(use_default_account=True), 12, [unique_scope()])
    record = AccountRecord.for_account(accounts["adele"], Profile())
    assert json.loads(record.serialize()) == json.loads(stored.serialize())
    assert AccountRecord.deserialize(stored.serialize()) == record
    assert AuthenticationRecord.deserialize(record.serialize()).home_account_id == (
        accounts["adele"].home_account_id
    )
    assert record.username == "adele@contoso.example"
    assert record.tenant_id == CONTOSO
    assert record.client_id == Profile().client_id
    assert record.authority == "login.microsoftonline.com"


def test_the_sdk_credential_stays_bearer_and_cached_whatever_options_the_profile_tries(
    accounts, control, fresh_profile
):  # type: ignore[no-untyped-def]
    """An SDK client sends "Bearer <token>" on every request: the credential never asks for
    a PoP token, nor makes the broker answer each request (force refresh); it does send the
    profile's client capabilities, as a CAE-ready app does."""
    trying = dataclasses.replace(
        fresh_profile,
        pop_method="GET",
        pop_url="https://contoso.blob.core.windows.net/c/b",
        force_refresh=True,
        client_capabilities=("cp1",),
    )
    credential = BrokerAccountCredential(Broker(), accounts["adele"], trying)
    first = credential.get_token_info("https://storage.azure.com/.default")
    second = credential.get_token_info("https://storage.azure.com/.default")
    assert first.token == second.token and first.token_type == "Bearer"
    token = claims(first.token)
    assert "cnf" not in token and token["xms_cc"] == ["cp1"]
    assert [c["renew"] for c in control.calls("acquireTokenSilently")] == [False]
    assert credential.last_result is not None and credential.last_result.from_cache


def test_azure_identity_brokers_credential_is_refused_where_the_broker_cannot_work(control):
    """The blob pane's seed credential reaches the same broker through msal: what cannot work
    for the app's own calls in this session (broker/limits.py) is refused before msal asks.
    The session's conditions are injected probe answers (Linux has no run-as to probe)."""
    from app.core.broker.errors import UnavailableHere
    from app.core.broker.limits import Probed
    from app.core.credentials.interactive import SeedAccountCredential
    from tests.stubs import SessionProbes

    record = AccountRecord(
        "login.microsoftonline.com", Profile().client_id, "oid.tid", "tid", "adele@contoso.example"
    )
    asked = ("acquireTokenSilently", "acquireTokenInteractively")
    before = [len(control.calls(name)) for name in asked]
    run_as = SeedAccountCredential(
        Profile(), record, 7, Probed(SessionProbes(desktop="CONTOSO\\megan"))
    )
    with pytest.raises(UnavailableHere) as refused:
        run_as.get_token_info("https://storage.azure.com/.default")
    assert [c.code for c in refused.value.conditions] == ["run-as"]
    assert explain(refused.value).title == "Running as another user"
    assert run_as.limits is not None and not run_as.limits.silent
    elevated = SeedAccountCredential(Profile(), record, 7, Probed(SessionProbes(is_elevated=True)))
    with pytest.raises(UnavailableHere) as refused:
        elevated.step_up(7)  # authenticate(): the broker's window
    assert refused.value.interactive and [c.code for c in refused.value.conditions] == ["elevated"]
    assert [len(control.calls(name)) for name in asked] == before  # nothing reached the broker
