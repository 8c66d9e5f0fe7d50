"""A matrix run as a JUnit report (app.core.matrix.junit)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.core.broker.errors import BrokerError
from app.core.configurations.configuration import Configuration
from app.core.matrix.junit import to_junit
from app.core.matrix.spec import Cell, Expectation, MatrixSpec
from app.core.outcomes.classify import of_error
from tests.stubs import account

SPEC = MatrixSpec("c", "https://login.microsoftonline.com", ("organizations",), (False,),
                  (("storage", ("https://storage.azure.com/.default",)),))  # fmt: skip
ADELE, MEGAN = account("adele"), account("megan")


def test_one_case_per_expected_cell_failures_with_line_and_missing_accounts():
    config = SPEC.configurations()[0]
    refused = BrokerError("InteractionRequired", context="AADSTS50076: MFA")
    refused.correlation_id = "cid-1"
    outcome = of_error(MEGAN, config, refused, {})
    answers = [(Cell(MEGAN, config), outcome), (Cell(ADELE, Configuration()), outcome)]
    expected = [Expectation("token", line=7, account=MEGAN.username)]
    suite = ET.fromstring(to_junit(SPEC, answers, expected, "m.toml", missing=["nobody@x"]))
    assert (suite.get("tests"), suite.get("failures")) == ("2", "2")
    missing, megan = suite.findall("testcase")
    assert missing.get("name") == "nobody@x" and missing.get("classname") == "accounts"
    assert megan.get("classname") == "organizations · passthrough off · storage"
    failure = megan.find("failure")
    assert failure is not None
    assert failure.get("message") == "expected token, got interaction (AADSTS50076)"
    assert (failure.text or "").startswith("m.toml:7: ") and "cid-1" in (failure.text or "")
