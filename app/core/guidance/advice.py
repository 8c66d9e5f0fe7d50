"""What every piece of guidance is (a title, what happened, what to do) and the phrases the
broker and storage tables share. Plain data: no Qt, no pymsalruntime, no Azure SDK."""

from __future__ import annotations

from dataclasses import dataclass

Row = tuple[str, str, str, str, bool]
"""(code, title, explanation, fix, needs_interaction): one row of a guidance table."""


@dataclass(frozen=True)
class Guidance:
    code: str  # e.g. "AADSTS50076", "InteractionRequired", "Timeout", "BrokerUnavailable"
    title: str  # short, e.g. "Multi-factor authentication required"
    explanation: str  # plain language: what happened
    fix: str  # what the user should do, concretely
    needs_interaction: bool = False  # True when "Sign in again" (interactive) is the fix
    # About this computer (its disks and files), not the account: shown without its name.
    local: bool = False


BROKER_REDIRECT = "ms-appx-web://Microsoft.AAD.BrokerPlugin/{client id}"
RETRY = "Wait a moment and try again."
SIGN_IN = "Choose “Sign in again” for this account"  # completed by each row
SIGN_IN_DONE = f"{SIGN_IN} and complete the sign-in window."
ASK_ADMIN = "Ask your IT administrator"
ASK_ADMIN_LC = "ask your IT administrator"


def table(rows: tuple[Row, ...]) -> dict[str, Guidance]:
    """Guidance by code from table rows."""
    return {r[0]: Guidance(r[0], r[1], r[2], r[3], r[4]) for r in rows}
