"""A personal and a work account with one username (taylor@fabrikam.example), both signed in
through the real runtime and the sandbox broker's picker, then asked about by the headless
commands in a fresh interpreter: each is listed apart, each gets its own token, the username
alone is refused with both named, and the matrix and its reports keep them apart."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import pytest

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from tests.helpers import FABRIKAM, claims, unique_scope
from tests.integration.cli.test_cli import run

TAYLOR = "taylor@fabrikam.example"
CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad"
WORK = f"3f9d7c21-5b8e-5a4f-9c60-d2e1b7a48f15.{FABRIKAM}"
PERSONAL = f"00000000-0000-0000-a1ce-5a1d0b0a0003.{CONSUMERS}"


@pytest.fixture
def home(tmp_path):  # type: ignore[no-untyped-def]
    return {"XDG_CONFIG_HOME": str(tmp_path / "config")}


@pytest.fixture
def both(control, fresh_profile) -> Profile:  # type: ignore[no-untyped-def]
    """Both accounts signed in (the picker answered with each one's id), under `common`,
    which admits personal and work accounts alike."""
    profile = dataclasses.replace(fresh_profile, tenant="common")
    control.script_picker(WORK, PERSONAL)
    broker = Broker(timeout=10, interactive_timeout=20)
    signed = [broker.sign_in_interactively(7, profile).account for _ in range(2)]
    assert [a.home_account_id for a in signed] == [WORK, PERSONAL]
    return profile


def test_list_accounts_tells_them_apart(both, home):
    result = run("--list-accounts", "--json", "--client-id", both.client_id, "--tenant", "common",
                 **home)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [a for a in json.loads(result.stdout)["accounts"] if a["username"] == TAYLOR]
    assert {(r["homeAccountId"], r["type"], r["homeTenant"]) for r in rows} == {
        (WORK, "Work or school", FABRIKAM), (PERSONAL, "Personal", CONSUMERS),
    }  # fmt: skip
    assert all(r["outcome"]["kind"] == "token" for r in rows)
    text = run("--list-accounts", "--client-id", both.client_id, "--tenant", "common", **home)
    lines = text.stdout.splitlines()
    assert f"    {TAYLOR} (work or school, home account id {WORK})" in lines
    assert f"    {TAYLOR} (personal, home account id {PERSONAL})" in lines


def test_a_username_two_accounts_share_is_refused_with_both_listed(both, home):
    result = run("token", "--account", TAYLOR.upper(), "--client-id", both.client_id,
                 "--tenant", "common", **home)  # fmt: skip
    assert result.returncode == 2, result.stderr  # bad input: never a guess between the two
    assert result.stdout == ""  # no token
    assert f"2 accounts have the username {TAYLOR.upper()}" in result.stderr
    assert "name one by its home account id" in result.stderr
    assert f"{TAYLOR} (work or school, home account id {WORK})" in result.stderr
    assert f"{TAYLOR} (personal, home account id {PERSONAL})" in result.stderr


def token_for(home_account_id: str, profile: Profile, home: dict[str, str], *more: str):  # type: ignore[no-untyped-def]
    return run("token", "--account", home_account_id, "--client-id", profile.client_id,
               "--tenant", "common", "--json", *more, **home)  # fmt: skip


def test_the_home_account_id_gets_that_accounts_token(both, home, control):
    scope = unique_scope()  # no cached token: the broker is asked, for the work account
    work = token_for(WORK, both, home, "--scope", scope)
    assert work.returncode == 0, work.stderr
    token = claims(json.loads(work.stdout)["accessToken"])
    assert f"{token['oid']}.{token['tid']}" == WORK
    asked = control.calls("acquireTokenSilently")[-1]
    assert (
        asked["scopes"] == [scope] and asked["authParameters"]["account"]["homeAccountId"] == WORK
    )
    # The personal one's token from its sign-in, which the runtime keeps apart from the work
    # account's although both have one username.
    personal = token_for(PERSONAL, both, home)
    assert personal.returncode == 0, personal.stderr
    got = json.loads(personal.stdout)
    token = claims(got["accessToken"])
    assert f"{token['oid']}.{token['tid']}" == PERSONAL and got["tenant"] == CONSUMERS
    # A scope it has no token for: on Linux a personal account needs the picker (exit 4).
    again = token_for(PERSONAL, both, home, "--scope", unique_scope())
    assert again.returncode == 4, again.stderr


MATRIX = f"""
client_id = "{{client}}"
accounts = ["{TAYLOR}"]   # the username: both accounts
tenants = ["common", "consumers", "{FABRIKAM}"]
passthrough = [false]

[scopes]
storage = ["https://storage.azure.com/.default"]

[[expect]]
account = "{TAYLOR}"      # both: the personal one cannot use Fabrikam
tenant = "{FABRIKAM}"
outcome = "token"

[[expect]]
account = "{PERSONAL}"    # one of them, by its home account id
tenant = "consumers"
outcome = "not-usable"
"""


def test_the_matrix_and_its_reports_keep_them_apart(both, home, tmp_path):
    path = tmp_path / "matrix.toml"
    path.write_text(MATRIX.replace("{client}", both.client_id))
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    result = run("--matrix", str(path), "--out", str(report), "--junit", str(junit), **home)
    assert result.returncode == 1, result.stdout + result.stderr  # the personal one fails
    header = next(line for line in result.stdout.splitlines() if line.startswith("Tenant"))
    assert "taylor (personal)" in header and "taylor (work)" in header
    assert "expected token for taylor@fabrikam.example (personal) under " + FABRIKAM in (
        result.stderr
    )
    cells = json.loads(report.read_text())["cells"]
    kinds = {(c["home_account_id"], c["tenant"]): (c["account_type"], c["outcome"]) for c in cells}
    assert kinds[(WORK, "consumers")] == ("work or school", "not-usable")
    assert kinds[(PERSONAL, "consumers")] == ("personal", "not-usable")
    assert kinds[(WORK, "common")] == ("work or school", "token")
    assert kinds[(PERSONAL, "common")] == ("personal", "interaction")  # Linux: the picker
    assert kinds[(PERSONAL, FABRIKAM)] == ("personal", "not-usable")
    assert kinds[(WORK, FABRIKAM)] == ("work or school", "token")
    cases = ET.parse(junit).getroot().findall("testcase")
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == {f"{TAYLOR} (personal)"}
    assert {c.get("name") for c in cases} == {f"{TAYLOR} (personal)", f"{TAYLOR} (work)"}
    assert len(cases) == 3  # Fabrikam for each, consumers for the personal one
