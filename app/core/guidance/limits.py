"""Guidance where the broker cannot work in this session (app/core/broker/limits.py): a call
refused before it was made, a "cancel" nobody made, and a fix that would be to sign in again
where the broker cannot show its window.

WAM reports its own failures in an elevated process, under Run as a different user, on an old
Windows Server and without a desktop as UserCanceled (MSAL.NET issues 2560, 2951, 4894), so a
cancel is never answered with "nothing is wrong": on Windows it names those causes, the ones
found here first. Pure data plus lookups: no Qt, no pymsalruntime.
"""

from __future__ import annotations

import dataclasses

from app.core.broker.errors import BrokerError, UnavailableHere
from app.core.broker.limits import Limits
from app.core.guidance.advice import Guidance

KNOWN_CAUSES = (
    "Web Account Manager closes its window by itself, and reports it as cancelled, in an "
    "elevated process (Run as administrator), under Run as a different user, on Windows "
    "Server 2016 or older, when its service is disabled, and without an interactive desktop"
)
AGAIN = "Start the sign-in again when you are ready."


def for_unavailable_here(error: UnavailableHere) -> Guidance:
    """A call the app did not make: the broker cannot do it in this session."""
    found = error.conditions
    title = found[0].title if len(found) == 1 else "The broker cannot work in this session"
    return Guidance(
        "UnavailableHere",
        title,
        " ".join(c.reason for c in found),
        " ".join(c.remedy for c in found),
    )


def _not_checked(limits: Limits) -> str:
    if not limits.unchecked:
        return ""
    return f" ({', '.join(limits.unchecked)} could not be checked)"


def for_cancel(error: BrokerError) -> Guidance:
    """UserCanceled: said as a cancel only where someone could have cancelled (a window was
    shown), and with the causes where WAM cancels by itself."""
    limits = error.limits or Limits()
    found = limits.conditions
    why = " ".join(c.reason for c in found)
    remedy = " ".join(c.remedy for c in found)
    if error.interactive is False:  # no window: nobody cancelled
        causes = why or (f"{KNOWN_CAUSES}; none of these was found here{_not_checked(limits)}."
                         if limits.checked else "")  # fmt: skip
        return Guidance(
            "CanceledWithoutWindow",
            "The broker failed without showing a window",
            "The broker reported this call as cancelled by the user, but it shows no window, "
            f"so nobody cancelled it. {causes}".rstrip(),
            remedy
            or "Try again; if it keeps failing, save the diagnostics (View ▸ "
            "Diagnostics) and report the failure with them.",
        )
    explanation = "The sign-in window was closed before the sign-in finished."
    fix = AGAIN
    if found:
        explanation += f" If you did not close it, Windows did: {why}"
        fix = remedy
    elif limits.checked:
        explanation += (
            f" If you did not close it: {KNOWN_CAUSES}; none of these was found here"
            f"{_not_checked(limits)}."
        )
        fix = (
            f"{AGAIN} If the window closes by itself again, start the app normally (not as "
            "administrator) from your own desktop session, and save the diagnostics for a "
            "report."
        )
    return Guidance("UserCanceled", "Sign-in cancelled", explanation, fix)


def where(advice: Guidance, limits: Limits | None) -> Guidance:
    """The advice as it holds in this session: a fix that is to sign in again, where the
    broker's window cannot work here, says why instead of offering it."""
    if limits is None or not advice.needs_interaction or limits.interactive:
        return advice
    why, remedy = limits.summary(interactive=True)
    return dataclasses.replace(
        advice,
        needs_interaction=False,
        blocked_here=True,
        fix=f"Signing in again would fix this, but not in this session: {why} {remedy}",
    )
