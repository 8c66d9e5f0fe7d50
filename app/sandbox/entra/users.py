"""The directory's users and how the broker finds one: by account id, never by username alone.

A username is not an account's identity. One e-mail address can be both a personal Microsoft
account and a work account (Azure CLI's "Found multiple accounts with the same username",
Azure/azure-cli#20168, lists two such accounts: one homed in the consumers tenant, one in the
organisation's), and the real brokers keep them apart by id (homeAccountId: the object id and
the home tenant). So does the sandbox: what it remembers of a user (on this device, MFA done,
stepped up) is keyed by `User.id`, and a username that names two users is refused with both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class User:
    username: str
    name: str
    given: str
    family: str
    oid: str
    home: str
    personal: bool = False
    mfa: bool = False
    blocked_by_conditional_access: bool = False
    guest_in: tuple[tuple[str, str], ...] = ()  # (tenant, the guest's object id there)

    @property
    def id(self) -> str:
        """The account's id as the broker sends it (homeAccountId): object id . home tenant."""
        return f"{self.oid}.{self.home}"

    def oid_in(self, tenant: str) -> str:
        """The user's object id in a tenant: a guest has an object of its own in each tenant
        that invited it (Entra ID B2B: the inviting tenant creates a guest user object)."""
        return dict(self.guest_in).get(tenant, self.oid)

    @property
    def guest_tenants(self) -> tuple[str, ...]:
        return tuple(tenant for tenant, _ in self.guest_in)


class Ambiguous(LookupError):
    """A username that more than one account has, where one account was meant."""

    def __init__(self, username: str, users: Sequence[User]) -> None:
        listed = "; ".join(
            f"{u.id} ({'personal' if u.personal else 'work or school'})" for u in users
        )
        super().__init__(
            f"{len(users)} accounts have the username {username}: answer with the account id "
            f"(homeAccountId) of one of them: {listed}"
        )
        self.username, self.users = username, tuple(users)


def named(users: Iterable[User], username: str) -> list[User]:
    """Every user with this username (case-insensitive, as Entra ID compares sign-in names)."""
    wanted = username.casefold()
    return [u for u in users if u.username.casefold() == wanted]


def find(users: Sequence[User], wanted: str) -> User | None:
    """The user an answer names: an account id, or a username only one account has."""
    by_id = next((u for u in users if u.id.casefold() == wanted.casefold()), None)
    if by_id is not None:
        return by_id
    matches = named(users, wanted)
    if len(matches) > 1:
        raise Ambiguous(wanted, matches)
    return matches[0] if matches else None


def for_account(users: Sequence[User], account: Mapping[str, Any] | None) -> User | None:
    """The user an account object in a request names: by homeAccountId, then object id
    (localAccountId), then a username only one user has (a client that sent only that)."""
    if not account:
        return None
    home_id = str(account.get("homeAccountId") or "")
    oid = str(account.get("localAccountId") or home_id).split(".")[0]
    found = next((u for u in users if home_id and u.id == home_id), None) or next(
        (u for u in users if oid and u.oid == oid), None
    )
    if found is None:
        matches = named(users, str(account.get("username") or ""))
        found = matches[0] if len(matches) == 1 else None
    return found


def known_view(users: Sequence[User], ids: Iterable[str]) -> list[str]:
    """The usernames of these account ids, sorted (what Control's state reports as `known`)."""
    by_id = {u.id: u.username for u in users}
    return sorted(by_id[i] for i in ids if i in by_id)
