"""Telling accounts apart when two share a username (app.core.broker.records)."""

from __future__ import annotations

import dataclasses

from app.core.broker.records import CONSUMERS_TENANT, distinct_labels, shared_usernames
from tests.stubs import account

FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"
ADELE = account("adele")
WORK = account("taylor", tenant=FABRIKAM)
# A personal Microsoft account made with the work account's e-mail address.
PERSONAL = dataclasses.replace(
    account("taylor-msa", tenant=CONSUMERS_TENANT), username=WORK.username
)


def test_shared_usernames_are_the_ones_two_accounts_have_in_any_case():
    upper = dataclasses.replace(PERSONAL, username=WORK.username.upper())
    assert shared_usernames([ADELE, WORK, upper]) == {WORK.username}
    assert shared_usernames([ADELE, WORK]) == set()


def test_labels_say_personal_or_work_only_where_a_username_is_shared():
    assert distinct_labels([ADELE, WORK, PERSONAL], short=True) == [
        "adele", "taylor (work)", "taylor (personal)",
    ]  # fmt: skip
    assert distinct_labels([ADELE, WORK, PERSONAL]) == [
        "adele@contoso.example", "taylor@contoso.example (work)",
        "taylor@contoso.example (personal)",
    ]  # fmt: skip
    assert distinct_labels([ADELE, WORK], short=True) == ["adele", "taylor"]


def test_short_labels_keep_the_domain_when_two_usernames_share_the_part_before_the_at():
    other = dataclasses.replace(
        account("adele", tenant=FABRIKAM), username="adele@fabrikam.example"
    )
    assert distinct_labels([ADELE, other], short=True) == [
        "adele@contoso.example", "adele@fabrikam.example",
    ]  # fmt: skip


def test_two_work_accounts_with_one_username_are_told_apart_by_home_tenant():
    again = dataclasses.replace(account("taylor-2"), username=WORK.username)
    labels = distinct_labels([WORK, again, PERSONAL], short=True)
    assert labels == [
        f"taylor (work, tenant {FABRIKAM})", f"taylor (work, tenant {again.home_tenant})",
        "taylor (personal)",
    ]  # fmt: skip
    assert len(set(labels)) == 3
