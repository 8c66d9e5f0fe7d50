"""ARM's refusals explained: its CloudError codes, a claims challenge in WWW-Authenticate, and
what a tenant shows when it answered, needs more, or was not asked."""

from __future__ import annotations

import base64
import json

from app.core.arm.problems import claims_of, problem, unreachable
from app.core.arm.records import Subscription, Tenant, TenantAnswer, tenant_label

CLAIMS = {"access_token": {"acrs": {"essential": True, "values": ["p1"]}}}
ENCODED = base64.urlsafe_b64encode(json.dumps(CLAIMS).encode()).decode().rstrip("=")


def test_a_claims_challenge_is_decoded_and_offers_a_sign_in() -> None:
    header = (f'Bearer authorization_uri="https://login.microsoftonline.com/t/oauth2/authorize",'
              f' error="insufficient_claims", claims="{ENCODED}"')  # fmt: skip
    assert json.loads(claims_of(header)) == CLAIMS
    found = problem(401, {"error": {"code": "InvalidAuthenticationToken", "message": "m"}}, header)
    assert found.claims and "Sign in for this tenant" in found.fix


def test_headers_without_a_usable_challenge_give_no_claims() -> None:
    assert claims_of('Bearer authorization_uri="x", error="invalid_token"') == ""
    assert claims_of('Bearer error="insufficient_claims", claims="%%%"') == ""
    assert claims_of("") == ""


def test_arm_codes_say_what_to_do() -> None:
    denied = problem(403, {"error": {"code": "AuthorizationFailed", "message": "The client…"}})
    assert "Reader" in denied.fix and denied.status == 403 and not denied.claims
    assert "AuthorizationFailed" in denied.text and "The client…" in denied.text
    disabled = problem(409, {"error": {"code": "ReadOnlyDisabledSubscription", "message": "m"}})
    assert disabled.title == "Subscription disabled" and "re-enables" in disabled.fix
    odd = problem(500, "not json")
    assert (odd.code, odd.message) == ("HTTP500", "no message")
    assert "management.azure.com" in unreachable("timeout").fix


def test_a_tenants_status_and_labels() -> None:
    contoso = Tenant("t1", "Contoso", "contoso.example", home=True)
    assert contoso.label == "Contoso (contoso.example)"
    assert Tenant("t2", "").label == "t2"
    subs = (Subscription("s1", "One", "Enabled", "t1"),)
    assert TenantAnswer(contoso).status == "Not checked"
    assert tenant_label("t1", {"t1": "Contoso"}) == "Contoso"
    assert tenant_label("t1", {"t1": "Contoso"}, with_id=True) == "Contoso (t1)"
    assert tenant_label("t9", {"t1": "Contoso"}) == "t9"
    challenged = TenantAnswer(contoso, None, subs, problem(401, {}, ""))
    assert challenged.status == "Azure Resource Manager refused"
