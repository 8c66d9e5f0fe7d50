"""Guidance when the broker cannot be reached, is still busy with an earlier request, or
the account list came from the runtime's cache instead of the broker.

On Linux the runtime reaches the broker over D-Bus and passes the bus's error names through
(measured with 0.20.7: a killed broker gives "org.freedesktop.DBus.Error.ServiceUnknown",
which the runtime reports as Status_Unexpected).
"""

from __future__ import annotations

from app.core.broker.errors import BrokerBusy
from app.core.broker.records import AccountListing
from app.core.guidance.advice import Guidance

_RESTART_BROKER = (
    "Start it again: run `systemctl --user restart microsoft-identity-broker.service` (or sign "
    "out of the desktop and back in), then choose Refresh. In sandbox mode, restart this app: "
    "its simulated broker has stopped."
)
BROKER_NOT_RUNNING = Guidance(
    "BrokerNotRunning",
    "The broker is not running",
    "The authentication broker's service is not on the session bus: it stopped, crashed or "
    "was never started. Calls that need it fail, and the account list shows what the broker "
    "runtime had cached, which may be out of date.",
    _RESTART_BROKER,
)
BROKER_NOT_ANSWERING = Guidance(
    "BrokerNoReply",
    "The broker stopped answering",
    "The authentication broker's service is on the session bus but did not reply: it may be hung.",
    _RESTART_BROKER.replace("Start it again", "Restart it"),
)
NOT_BROKERED = Guidance(
    "NotBrokered",
    "No sign-in under consumers on Linux",
    "On Linux the broker signs in work and school accounts; the broker runtime does not hand "
    "a sign-in under the consumers tenant to it, and would wait in a sign-in window of its own "
    "that never appears.",
    "Set the tenant to common or organizations (with MSA passthrough on for a personal "
    "account), or use a work or school account.",
)
_NOT_RUNNING_ERRORS = frozenset({"ServiceUnknown", "NameHasNoOwner"})


def for_dbus_error(name: str) -> Guidance | None:
    """Guidance when the runtime could not reach the broker over D-Bus (Linux)."""
    if name in _NOT_RUNNING_ERRORS:
        return BROKER_NOT_RUNNING
    return BROKER_NOT_ANSWERING if name in ("NoReply", "Timeout") else None


def for_busy(error: BrokerBusy) -> Guidance:
    return Guidance(
        "BrokerBusy",
        "The broker is still busy with an earlier request",
        f"The broker has not answered an earlier request ({error.earlier}, started "
        f"{error.earlier_age:.0f} s ago), and it takes one request at a time, so this one "
        f"({error.operation}) never reached it.",
        "Wait for the earlier request to finish, then try again: the status bar says when a "
        "new request is waiting behind it, and Cancel stops waiting. If the broker shows a "
        "sign-in window, finish or close it. If it stays busy, restart the broker.",
    )


def for_listing(listing: AccountListing) -> Guidance | None:
    """Why an account list may be out of date, or None when the broker itself answered."""
    reason = listing.unreachable
    if reason is None:
        return None
    if reason == AccountListing.CACHE_ONLY:
        return Guidance(
            "AccountsFromCache",
            "The account list may be out of date",
            "The broker runtime did not ask the broker for this list: after the broker failed "
            "it answers from its own cache for a few minutes.",
            "If the broker is running again, choose Refresh in a few minutes.",
        )
    return stale_list(for_dbus_error(reason) or BROKER_NOT_ANSWERING)


def stale_list(broker: Guidance) -> Guidance:
    """The account list on screen, once the broker could not be reached (`broker`)."""
    return Guidance(
        "AccountsFromCache",
        "The account list may be out of date",
        f"{broker.title}: this list is what the broker runtime had cached.",
        broker.fix,
    )


REASON_HIDDEN = (
    "The broker did not say why: it redacts Entra ID's reason unless PII logging is on. Turn "
    "on “Include personal data (PII) in logs” in View ▸ Diagnostics and try again, or look up "
    "the correlation id below in the Entra admin center's sign-in logs."
)


def for_other_account(asked: str, answered: str) -> Guidance:
    """The broker answered for another account than the one asked for (WAM can: MSAL.NET
    checks for it, and msal compares preferred_username with the login hint)."""
    return Guidance(
        "AnsweredForAnother",
        "The broker answered for another account",
        f"You asked for {asked}; the broker answered for {answered}. That token is kept as "
        f"{answered}'s, not shown as {asked}'s.",
        f"Choose “Sign in again” and pick {asked} in the broker's window.",
        True,
    )
