"""Request options read from what people type: PoP, a claims challenge in any of its three
forms, client capabilities, a login hint; each mistake said in the user's words."""

from __future__ import annotations

import base64
import json

import pytest

from app.core.configurations.request_options import (
    OptionError,
    Pop,
    merged_claims,
    parse_capabilities,
    parse_claims,
    parse_login_hint,
    parse_pop,
)

STEP_UP = {"access_token": {"acrs": {"essential": True, "value": "c1"}}}
ENCODED = base64.b64encode(json.dumps(STEP_UP).encode()).decode()
HEADER = (
    'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    f'error="insufficient_claims", claims="{ENCODED}"'
)


@pytest.mark.parametrize("text", [HEADER, ENCODED, ENCODED.rstrip("="), json.dumps(STEP_UP)])
def test_a_claims_challenge_in_any_form_reads_as_its_json(text: str) -> None:
    assert json.loads(parse_claims(text)) == STEP_UP
    assert not parse_claims(text).startswith("eyJ")  # kept decoded: never token-shaped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('Bearer realm="", error="invalid_token"', "has no claims"),
        ("not base64 at all!", "must be a WWW-Authenticate header"),
        (base64.b64encode(b"[1, 2]").decode(), "JSON object of token types"),
        ("{not json", "not valid JSON"),
        ("x" * 9000, "at most 8192"),
    ],
)
def test_what_is_not_a_claims_challenge_is_said_so(text: str, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        parse_claims(text)


def test_pop_binds_one_request_and_half_a_pop_names_what_is_missing() -> None:
    pop = parse_pop("get", "https://contoso.blob.core.windows.net/c/b?x=1", "n1")
    assert pop == Pop("GET", "https://contoso.blob.core.windows.net/c/b?x=1", "n1")
    assert (pop.host, pop.path) == ("contoso.blob.core.windows.net", "/c/b")
    assert parse_pop("", "", "") is None
    for args, field in (
        (("GET", "", ""), "pop_method"),
        (("", "https://h/x", ""), "pop_url"),
        (("", "", "n"), "pop_nonce"),
        (("FETCH", "https://h/x", ""), "pop_method"),
        (("GET", "http://h/x", ""), "pop_url"),
        (("GET", "https://h/x", "two words"), "pop_nonce"),
    ):
        with pytest.raises(OptionError) as caught:
            parse_pop(*args)
        assert caught.value.field == field


def test_capabilities_and_login_hint() -> None:
    assert parse_capabilities("cp1, cp1") == ("cp1",) == parse_capabilities(["cp1"])
    assert parse_capabilities("") == ()
    with pytest.raises(OptionError, match="Unknown client capability 'cp2'"):
        parse_capabilities("cp2")
    assert parse_login_hint(" adele@contoso.com ") == "adele@contoso.com"
    with pytest.raises(OptionError, match="user name"):
        parse_login_hint("adele")


def test_capabilities_join_the_claims_as_msal_sends_them() -> None:
    assert json.loads(merged_claims("", ("cp1",))) == {
        "access_token": {"xms_cc": {"values": ["cp1"]}}
    }
    both = json.loads(merged_claims(parse_claims(ENCODED), ("cp1",)))
    assert both["access_token"] == {**STEP_UP["access_token"], "xms_cc": {"values": ["cp1"]}}
    assert merged_claims("", ()) == ""
