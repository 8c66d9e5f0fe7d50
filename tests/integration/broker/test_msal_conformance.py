"""What reaches the broker, from msal and from the app, for the same configuration: the same
client id, authority, scopes, redirect URI, claims and parameters, but where the app says in
app/core/broker/request.py (`auth_parameters`) why it differs. Both go through the real native
runtime to the sandbox broker, which records each request whole (control.calls).

msal is msal 1.39's PublicClientApplication with the broker on (the code azure-identity-broker
runs for every SDK user); its login metadata comes through the sandbox's login proxy."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import msal
import pytest

from app.core.broker.errors import BrokerError
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from tests.helpers import unique_scope

HANDLE = 4242
# msal names its own build in every request (msal/broker.py _build_msal_runtime_auth_params),
# and the runtime folds that name into x-client-xtra-sku; the app is not msal and does not.
MSAL_ONLY = {"msal_client_sku", "msal_client_ver", "x-client-xtra-sku"}
# The runtime's own telemetry, new for every request (its session id, the time).
PER_REQUEST = {"onboardingBlob"}


def msal_app(profile: Profile) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(
        profile.client_id,
        authority=profile.authority,
        enable_broker_on_linux=True,
        client_capabilities=list(profile.client_capabilities) or None,
    )


def request(control, method: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The last request of this method, as the broker received it."""
    call = control.calls(method)[-1]
    params = dict(call["authParameters"])
    params["additionalQueryParametersForAuthorization"] = {
        k: v
        for k, v in (params.get("additionalQueryParametersForAuthorization") or {}).items()
        if k not in MSAL_ONLY
    }
    params.pop("account", None)  # compared apart: msal reads it again, the app holds it
    for key in PER_REQUEST:
        params.pop(key, None)
    return params


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (ours.get(k), theirs.get(k)) for k in ours.keys() | theirs.keys()
            if ours.get(k) != theirs.get(k)}  # fmt: skip


CONFIGURATIONS = {
    "default": Profile(),
    "passthrough": Profile(msa_passthrough=True),
    "claims and cp1": Profile(
        claims='{"access_token": {"acrs": {"essential": true, "value": "c1"}}}',
        client_capabilities=("cp1",),
    ),
    "common": Profile(tenant="common"),
}


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_the_picker_request_is_msals(name, control, fresh_profile):  # type: ignore[no-untyped-def]
    profile = dataclasses.replace(CONFIGURATIONS[name], client_id=fresh_profile.client_id)
    scopes = [unique_scope()]
    control.script_picker("adele@contoso.example")
    result = msal_app(profile).acquire_token_interactive(
        scopes, parent_window_handle=HANDLE, prompt="select_account",
        enable_msa_passthrough=profile.msa_passthrough,
        claims_challenge=profile.claims or None,
    )  # fmt: skip
    assert "access_token" in result, result.get("error_description")
    theirs = request(control, "acquireTokenInteractively")
    control.script_picker("adele@contoso.example")
    Broker(timeout=20).sign_in_interactively(HANDLE, profile, scopes)
    ours = request(control, "acquireTokenInteractively")
    assert differences(ours, theirs) == {}


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_the_silent_request_is_msals_but_for_passthrough(name, control, fresh_profile):  # type: ignore[no-untyped-def]
    profile = dataclasses.replace(CONFIGURATIONS[name], client_id=fresh_profile.client_id)
    # A scope of its own for each: a token the runtime cached for one would answer the other
    # without asking the broker.
    scopes, our_scopes = [unique_scope()], [unique_scope()]
    app = msal_app(profile)
    control.script_picker("adele@contoso.example")
    app.acquire_token_interactive(
        [unique_scope()], parent_window_handle=HANDLE, prompt="select_account",
        enable_msa_passthrough=profile.msa_passthrough,
    )  # fmt: skip
    (account,) = app.get_accounts()
    # A claims challenge for an authentication context needs a step-up: both are refused,
    # what they asked is what is compared.
    app.acquire_token_silent_with_error(scopes, account, claims_challenge=profile.claims or None)
    theirs = request(control, "acquireTokenSilently")
    broker = Broker(timeout=20)
    adele = next(a for a in broker.discover_accounts(profile) if a.username.startswith("adele"))
    with contextlib.suppress(BrokerError):
        broker.acquire_token_silently(adele, profile, our_scopes)
    ours = request(control, "acquireTokenSilently")
    assert (ours.pop("requestedScopes"), theirs.pop("requestedScopes")) == (our_scopes, scopes)
    expected = {}
    if profile.msa_passthrough:  # the app sends it with silent calls too, as MSAL.NET does
        expected["additionalQueryParametersForAuthorization"] = (
            {"msal_request_type": "consumer_passthrough"},
            {},
        )
    assert differences(ours, theirs) == expected
    assert control.calls("acquireTokenSilently")[-1]["account"] == "adele@contoso.example"


def test_a_custom_authority_host_is_vouched_for_on_sign_in_as_msal_does(control):  # type: ignore[no-untyped-def]
    """msal sends validateAuthority=no for an authority the developer vouches for, on its
    sign-in calls (application.py, _acquire_token_interactive_via_broker); so does the app for
    a host ticked as custom. (The sandbox knows no other cloud and refuses it either way.)"""
    custom = Profile(authority_host="https://login.partner.example", custom_authority_host=True)
    for profile, vouched in ((custom, "no"), (Profile(), None)):
        control.script_picker("adele@contoso.example")
        with contextlib.suppress(BrokerError):
            Broker(timeout=20).sign_in_interactively(HANDLE, profile, [unique_scope()])
        sent = control.calls("acquireTokenInteractively")[-1]["authParameters"]
        assert sent["authority"] == profile.authority
        assert sent["additionalQueryParametersForAuthorization"].get("validateAuthority") == vouched


def test_msal_refuses_pop_on_linux_where_the_app_asks_the_broker(control, fresh_profile):  # type: ignore[no-untyped-def]
    """A difference the app keeps: msal raises before any broker call (application.py: "POP
    is not supported on Linux"); the app hands PoP to the runtime, which sends the broker
    popParams (README: what the app asks the broker, and why)."""
    app = msal_app(fresh_profile)
    pop = msal.PopAuthScheme(http_method="GET", url="https://example.com/x", nonce="n1")
    with pytest.raises(ValueError, match="POP is not supported on Linux"):
        app.acquire_token_interactive(["s"], parent_window_handle=HANDLE, auth_scheme=pop)
    profile = dataclasses.replace(
        fresh_profile, pop_method="GET", pop_url="https://example.com/x", pop_nonce="n1"
    )
    control.script_picker("adele@contoso.example")
    result = Broker(timeout=20).sign_in_interactively(HANDLE, profile, [unique_scope()])
    sent = control.calls("acquireTokenInteractively")[-1]["authParameters"]["popParams"]
    assert result.pop and sent["nonce"] == "n1" and sent["uriHost"] == "example.com"
