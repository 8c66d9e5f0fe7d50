"""What the blob pane says when storage refuses or fails: the banner's guidance (as storage's,
or this computer's for a disk), with the offer that fixes it (sign in with the requested
claims, sign in as your code would, sign in again); a token the broker refused is the
window's banner's to say. A failed transfer's row in the list says the same guidance."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import SignalInstance

from app.core.broker.errors import broker_cause
from app.core.guidance.advice import Guidance
from app.core.guidance.explain import explain
from app.core.guidance.limits import where
from app.core.guidance.storage import challenge_claims
from app.ui.common.widgets import Banner


class Said(Protocol):
    """What of the pane says an error (the pane itself)."""

    credential: Any
    username: str | None
    banner: Banner

    @property
    def token_refused(self) -> SignalInstance: ...
    @property
    def sign_in_wanted(self) -> SignalInstance: ...
    def say(self, text: str) -> None: ...
    def step_up(self, claims: str) -> None: ...


def advice(credential: Any, error: BaseException) -> Guidance:
    """A sign-in the broker cannot show in this session is not offered: the fix says why."""
    return where(explain(error), getattr(credential, "limits", None))


def show_error(pane: Said, error: BaseException) -> None:
    refusal = broker_cause(error)
    if refusal is not None:
        pane.token_refused.emit(refusal, getattr(pane.credential, "asked", ()))
        pane.say(f"No storage token for {pane.username}: the message above the accounts "
                 "says why and what to do.")  # fmt: skip
        return
    told = advice(pane.credential, error)
    # A full disk is this computer's, not the account's: no name in front of it.
    # Said as storage's (the account's own token may be fine), unless it is this computer's.
    about = f"Blob storage for {pane.username}" if pane.username else "Blob storage"
    pane.banner.show_guidance(told, "" if told.local else about)
    claims = challenge_claims(error)
    itself = getattr(pane.credential, "signs_in_itself", False)
    if claims and pane.credential is not None:
        if not told.blocked_here:
            pane.banner.offer("Sign in with the requested claims", lambda: pane.step_up(claims))
        else:  # the window's note above the accounts says why, too
            pane.say("Storage asks for a new sign-in, which the broker cannot show here.")
    elif itself and told.code == "AuthenticationRequired" and not told.blocked_here:
        pane.banner.offer("Sign in as your code would", lambda: pane.step_up(""))
    elif told.needs_interaction:
        pane.banner.offer("Sign in again", pane.sign_in_wanted.emit)
