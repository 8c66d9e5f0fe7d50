"""Which account a command means (app.core.accounts.pick): never a guess between two."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.accounts.pick import AccountChoiceError, pick
from tests.stubs import account

ADELE, MEGAN = account("adele"), account("megan")
# A personal account that shares the work account's e-mail address.
TWIN = dataclasses.replace(
    account("adele-msa", tenant="9188040d-6c67-4c5b-b112-36a304b66dad"),
    username=ADELE.username,
)


def test_by_username_in_any_case_or_by_home_account_id():
    assert pick([ADELE, MEGAN], "MEGAN@contoso.example") is MEGAN
    assert pick([ADELE, TWIN], TWIN.home_account_id) is TWIN


def test_one_username_two_accounts_is_refused_with_both_named():
    with pytest.raises(AccountChoiceError) as caught:
        pick([ADELE, TWIN, MEGAN], ADELE.username)
    text = str(caught.value)
    assert "2 accounts have the username adele@contoso.example" in text
    assert ADELE.home_account_id in text and TWIN.home_account_id in text
    assert "(personal," in text and "(work or school," in text and "megan" not in text


def test_without_a_name_the_active_account_then_the_only_one():
    assert pick([ADELE, MEGAN], None, MEGAN.home_account_id) is MEGAN
    assert pick([ADELE], None) is ADELE
    with pytest.raises(AccountChoiceError, match="Choose an account"):
        pick([ADELE, MEGAN], None)
    with pytest.raises(AccountChoiceError, match="lists no account"):
        pick([], None)
    with pytest.raises(AccountChoiceError, match="No account the broker lists is x@y"):
        pick([ADELE], "x@y")
