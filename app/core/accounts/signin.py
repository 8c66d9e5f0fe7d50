"""Adding an account: the broker's account picker, with the OS default account tried first
without UI where the profile asks for it (azure-identity-broker's use_default_broker_account).
Blocking: a worker's."""

from __future__ import annotations

import logging

from app.core.broker.errors import BrokerError
from app.core.broker.records import TokenResult
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile

logger = logging.getLogger(__name__)


def sign_in(broker: Broker, handle: int, profile: Profile) -> TokenResult:
    """The account the user signs in with (the picker over the window with this handle), or
    the OS default account where the profile says to use it and it signs in silently."""
    if profile.use_default_account:
        try:
            return broker.sign_in_default_account(profile)
        except BrokerError as exc:
            # Any failure of the silent attempt opens the picker, as
            # azure-identity-broker's use_default_broker_account does (its prompt=none
            # attempt, _browser.py); msal alone falls back on InteractionRequired and
            # AccountUnusable only, and a broker that is not there stays an error.
            logger.info("the OS default account did not sign in (%s): picker", exc.status)
    return broker.sign_in_interactively(handle, profile)
