"""What the guidance tests share."""

from __future__ import annotations

from app.core.guidance.advice import Guidance

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


def complete(g: Guidance, code: str) -> bool:
    """Keyed by its code, with every field written."""
    return g.code == code and all(isinstance(v, str) and v.strip() for v in _fields(g))


def _fields(g: Guidance) -> list[str]:
    return [g.code, g.title, g.explanation, g.fix]


def _assert_complete(g: Guidance) -> None:
    assert complete(g, g.code), g
