"""Signing out: what the app can do (drop this app's tokens for the account, hide it) and what
it cannot (remove the account from the device: an OS account is not an app's to remove, as
MSAL.NET says of WAM), with where the user removes it for real on this platform."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.broker.errors import BrokerError
from app.core.broker.platform import Platform
from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile


def sign_out_each(
    broker: Broker, accounts: Sequence[Account], profile: Profile
) -> list[tuple[Account, BaseException | None]]:
    """Every account signed out of the profile's client; one that fails does not stop the
    rest (blocking: a worker's)."""
    done: list[tuple[Account, BaseException | None]] = []
    for account in accounts:
        try:
            broker.sign_out(account, profile)
            done.append((account, None))
        except BrokerError as exc:
            done.append((account, exc))
    return done


def signed_out_text(who: str, client_id: str, here: Platform) -> str:
    return (
        f"{who}: this app's tokens (client id {client_id}) are gone and the app hides the "
        "account until you add it again. The account stays on this device: apps cannot "
        f"remove it. To remove it for real, do so {here.remove_account}."
    )
