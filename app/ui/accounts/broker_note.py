"""What the window says about the broker itself: whether the account list may be out of date
(the broker is not running, or the runtime answered from its own cache), that a new request
waits behind an earlier one the broker has not answered, and where the broker cannot work in
this session (elevated, another user, no desktop...: the actions that cannot work are off)."""

from __future__ import annotations

from app.core.broker.limits import NO_LIMITS, Limits
from app.core.broker.records import AccountListing
from app.core.broker.runtime import Broker
from app.core.guidance import broker as broker_guidance
from app.ui.common.widgets import Banner


class AccountsNote(Banner):
    """Above the accounts list; stays until a listing is answered by the broker itself."""

    def __init__(self) -> None:
        super().__init__("error")
        self.setAccessibleName("Account list status")

    def listing(self, listing: AccountListing) -> None:
        advice = broker_guidance.for_listing(listing)
        if advice is None:
            self.hide()
        else:
            self.show_guidance(advice)

    def failed(self, code: str) -> None:
        """A call failed (its guidance code): if it found the broker gone, the list shown is
        a cached copy."""
        for gone in (broker_guidance.BROKER_NOT_RUNNING, broker_guidance.BROKER_NOT_ANSWERING):
            if code == gone.code:
                self.show_guidance(broker_guidance.stale_list(gone))


def waiting_note(broker: Broker) -> str:
    """For the status bar when a call starts: the earlier request it will wait behind."""
    earlier = broker.busy_with()
    if earlier is None:
        return ""
    operation, seconds = earlier
    return (
        f" (the broker is still busy with an earlier request: {operation}, started "
        f"{seconds:.0f} s ago; Cancel stops waiting)"
    )


class LimitsNote(Banner):
    """Above the accounts list, from the first broker call on: why the broker cannot work
    here, and what to do (accounts/actions.py turns off what cannot work, saying why on
    hover)."""

    def __init__(self) -> None:
        super().__init__("warning")
        self.setAccessibleName("What the broker cannot do in this session")
        self.limits = NO_LIMITS

    def show_limits(self, limits: Limits | None) -> None:
        if limits is None or limits == self.limits:
            return
        self.limits = limits
        found = limits.conditions
        if not found:
            self.hide()
            return
        off = "sign-in windows" if limits.silent else "calls to the broker"
        title = found[0].title if len(found) == 1 else "The broker cannot work fully here"
        why, fix = limits.summary()
        self.show_text(f"{title}: {off} are off", f"{why}\n\nWhat to do: {fix}", closable=False)
