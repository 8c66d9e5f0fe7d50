"""What the user chose to leave out of ARM discovery for one account: kept in the settings
(app/core/settings) by home account id, read by the discovery (discover.py) and the ARM window.

Plain Python: no Qt, no token text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArmChoice:
    """Which of an account's tenants and subscriptions the user hid in the ARM window, kept
    by its home account id (the broker's identity for the account: the same after signing
    out and in again). The hidden ones are kept, not the chosen ones, so a tenant or a
    subscription ARM lists later is shown (and asked) until the user hides it: a new
    subscription never goes unnoticed. Ids only, never a token."""

    tenants: frozenset[str] = frozenset()
    subscriptions: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.tenants or self.subscriptions)

    def to_json(self) -> dict[str, list[str]]:
        return {"tenants": sorted(self.tenants), "subscriptions": sorted(self.subscriptions)}

    @classmethod
    def from_json(cls, raw: object) -> ArmChoice:
        """ValueError unless raw is an object whose tenants and subscriptions are text lists."""
        if not isinstance(raw, dict):
            raise ValueError("a tenant and subscription choice must be an object")
        lists = [raw.get(key, []) for key in ("tenants", "subscriptions")]
        if not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in lists):
            raise ValueError("its tenants and subscriptions must be lists of ids")
        return cls(frozenset(lists[0]), frozenset(lists[1]))

    def toggled(self, tenant: str = "", subscription: str = "") -> ArmChoice:
        """The choice with that tenant (or subscription) hidden if it was shown, else shown."""
        return ArmChoice(self.tenants ^ ({tenant} - {""}),
                         self.subscriptions ^ ({subscription} - {""}))  # fmt: skip
