"""The tenants and subscriptions hidden in the ARM window, per account: their record, the
settings file round trip (ids only, refused when token-like) and the merge of two windows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.arm.choice import ArmChoice
from app.core.settings.data import StoreData
from app.core.settings.document import Corrupt, document, parse
from app.core.settings.store import Store

HOME = "adele-oid.contoso-tid"
JWT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"


def test_toggling_hides_then_shows_again_and_empty_is_false() -> None:
    choice = ArmChoice().toggled(tenant="t1").toggled(subscription="s1")
    assert choice == ArmChoice(frozenset({"t1"}), frozenset({"s1"}))
    assert choice
    assert not choice.toggled(tenant="t1").toggled(subscription="s1")


def test_a_choice_round_trips_through_the_settings_document() -> None:
    data = StoreData()
    data.arm_hidden[HOME] = ArmChoice(frozenset({"t2", "t1"}), frozenset({"s1"}))
    doc = document(data)
    assert doc["arm_hidden"] == {HOME: {"tenants": ["t1", "t2"], "subscriptions": ["s1"]}}
    assert parse(json.dumps(doc).encode()).data == data


def test_no_choice_leaves_the_file_as_older_versions_wrote_it() -> None:
    data = StoreData()
    data.arm_hidden[HOME] = ArmChoice()  # everything shown again
    assert "arm_hidden" not in document(data)


def test_a_choice_that_is_not_lists_of_ids_makes_the_file_unusable() -> None:
    doc = document(StoreData())
    doc["arm_hidden"] = {HOME: {"tenants": "t1"}}
    with pytest.raises(Corrupt, match="lists of ids"):
        parse(json.dumps(doc).encode())


def test_a_token_looking_choice_is_left_out_and_named_not_quoted() -> None:
    doc = document(StoreData())
    doc["arm_hidden"] = {HOME: {"tenants": [JWT]}, "other": {"tenants": ["t1"]}}
    parsed = parse(json.dumps(doc).encode())
    assert parsed.data.arm_hidden == {"other": ArmChoice(frozenset({"t1"}))}
    assert any("looked like a token" in note for note in parsed.left_out)
    assert not any(JWT in note for note in parsed.left_out)


def test_two_windows_hiding_for_different_accounts_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Store(path).save(StoreData())
    one, two = Store(path), Store(path)
    mine, theirs = one.load().data, two.load().data
    theirs.arm_hidden["lee"] = ArmChoice(frozenset({"t9"}))
    two.save(theirs)
    mine.arm_hidden[HOME] = ArmChoice(subscriptions=frozenset({"s1"}))
    one.save(mine)
    assert Store(path).load().data.arm_hidden == {
        "lee": ArmChoice(frozenset({"t9"})),
        HOME: ArmChoice(subscriptions=frozenset({"s1"})),
    }


def test_showing_everything_again_in_one_window_is_not_undone_by_the_others_copy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    first = StoreData()
    first.arm_hidden[HOME] = ArmChoice(frozenset({"t1"}))
    Store(path).save(first)
    one, two = Store(path), Store(path)
    mine, theirs = one.load().data, two.load().data
    mine.arm_hidden.pop(HOME)
    one.save(mine)
    theirs.recent_urls["Default"] = ["https://x.blob.core.windows.net/"]
    two.save(theirs)  # unchanged choice there: ours (nothing hidden) holds
    assert Store(path).load().data.arm_hidden == {}
