"""`python -m app token` and the JSON / JUnit reports, in a fresh interpreter against the
session sandbox, with settings of the test's own (XDG_CONFIG_HOME)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from app.core.configurations.profile import Profile
from app.core.settings.data import StoreData
from app.core.settings.store import Store
from tests.helpers import claims, unique_scope
from tests.integration.cli.test_cli import run, sample_matrix

VAULT = "https://vault.azure.net/.default"


@pytest.fixture
def home(tmp_path):  # type: ignore[no-untyped-def]
    """A settings folder of the test's own: the user's real settings are never read."""
    return {"XDG_CONFIG_HOME": str(tmp_path / "config")}


def token(*args: str, home: dict[str, str]):  # type: ignore[no-untyped-def]
    return run("token", *args, **home)


def test_a_token_alone_on_stdout_for_scripts(control, fresh_profile, home):
    result = token("--account", "adele@contoso.example", "--client-id", fresh_profile.client_id,
                   "--scope", unique_scope(), home=home)  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert printed.count(".") == 2 and claims(printed)["upn"] == "adele@contoso.example"
    assert control.calls("acquireTokenSilently")  # asked silently
    assert not control.calls("acquireTokenInteractively")  # never a sign-in window


def test_json_has_the_keys_az_prints_and_the_outcome(control, fresh_profile, home):
    result = token("--account", "ADELE@contoso.example", "--client-id", fresh_profile.client_id,
                   "--json", home=home)  # fmt: skip
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert {"accessToken", "expiresOn", "expires_on", "tenant", "tokenType"} <= set(got)
    assert got["tokenType"] == "Bearer" and isinstance(got["expires_on"], int)
    assert got["outcome"]["kind"] == "token" and got["outcome"]["correlationId"]


@pytest.mark.parametrize(
    "args, status, kind",
    [
        (["--account", "megan@contoso.example", "--scope", VAULT], 4, "interaction"),
        (["--account", "carl@contoso.example"], 6, "blocked"),
        (["--account", "alex@outlook.example"], 5, "not-usable"),  # no passthrough
    ],
)
@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_no_token_exits_with_what_kind_and_says_why(
    args, status, kind, control, fresh_profile, home
):  # type: ignore[no-untyped-def]
    result = token(*args, "--client-id", fresh_profile.client_id, "--json", home=home)
    assert result.returncode == status, result.stderr
    got = json.loads(result.stdout)
    assert got["outcome"]["kind"] == kind and "accessToken" not in got
    assert got["outcome"]["fix"] in result.stderr


def test_bad_input_says_which_and_lists_the_accounts(control, home):
    unknown = token("--account", "nobody@contoso.example", home=home)
    assert unknown.returncode == 2
    assert "No account the broker lists is nobody@contoso.example" in unknown.stderr
    assert "adele@contoso.example (work or school, home account id" in unknown.stderr
    several = token(home=home)  # no --account, no active account, several listed
    assert several.returncode == 2 and "Choose an account (--account)" in several.stderr
    tenant = token("--account", "adele@contoso.example", "--tenant", "a/b", home=home)
    assert tenant.returncode == 2 and "--tenant: Tenant is only the tenant id" in tenant.stderr


def test_a_profile_of_the_settings_and_its_active_account(control, fresh_profile, home, tmp_path):
    listed = run("--list-accounts", "--json", "--client-id", fresh_profile.client_id, **home)
    adele = next(a for a in json.loads(listed.stdout)["accounts"] if "adele" in a["username"])
    profile = Profile(name="Work", client_id=fresh_profile.client_id, scopes=(unique_scope(),))
    data = StoreData(profiles=[Profile(), profile], selected="Default")
    data.active["Work"] = adele["homeAccountId"]
    Store(tmp_path / "config" / "broker-account-manager" / "settings.json").save(data)
    result = token("--profile", "Work", home=home)  # its active account, its scopes
    assert result.returncode == 0, result.stderr
    assert claims(result.stdout.strip())["aud"] == profile.scopes[0].removesuffix("/.default")
    missing = token("--profile", "Nope", home=home)
    assert missing.returncode == 2 and "no profile named 'Nope'; there are: Default, Work" in (
        missing.stderr
    )


def test_the_token_is_never_logged_even_verbose(control, fresh_profile, home):
    result = token("--account", "adele@contoso.example", "--client-id", fresh_profile.client_id,
                   "-v", home=home)  # fmt: skip
    assert result.returncode == 0
    printed = result.stdout.strip()
    assert printed and printed not in result.stderr and printed[:40] not in result.stderr


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_list_accounts_as_json(control, home):
    result = run("--list-accounts", "--json", **home)
    assert result.returncode == 0, result.stderr
    rows = {a["username"]: a for a in json.loads(result.stdout)["accounts"]}
    assert rows["carl@contoso.example"]["outcome"]["kind"] == "blocked"
    assert rows["alex@outlook.example"]["type"] == "Personal"


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_the_matrix_writes_a_junit_report_ci_reads(control, fresh_profile, tmp_path, home):
    wrong = '\n[[expect]]\naccount = "diego@fabrikam.example"\noutcome = "token"\n'
    path = sample_matrix(tmp_path, fresh_profile.client_id, wrong)
    report = tmp_path / "junit.xml"
    result = run("--matrix", str(path), "--junit", str(report), **home)
    assert result.returncode == 1
    suite = ET.parse(report).getroot()
    assert suite.tag == "testsuite" and suite.get("failures") == "12"
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "0")) > 12  # one per cell expected of
    assert "12 not met" in result.stdout
    failed = [c for c in cases if c.find("failure") is not None]
    assert {c.get("name") for c in failed} == {"diego@fabrikam.example"}
    messages = [f.get("message", "") for c in failed for f in c.findall("failure")]
    assert "expected token, got not-usable (AADSTS50020)" in messages
    assert all(f"{path}:" in (f.text or "") for c in failed for f in c.findall("failure"))
    assert report.stat().st_mode & 0o077 == 0  # private: it names accounts
