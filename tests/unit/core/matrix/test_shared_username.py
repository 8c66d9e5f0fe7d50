"""A matrix with a personal and a work account that share one username: each has its own
column, its own cells in every export, and a matrix file can name one or both."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET

from app.core.broker.records import CONSUMERS_TENANT
from app.core.matrix.export import grid, to_csv, to_json, to_markdown
from app.core.matrix.junit import to_junit
from app.core.matrix.spec import Cell, Expectation, MatrixSpec
from app.core.outcomes.outcome import Kind, Outcome
from tests.stubs import account

SPEC = MatrixSpec("c", "https://login.microsoftonline.com", ("common",), (False,),
                  (("storage", ("https://storage.azure.com/.default",)),))  # fmt: skip
WORK = account("taylor")
PERSONAL = dataclasses.replace(
    account("taylor-msa", tenant=CONSUMERS_TENANT), username=WORK.username
)
CONFIG = SPEC.configurations()[0]


def outcome(kind: Kind, code: str) -> Outcome:
    return Outcome(kind=kind, code=code, title=code, reason=f"because {code}", fix="do it")


ANSWERS = [
    (Cell(WORK, CONFIG), outcome(Kind.TOKEN, "")),
    (Cell(PERSONAL, CONFIG), outcome(Kind.NOT_USABLE, "AADSTS50020")),
]


def test_each_account_has_its_own_column_and_cell():
    header, rows = grid(SPEC, ANSWERS, [WORK, PERSONAL])
    assert header[3:] == ["taylor (work)", "taylor (personal)"]
    assert rows[0][3:] == [Kind.TOKEN.word, Kind.NOT_USABLE.word]


def test_csv_and_json_carry_the_type_and_home_account_id():
    rows = list(csv.DictReader(io.StringIO(to_csv(SPEC, ANSWERS))))
    assert [(r["account"], r["account_type"], r["home_account_id"]) for r in rows] == [
        (WORK.username, "work or school", WORK.home_account_id),
        (WORK.username, "personal", PERSONAL.home_account_id),
    ]
    cells = json.loads(to_json(SPEC, ANSWERS))["cells"]
    assert {c["home_account_id"]: c["account_type"] for c in cells} == {
        WORK.home_account_id: "work or school", PERSONAL.home_account_id: "personal",
    }  # fmt: skip


def test_markdown_names_which_account_was_not_usable():
    text = to_markdown(SPEC, ANSWERS, [WORK, PERSONAL], {})
    assert "| taylor (work) | taylor (personal) |" in text
    assert f"| {WORK.username} (personal) | common |" in text


def test_junit_cases_are_named_apart():
    expected = [Expectation("token", line=3, account=WORK.username)]  # the username: both
    suite = ET.fromstring(to_junit(SPEC, ANSWERS, expected, "m.toml"))
    names = {c.get("name"): c.find("failure") is not None for c in suite.findall("testcase")}
    assert names == {f"{WORK.username} (work)": False, f"{WORK.username} (personal)": True}


def test_a_matrix_file_names_both_by_username_or_one_by_home_account_id():
    listed = [account("adele"), PERSONAL, WORK]
    both = dataclasses.replace(SPEC, accounts=(WORK.username.upper(),))
    chosen, missing = both.pick(listed)
    assert (
        sorted(a.home_account_id for a in chosen)
        == sorted(a.home_account_id for a in (WORK, PERSONAL))
        and missing == []
    )
    one = dataclasses.replace(SPEC, accounts=(PERSONAL.home_account_id, "nobody@x"))
    assert one.pick(listed) == ([PERSONAL], ["nobody@x"])
    only = Expectation("token", line=1, account=PERSONAL.home_account_id)
    assert [only.matches(c, SPEC) for c, _ in ANSWERS] == [False, True]
