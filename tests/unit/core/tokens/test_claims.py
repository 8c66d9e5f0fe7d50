"""What the token inspector says about claims: meanings, times with their zone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from app.core.tokens.claims import CLAIMS, describe, format_time, format_value

NOON_UTC = 1795867200  # 2026-11-28 12:00:00 UTC (a winter date: CET is UTC+01:00)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Local time set to a zone for one test (process-wide, so put back afterwards)."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_times_carry_their_zone(zone) -> None:  # type: ignore[no-untyped-def]
    zone("UTC")
    assert format_time(NOON_UTC) == "2026-11-28 12:00:00 UTC"
    zone("Europe/Berlin")
    assert format_time(NOON_UTC) == "2026-11-28 13:00:00 CET (UTC+01:00)"
    zone("Asia/Kolkata")
    assert format_time(NOON_UTC) == "2026-11-28 17:30:00 IST (UTC+05:30)"
    zone("America/Sao_Paulo")  # a zone known by its offset only
    assert format_time(NOON_UTC) == "2026-11-28 09:00:00 UTC-03:00"


def test_time_claims_show_the_number_and_the_date(zone) -> None:  # type: ignore[no-untyped-def]
    zone("UTC")
    assert format_value("exp", NOON_UTC) == f"{NOON_UTC}  (2026-11-28 12:00:00 UTC)"
    assert format_value("exp", 10**20).endswith("(not a valid time)")
    assert format_value("amr", ["pwd", "mfa"]) == '["pwd", "mfa"]'
    assert format_value("oid", "x") == "x"


def test_the_claims_jwt_ms_explains_are_explained() -> None:
    for name in ("aud", "iss", "tid", "oid", "scp", "roles", "amr", "acr", "idtyp", "xms_cc"):
        assert describe(name), name
    assert describe("xms_unheard_of").startswith("A Microsoft extension claim")
    assert describe("kid", header=True).startswith("Which of the issuer's signing keys")
    assert describe("made_up_claim") == ""
    assert all(len(line) <= 140 for line in CLAIMS.values())  # a line each, beside the value
