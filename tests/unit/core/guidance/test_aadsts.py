"""What Entra ID's common AADSTS errors mean (app.core.guidance.aadsts)."""

from __future__ import annotations

from app.core.guidance.aadsts import AADSTS_GUIDANCE, for_aadsts
from tests.unit.core.guidance.helpers import complete

REQUIRED_AADSTS = [
    50011,
    7000218,
    65001,
    50020,
    90072,
    50076,
    50079,
    700016,
    53003,
    9002313,
    50126,
    500113,
    90002,
    50034,
    16000,
]
EXTRA_AADSTS = [50058, 50173, 70043, 50005, 530003, 500011, 65004, 50105]
INTERACTIVE_AADSTS = {65001, 50076, 50079, 50126, 16000}


def test_the_common_aadsts_codes_have_complete_guidance_under_their_own_code() -> None:
    assert set(REQUIRED_AADSTS + EXTRA_AADSTS) <= set(AADSTS_GUIDANCE)
    wrong = [c for c, g in AADSTS_GUIDANCE.items() if not complete(g, f"AADSTS{c}")]
    assert wrong == []
    assert all(for_aadsts(c) is g for c, g in AADSTS_GUIDANCE.items())


def test_exactly_the_codes_a_sign_in_can_fix_say_so() -> None:
    interactive = {c for c in REQUIRED_AADSTS if AADSTS_GUIDANCE[c].needs_interaction}
    assert interactive == INTERACTIVE_AADSTS


def test_unknown_aadsts_is_none() -> None:
    assert for_aadsts(1) is None
