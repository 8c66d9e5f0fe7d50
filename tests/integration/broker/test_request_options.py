"""Request options through the real pymsalruntime against the sandbox broker: force refresh,
client capabilities (cp1), a claims challenge and its interactive step-up, proof-of-possession
and a login hint. Each test uses a client id of its own (`fresh_profile`), so the runtime's
cache holds nothing from another test; the sandbox records what reached the broker."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

from app.core.broker.errors import BrokerError
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.configurations.request_options import parse_claims
from tests.helpers import claims

STORAGE = ("https://storage.azure.com/.default",)
STEP_UP = parse_claims('{"access_token": {"acrs": {"essential": true, "value": "c1"}}}')


@pytest.fixture
def broker() -> Broker:
    return Broker(timeout=10, interactive_timeout=20)


def adele(broker: Broker, profile: Profile):  # type: ignore[no-untyped-def]
    return next(a for a in broker.discover_accounts(profile) if a.username.startswith("adele"))


def silent_calls(control) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    return control.calls("acquireTokenSilently")


def test_force_refresh_asks_the_broker_when_the_cache_has_the_token(
    broker: Broker, control, fresh_profile: Profile
) -> None:
    account = adele(broker, fresh_profile)
    first = broker.acquire_token_silently(account, fresh_profile, STORAGE)
    cached = broker.acquire_token_silently(account, fresh_profile, STORAGE)
    assert (first.from_cache, cached.from_cache) == (False, True)
    assert cached.access_token == first.access_token and cached.source == "the runtime's cache"
    assert len(silent_calls(control)) == 1

    forced = dataclasses.replace(fresh_profile, force_refresh=True)
    renewed = broker.acquire_token_silently(account, forced, STORAGE)
    assert not renewed.from_cache and renewed.source == "the broker"
    assert renewed.access_token != first.access_token
    assert claims(renewed.access_token)["uti"] != claims(first.access_token)["uti"]
    assert [c["renew"] for c in silent_calls(control)] == [False, True]
    # The renewed token replaced the cached one.
    again = broker.acquire_token_silently(account, fresh_profile, STORAGE)
    assert again.from_cache and again.access_token == renewed.access_token


def test_client_capabilities_reach_the_broker_and_the_token(
    broker: Broker, control, fresh_profile: Profile
) -> None:
    cp1 = dataclasses.replace(fresh_profile, client_capabilities=("cp1",))
    token = broker.acquire_token_silently(adele(broker, cp1), cp1, STORAGE)
    assert claims(token.access_token)["xms_cc"] == ["cp1"]
    sent = json.loads(silent_calls(control)[-1]["claims"])
    assert sent == {"access_token": {"xms_cc": {"values": ["cp1"]}}}


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_a_claims_challenge_needs_a_step_up_that_interactive_sign_in_gives(
    broker: Broker, control, fresh_profile: Profile
) -> None:
    challenged = dataclasses.replace(fresh_profile, claims=STEP_UP)
    account = adele(broker, challenged)
    with pytest.raises(BrokerError) as refused:
        broker.acquire_token_silently(account, challenged, STORAGE)
    assert refused.value.interaction_required and refused.value.aadsts == 50076

    stepped_up = broker.acquire_token_interactively(11, account, challenged, STORAGE)
    assert claims(stepped_up.access_token)["acrs"] == ["c1"]
    silent = broker.acquire_token_silently(account, challenged, STORAGE)
    assert claims(silent.access_token)["acrs"] == ["c1"]


def test_a_pop_token_is_a_signed_request_bound_to_method_url_and_nonce(
    broker: Broker, control, fresh_profile: Profile
) -> None:
    pop = dataclasses.replace(
        fresh_profile,
        pop_method="PUT",
        pop_url="https://contoso.blob.core.windows.net/reports/q3.csv",
        pop_nonce="n-1",
    )
    token = broker.acquire_token_silently(adele(broker, pop), pop, STORAGE)
    assert token.pop and not token.from_cache
    shr = claims(token.access_token)
    assert (shr["m"], shr["u"], shr["p"], shr["nonce"]) == (
        "PUT",
        "contoso.blob.core.windows.net",
        "/reports/q3.csv",
        "n-1",
    )
    inner = claims(shr["at"])
    assert inner["cnf"] == {"kid": shr["cnf"]["jwk"]["kid"]}
    assert silent_calls(control)[-1]["pop"]["uriPath"] == "/reports/q3.csv"
    header = json.loads(base64.urlsafe_b64decode(token.access_token.split(".")[0] + "=="))
    assert header["typ"] == "pop"
    # A bearer request for the same account and scopes is not a PoP token.
    bearer = broker.acquire_token_silently(adele(broker, fresh_profile), fresh_profile, STORAGE)
    assert not bearer.pop and "cnf" not in claims(bearer.access_token)


def test_a_login_hint_goes_straight_to_that_account(
    broker: Broker, control, fresh_profile: Profile
) -> None:
    hinted = dataclasses.replace(fresh_profile, login_hint="megan@contoso.example")
    token = broker.sign_in_interactively(12, hinted, STORAGE)  # no picker answer scripted
    assert token.account.username == "megan@contoso.example"
    assert control.calls("acquireTokenInteractively")[-1]["loginHint"] == "megan@contoso.example"
