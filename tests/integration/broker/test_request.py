"""app.core.broker.request with the real native runtime and the sandbox broker (which records
each request whole): the parameters it builds reach the broker as built, a token answer is
copied out whole with its account, and the broker's refusal is raised with its status. Every
Broker call goes through it too (test_runtime.py, test_msal_conformance.py)."""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any

import pytest

from app.core.broker import calls, platform, request, runtime
from app.core.broker.errors import BrokerError
from app.core.configurations.profile import Profile
from tests.helpers import claims, unique_scope


def native() -> ModuleType:
    loaded = runtime.load_runtime()
    assert isinstance(loaded, ModuleType), loaded
    return loaded


def sign_in_silently(rt: ModuleType, params: Any) -> Any:
    """The OS default account's sign-in (no window), answered through request.token_result."""
    cid = str(uuid.uuid4())
    start = lambda cb: rt.signin_silently(params, cid, cb)  # noqa: E731
    return calls.call_native("sign in", start, request.token_result, 30.0, 30.0, keep=(params,))


def test_what_it_builds_reaches_the_broker_and_the_answer_is_copied_out(control, fresh_profile):
    rt = native()
    scope = unique_scope()
    profile = Profile(client_id=fresh_profile.client_id, msa_passthrough=True)
    params = request.auth_parameters(rt, profile, platform.LINUX, [scope], signin=True)
    token, account = sign_in_silently(rt, params)
    sent = control.calls("acquireTokenSilently")[-1]["authParameters"]
    assert sent["clientId"] == fresh_profile.client_id and sent["authority"] == profile.authority
    assert sent["requestedScopes"] == [scope]
    assert sent["redirectUri"] == platform.LINUX.redirect_uri
    extra = sent["additionalQueryParametersForAuthorization"]
    assert extra["msal_request_type"] == "consumer_passthrough"
    assert "validateAuthority" not in extra  # only for a custom authority host
    assert token.account.username == "adele@contoso.example" == account.get_user_name()
    assert claims(token.access_token)["upn"] == "adele@contoso.example"
    assert not token.pop and not token.from_cache and token.expires_on > 0


def test_the_brokers_refusal_is_raised_with_its_status(control, fresh_profile):
    rt = native()
    control.fail("acquireTokenSilently", "UserCanceled")
    params = request.auth_parameters(rt, Profile(client_id=fresh_profile.client_id),
                                     platform.LINUX, [unique_scope()])  # fmt: skip
    with pytest.raises(BrokerError) as refused:
        sign_in_silently(rt, params)
    assert refused.value.status == "UserCanceled"
