"""A personal and a work account with one username (taylor@fabrikam.example), signed in with
the sandbox's picker in the window and then asked about by the window and the headless
commands (tests/integration/ui/same_username_run.py, in a fresh interpreter with a sandbox of
its own: the two stay in its runtime's token cache, never in the session sandbox's). Each is
listed apart, each gets its own token, the username alone is refused with both named, and
the matrix and its reports keep them apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.helpers import FABRIKAM, ROOT

TAYLOR = "taylor@fabrikam.example"
CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad"
WORK = f"3f9d7c21-5b8e-5a4f-9c60-d2e1b7a48f15.{FABRIKAM}"
PERSONAL = f"00000000-0000-0000-a1ce-5a1d0b0a0003.{CONSUMERS}"


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("same-username")
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.ui.same_username_run", str(workdir)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_picker_says_which_and_answers_with_the_id(seen):
    window = seen["window"]
    assert f"Taylor Reyes\n{TAYLOR} · work or school account · Fabrikam" in window["offered"]
    assert f"Taylor Reyes\n{TAYLOR} · personal account · Microsoft account" in window["offered"]
    assert {WORK, PERSONAL} <= set(window["known_ids"])  # both on the device, by id


def test_the_accounts_list_shows_both_with_type_and_tenant(seen):
    listed = {r["id"]: (r["Type"], r["Tenant"], r["kind"]) for r in seen["window"]["listed"]}
    assert set(listed) == {WORK, PERSONAL}
    assert listed[WORK] == ("Work or school", "Fabrikam", "token")
    personal_type, personal_tenant, personal_kind = listed[PERSONAL]
    assert personal_type == "Personal" and personal_tenant != "Fabrikam"
    assert personal_kind == "token"


def test_list_accounts_tells_them_apart(seen):
    listing = seen["cli"]["list_json"]
    assert listing["status"] == 0, listing["stderr"]
    rows = [a for a in json.loads(listing["stdout"])["accounts"] if a["username"] == TAYLOR]
    assert {(r["homeAccountId"], r["type"], r["homeTenant"]) for r in rows} == {
        (WORK, "Work or school", FABRIKAM), (PERSONAL, "Personal", CONSUMERS),
    }  # fmt: skip
    lines = seen["cli"]["list_text"]["stdout"].splitlines()
    assert f"    {TAYLOR} (work or school, home account id {WORK})" in lines
    assert f"    {TAYLOR} (personal, home account id {PERSONAL})" in lines


def test_a_username_two_accounts_share_is_refused_with_both_listed(seen):
    result = seen["cli"]["ambiguous"]
    assert result["status"] == 2, result["stderr"]  # bad input: never a guess between the two
    assert result["stdout"] == ""  # no token
    assert f"2 accounts have the username {TAYLOR.upper()}" in result["stderr"]
    assert "name one by its home account id" in result["stderr"]
    assert f"{TAYLOR} (work or school, home account id {WORK})" in result["stderr"]
    assert f"{TAYLOR} (personal, home account id {PERSONAL})" in result["stderr"]
    lines = result["stderr"].splitlines()  # as README shows it: sorted by home account id
    assert lines[0] == (
        f"error: --account: 2 accounts have the username {TAYLOR.upper()}: name one by its "
        "home account id. They are:"
    )
    assert lines[1:3] == [
        f"  {TAYLOR} (personal, home account id {PERSONAL})",
        f"  {TAYLOR} (work or school, home account id {WORK})",
    ]


def test_the_home_account_id_gets_that_accounts_token(seen):
    cli = seen["cli"]
    assert cli["work"]["status"] == 0, cli["work"]["stderr"]
    token = json.loads(cli["work"]["stdout"])["claims"]
    assert f"{token['oid']}.{token['tid']}" == WORK
    scopes, account = cli["work_asked"]  # the broker was asked, for that account
    assert account == WORK and len(scopes) == 1 and scopes[0].startswith("api://")
    # The personal one's token from its sign-in, which the runtime keeps apart from the work
    # account's although both have one username.
    assert cli["personal"]["status"] == 0, cli["personal"]["stderr"]
    got = json.loads(cli["personal"]["stdout"])
    assert f"{got['claims']['oid']}.{got['claims']['tid']}" == PERSONAL
    assert got["tenant"] == CONSUMERS
    # A scope it has no token for: on Linux a personal account needs the picker (exit 4).
    assert cli["personal_new_scope"]["status"] == 4, cli["personal_new_scope"]["stderr"]


def test_the_matrix_and_its_reports_keep_them_apart(seen):
    result = seen["cli"]["matrix"]
    assert result["status"] == 1, result["stdout"] + result["stderr"]  # the personal one fails
    header = next(line for line in result["stdout"].splitlines() if line.startswith("Tenant"))
    assert "taylor (personal)" in header and "taylor (work)" in header
    assert f"expected token for {TAYLOR} (personal) under {FABRIKAM}" in result["stderr"]
    cells = result["report"]["cells"]
    kinds = {(c["home_account_id"], c["tenant"]): (c["account_type"], c["outcome"]) for c in cells}
    assert kinds[(WORK, "consumers")] == ("work or school", "not-usable")
    assert kinds[(PERSONAL, "consumers")] == ("personal", "not-usable")
    assert kinds[(WORK, "common")] == ("work or school", "token")
    assert kinds[(PERSONAL, "common")] == ("personal", "interaction")  # Linux: the picker
    assert kinds[(WORK, FABRIKAM)] == ("work or school", "token")
    assert kinds[(PERSONAL, FABRIKAM)] == ("personal", "not-usable")
    cases = ET.fromstring(result["junit"]).findall("testcase")
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == {f"{TAYLOR} (personal)"}
    assert {c.get("name") for c in cases} == {f"{TAYLOR} (personal)", f"{TAYLOR} (work)"}
    assert len(cases) == 3  # Fabrikam for each, consumers for the personal one


def test_the_matrix_window_has_a_column_for_each(seen):
    matrix = seen["window"]["matrix"]
    assert f"{TAYLOR} (work)" in matrix["labels"] and f"{TAYLOR} (personal)" in matrix["labels"]
    assert sorted(matrix["headers"]) == ["taylor (personal)", "taylor (work)"]
    assert f"{TAYLOR} (work or school, home tenant Fabrikam)" in matrix["tips"]
    work, personal = matrix["fabrikam"]["taylor (work)"], matrix["fabrikam"]["taylor (personal)"]
    assert work[0] == "token" and personal[0] == "not-usable"
    assert "is a personal Microsoft account" in personal[1]
