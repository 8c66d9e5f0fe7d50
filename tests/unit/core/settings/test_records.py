"""The remembered account (app.core.settings.records): azure-identity's AuthenticationRecord
JSON, identifiers only."""

from __future__ import annotations

import json

import pytest

from app.core.configurations.profile import Profile
from app.core.settings.records import AccountRecord
from tests.stubs import account


def test_a_record_round_trips_as_azure_identitys_json():
    record = AccountRecord.for_account(account("adele"), Profile(tenant="common"))
    raw = json.loads(record.serialize())
    assert set(raw) == {*AccountRecord.KEYS, "version"} and raw["version"] == "1.0"
    assert raw["authority"] == "login.microsoftonline.com"
    assert AccountRecord.deserialize(record.serialize()) == record


@pytest.mark.parametrize(
    "text, message",
    [
        ("[]", "needs the text fields"),
        ('{"authority": 1}', "needs the text fields"),
        (json.dumps({**dict.fromkeys(AccountRecord.KEYS, "x"), "version": "9" * 500}), r"\.\.\."),
    ],
)
def test_a_bad_record_says_what_is_wrong_without_quoting_all_of_it(text: str, message: str):
    with pytest.raises(ValueError, match=message) as caught:
        AccountRecord.deserialize(text)
    assert len(str(caught.value)) < 200
