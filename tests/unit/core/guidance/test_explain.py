"""Tests for app.core.guidance.explain. Plain Python: no Qt, no pymsalruntime."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from app.core.broker.errors import (
    BrokerError,
    BrokerTimeout,
    BrokerUnavailable,
    BrokerUnavailableError,
)
from app.core.configurations.profile import ProfileError
from app.core.guidance.aadsts import AADSTS_GUIDANCE, for_aadsts
from app.core.guidance.advice import Guidance
from app.core.guidance.explain import explain
from app.core.guidance.statuses import STATUS_GUIDANCE, for_status, for_unavailable

# Every pymsalruntime Response_Status member, without the "Status_" prefix, in enum order.
RESPONSE_STATUS_NAMES = [
    "Unexpected",
    "Reserved",
    "InteractionRequired",
    "NoNetwork",
    "NetworkTemporarilyUnavailable",
    "ServerTemporarilyUnavailable",
    "ApiContractViolation",
    "UserCanceled",
    "ApplicationCanceled",
    "IncorrectConfiguration",
    "InsufficientBuffer",
    "AuthorityUntrusted",
    "UserSwitch",
    "AccountUnusable",
    "UserDataRemovalRequired",
    "KeyNotFound",
    "AccountNotFound",
    "TransientError",
    "AccountSwitch",
    "RequiredBrokerMissing",
    "DeviceNotRegistered",
    "FallbackToNativeMsal",
]

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

FAKE_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def _fields(g: Guidance) -> list[str]:
    return [g.code, g.title, g.explanation, g.fix]


def _assert_complete(g: Guidance) -> None:
    for value in _fields(g):
        assert isinstance(value, str)
        assert value.strip(), f"empty field in {g}"


def test_status_names_are_exactly_the_response_status_members() -> None:
    assert len(RESPONSE_STATUS_NAMES) == 22
    assert len(set(RESPONSE_STATUS_NAMES)) == 22
    assert set(STATUS_GUIDANCE) == set(RESPONSE_STATUS_NAMES)


@pytest.mark.parametrize("name", RESPONSE_STATUS_NAMES)
def test_every_status_has_guidance(name: str) -> None:
    g = STATUS_GUIDANCE[name]
    assert g.code == name
    _assert_complete(g)
    assert for_status(name) is g


def test_interaction_required_needs_interaction() -> None:
    assert STATUS_GUIDANCE["InteractionRequired"].needs_interaction


def test_incorrect_configuration_mentions_broker_redirect_uri() -> None:
    g = STATUS_GUIDANCE["IncorrectConfiguration"]
    assert "ms-appx-web://Microsoft.AAD.BrokerPlugin/" in g.fix
    assert "client id" in g.fix


def test_required_broker_missing_names_each_platform_broker() -> None:
    text = STATUS_GUIDANCE["RequiredBrokerMissing"].fix
    for broker in ("WAM", "Company Portal", "microsoft-identity-broker"):
        assert broker in text


@pytest.mark.parametrize("code", REQUIRED_AADSTS + EXTRA_AADSTS)
def test_every_listed_aadsts_has_guidance(code: int) -> None:
    g = for_aadsts(code)
    assert g is not None
    assert g is AADSTS_GUIDANCE[code]
    assert g.code == f"AADSTS{code}"
    _assert_complete(g)


@pytest.mark.parametrize("code", sorted(AADSTS_GUIDANCE))
def test_aadsts_table_is_consistent(code: int) -> None:
    g = AADSTS_GUIDANCE[code]
    assert g.code == f"AADSTS{code}"
    _assert_complete(g)


@pytest.mark.parametrize("code", REQUIRED_AADSTS)
def test_aadsts_needs_interaction_flags(code: int) -> None:
    assert AADSTS_GUIDANCE[code].needs_interaction == (code in INTERACTIVE_AADSTS)


def test_unknown_aadsts_is_none() -> None:
    assert for_aadsts(1) is None


@pytest.mark.parametrize(
    "spelling",
    [
        "InteractionRequired",
        "Status_InteractionRequired",
        "Response_Status.Status_InteractionRequired",
    ],
)
def test_for_status_accepts_all_spellings(spelling: str) -> None:
    assert for_status(spelling) is STATUS_GUIDANCE["InteractionRequired"]


def test_for_status_unknown_is_generic_and_names_status() -> None:
    g = for_status("Status_SomethingNew")
    _assert_complete(g)
    assert "SomethingNew" in g.code
    assert "SomethingNew" in g.title or "SomethingNew" in g.explanation
    assert not g.needs_interaction


def test_explain_prefers_aadsts_over_status() -> None:
    err = BrokerError(
        "InteractionRequired",
        50076,
        1,
        "AADSTS50076: Due to a configuration change made by your administrator, "
        "you must use multi-factor authentication.",
    )
    assert explain(err) is AADSTS_GUIDANCE[50076]
    assert explain(err).needs_interaction


def test_explain_broker_error_without_aadsts_uses_status() -> None:
    err = BrokerError("Response_Status.Status_NoNetwork", 0, 2, "no route to host")
    assert explain(err) is STATUS_GUIDANCE["NoNetwork"]


def test_explain_broker_error_with_unknown_aadsts_uses_status() -> None:
    err = BrokerError("ServerTemporarilyUnavailable", 0, 3, "AADSTS99999999: whatever")
    assert explain(err) is STATUS_GUIDANCE["ServerTemporarilyUnavailable"]


def test_explain_timeout() -> None:
    g = explain(BrokerTimeout("acquire_token_silently", 30))
    assert g.code == "Timeout"
    _assert_complete(g)
    assert "ignored" in g.explanation
    assert not g.needs_interaction
    assert for_status("Timeout") == g


def test_explain_plain_exception_never_leaks_its_text() -> None:
    g = explain(Exception(f"token {FAKE_JWT} secret"))
    _assert_complete(g)
    assert g.title == "Unexpected error"
    assert "Exception" in g.explanation
    for value in _fields(g):
        assert "eyJ" not in value
        assert "secret" not in value


def test_explain_exception_with_aadsts_in_text() -> None:
    class ClientAuthenticationError(Exception):
        pass

    err = ClientAuthenticationError(
        f"AADSTS65001: The user or administrator has not consented. token={FAKE_JWT}"
    )
    assert explain(err) is AADSTS_GUIDANCE[65001]


def test_explain_exception_with_unknown_aadsts_names_code_only() -> None:
    g = explain(RuntimeError(f"AADSTS1234567: odd {FAKE_JWT}"))
    assert g.code == "AADSTS1234567"
    for value in _fields(g):
        assert "eyJ" not in value


def test_explain_profile_error_uses_its_message() -> None:
    g = explain(ProfileError({"client_id": "bad"}))
    _assert_complete(g)
    assert "client_id" in g.explanation


@pytest.mark.parametrize("kind", ["wheel-missing", "system-libraries", "no-broker", "unsupported"])
def test_for_unavailable_round_trip(kind: str) -> None:
    u = BrokerUnavailable(kind, "libsecret-1.so.0 not found", "sudo apt install libsecret-1-0")
    g = for_unavailable(u)
    _assert_complete(g)
    assert g.explanation == u.reason
    assert g.fix == u.remedy
    assert not g.needs_interaction


def test_for_unavailable_unknown_kind_still_has_title() -> None:
    g = for_unavailable(BrokerUnavailable("mystery", "why", "what"))
    _assert_complete(g)


def test_guidance_is_frozen() -> None:
    g = STATUS_GUIDANCE["NoNetwork"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.title = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "g",
    [*STATUS_GUIDANCE.values(), *AADSTS_GUIDANCE.values()],
    ids=lambda g: g.code,
)
def test_no_entry_contains_token_like_text(g: Guidance) -> None:
    for value in _fields(g):
        assert "eyJ" not in value


def test_guidance_module_imports_neither_qt_nor_pymsalruntime() -> None:
    import app.core.guidance.explain as mod

    tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"PySide6", "shiboken6", "pymsalruntime"}


def test_explain_an_unavailable_broker_gives_its_reason_and_remedy() -> None:
    reason = BrokerUnavailable("no-broker", "No broker answered: x", "Install the broker.")
    g = explain(BrokerUnavailableError(reason))
    assert g == for_unavailable(reason)
    assert (g.explanation, g.fix) == ("No broker answered: x", "Install the broker.")
