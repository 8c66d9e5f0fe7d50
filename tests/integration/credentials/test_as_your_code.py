"""As your code would, for real: azure-identity-broker's credential and msal against the sandbox
broker, through the real runtime. The code the app copies for a configuration runs unchanged
in `python -m app.sandbox`, and what the credential answers matches the broker's answer to the
app where the two ask the same."""

from __future__ import annotations

import json
import sys

import pytest

from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.profile import Profile
from app.core.credentials import snippets
from app.core.credentials.as_your_code import ask, differences
from app.core.outcomes.classify import of_token
from app.core.outcomes.outcome import token_facts
from tests.helpers import CONTOSO, unique_scope
from tests.integration.sandbox.test_sandbox_cli import in_sandbox


@pytest.mark.parametrize("make", [snippets.python_identity, snippets.python_msal])
@pytest.mark.parametrize(
    "profile",
    [Profile(), Profile(tenant=CONTOSO, msa_passthrough=True, client_capabilities=("cp1",))],
    ids=["default", "contoso, passthrough, cp1"],
)
def test_the_copied_code_runs_unchanged_in_the_sandbox(make, profile, tmp_path):  # type: ignore[no-untyped-def]
    script = tmp_path / "snippet.py"
    script.write_text(make(profile))
    result = in_sandbox("--pick", "adele@contoso.example", "--", sys.executable, str(script))
    assert result.returncode == 0, result.stderr[-2000:]
    claims = json.loads(result.stdout[result.stdout.index("{") :])
    assert claims["aud"] == profile.scopes[0].removesuffix("/.default")
    assert claims["tid"] == CONTOSO


def test_the_credential_answers_as_the_broker_answered_the_app(control, fresh_profile):  # type: ignore[no-untyped-def]
    scopes = [unique_scope()]
    control.script_picker("adele@contoso.example")
    theirs = ask(fresh_profile, parent_window_handle=77, scopes=scopes, timeout=60)
    assert theirs.kind == "token", theirs
    assert control.calls("acquireTokenInteractively")[-1]["parentWindowHandle"] == 77
    broker = Broker(timeout=20)
    adele = next(a for a in broker.discover_accounts(fresh_profile) if "adele" in a.username)
    ours = broker.acquire_token_silently(adele, fresh_profile, scopes)
    config = Configuration.of(fresh_profile)
    facts = token_facts(adele, ours)
    assert of_token(adele, config, ours, {}).kind.value == "token"
    full = dict(facts.claims)
    assert differences(theirs, full, adele.username) == []


def test_what_the_credential_raises_is_what_the_sdk_user_catches(control, fresh_profile):  # type: ignore[no-untyped-def]
    control.script_picker("<cancel>")
    answer = ask(fresh_profile, parent_window_handle=77, timeout=60)
    assert answer.kind == "error" and answer.exception == "ClientAuthenticationError"
    assert "UserCanceled" in answer.message
