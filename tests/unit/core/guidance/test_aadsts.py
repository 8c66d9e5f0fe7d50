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


# Where the device itself is what a policy asks for: token protection, registration,
# compliance. Signing in again on this device cannot help, so none offers it.
DEVICE_AADSTS = [530084, 50097, 50129, 50155, 50187, 53000, 53001, 53002, 53005, 135010,
                 135011, 530003, 50005]  # fmt: skip


def test_device_and_token_protection_codes_say_what_the_device_needs() -> None:
    for code in DEVICE_AADSTS:
        guidance = AADSTS_GUIDANCE[code]
        assert complete(guidance, f"AADSTS{code}") and not guidance.needs_interaction
    protection = AADSTS_GUIDANCE[530084]
    assert "token protection" in protection.explanation
    assert "Access work or school" in protection.fix and "through the broker" in protection.fix


def test_unknown_aadsts_is_none() -> None:
    assert for_aadsts(1) is None
