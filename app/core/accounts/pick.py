"""Which account a command means: by username or home account id, or the profile's active
one, or the only one there is. A username two accounts share (a personal and a work account
with one e-mail address: the most reported Azure CLI sign-in problem, "Found multiple
accounts with same username") is refused with both named, never guessed."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.broker.records import Account


class AccountChoiceError(ValueError):
    """No account, or more than one, fits what was asked; the message says which there are."""


def describe(account: Account) -> str:
    return f"{account.username} ({account.kind.lower()}, home account id {account.home_account_id})"


def pick(accounts: Sequence[Account], wanted: str | None, active_id: str | None = None) -> Account:
    """The account `wanted` names (a username, case-insensitive, or a home account id); with
    none, the active account, else the only account listed."""
    if wanted:
        by_id = [a for a in accounts if a.home_account_id == wanted]
        named = by_id or [a for a in accounts if a.username.casefold() == wanted.casefold()]
        if len(named) == 1:
            return named[0]
        if not named:
            raise AccountChoiceError(
                f"No account the broker lists is {wanted}." + _choices(accounts, "These are")
            )
        raise AccountChoiceError(
            f"{len(named)} accounts have the username {wanted}: name one by its home account id."
            + _choices(named, "They are")
        )
    active = [a for a in accounts if active_id and a.home_account_id == active_id]
    if active:
        return active[0]
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        raise AccountChoiceError("The broker lists no account for this client: sign in first.")
    raise AccountChoiceError("Choose an account (--account)." + _choices(accounts, "These are"))


def _choices(accounts: Sequence[Account], lead: str) -> str:
    if not accounts:
        return ""
    ordered = sorted(accounts, key=lambda a: (a.username.casefold(), a.home_account_id))
    listed = "\n".join(f"  {describe(a)}" for a in ordered)
    return f" {lead}:\n{listed}"
