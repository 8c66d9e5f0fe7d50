"""Signing out (app.core.accounts.signout): one account the broker refuses does not stop the
rest, and the text says what the app did and where the account is really removed."""

from __future__ import annotations

from typing import Any

from app.core.accounts.signout import sign_out_each, signed_out_text
from app.core.broker import platform
from app.core.broker.errors import BrokerError
from app.core.broker.records import Account
from app.core.configurations.profile import Profile
from tests.stubs import FakeBroker, account


class RefusesOne(FakeBroker):
    def sign_out(self, who: Account, profile: Profile) -> None:
        super().sign_out(who, profile)
        if who.username.startswith("lee"):
            raise BrokerError("AccountNotFound")


def test_every_account_is_signed_out_and_a_refusal_is_kept_beside_the_rest():
    accounts = [account("adele"), account("lee"), account("megan")]
    broker: Any = RefusesOne(accounts)
    done = sign_out_each(broker, accounts, Profile())
    assert [a.username.split("@")[0] for a, _ in done] == ["adele", "lee", "megan"]
    assert [type(e).__name__ if e else None for _, e in done] == [None, "BrokerError", None]
    assert [m for m, _, _ in broker.asked] == ["sign_out"] * 3


def test_the_text_says_what_the_app_did_and_where_to_remove_the_account_for_real():
    for here in (platform.WINDOWS, platform.LINUX, platform.MACOS):
        text = signed_out_text("adele@contoso.example", "client-1", here)
        assert "client id client-1" in text and "apps cannot remove it" in text
        assert here.remove_account in text
