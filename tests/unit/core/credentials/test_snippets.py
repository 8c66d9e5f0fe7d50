"""The code an SDK user writes for a configuration (app.core.credentials.snippets): complete
Python, every option of the profile in it or said in a comment. Each is run unchanged in the
sandbox by tests/integration/credentials/test_as_your_code.py."""

from __future__ import annotations

import ast

import pytest

from app.core.configurations.profile import Profile
from app.core.credentials import snippets

EVERYTHING = Profile(
    client_id="11111111-2222-3333-4444-555555555555",
    tenant="common",
    msa_passthrough=True,
    use_default_account=True,
    claims='{"access_token": {"acrs": {"essential": true, "value": "c1"}}}',
    client_capabilities=("cp1",),
    pop_method="GET",
    pop_url="https://example.com/p",
    pop_nonce="n",
    force_refresh=True,
    login_hint="adele@contoso.example",
)


@pytest.mark.parametrize("make", [snippets.python_identity, snippets.python_msal])
def test_the_python_is_valid_and_names_the_configuration(make):
    code = make(EVERYTHING)
    ast.parse(code)
    for value in (EVERYTHING.client_id, "common", '"value": "c1"', "example.com/p"):
        assert value in code
    assert "passthrough=True" in code


def test_what_a_tool_cannot_do_is_said_not_left_out():
    identity = snippets.python_identity(EVERYTHING)
    assert "no force refresh" in identity and "prompt=select_account" in identity
    assert "enable_cae" in identity and "use_default_broker_account=True" in identity
    msal_code = snippets.python_msal(EVERYTHING)
    assert "POP is not supported on Linux" in msal_code and "login_hint=" in msal_code
    az = snippets.az_cli(EVERYTHING)
    assert "cannot use yours (11111111-2222-3333-4444-555555555555)" in az
    assert "MSA passthrough, PoP, claims and capabilities are not options of az" in az


def test_az_names_the_tenant_and_the_scopes_as_az_reads_them():
    az = snippets.az_cli(Profile(tenant="contoso.onmicrosoft.com", scopes=("a/.default",)))
    assert "az login --tenant contoso.onmicrosoft.com --scope a/.default" in az
    assert "--query accessToken --output tsv" in az and "cannot use yours" not in az
