"""The Subscriptions window's rows on their own: a subscription found by the matrix's
discovery (tenants only, no storage accounts asked) says its storage accounts are not listed
yet rather than "0 storage accounts". Plain Python (the rows are built off the GUI thread)."""

from __future__ import annotations

from app.core.arm.records import Discovery, StorageAccount, Subscription, Tenant, TenantAnswer
from app.ui.arm.model import NOT_LISTED, NOT_LISTED_TIP, Node, tree

TID = "4c5a37b6-6bdb-5753-8e91-ca413f2f0b7a"
BLOB = StorageAccount("sa", "/sub/s1/sa", "https://sa.blob.example/")


def subscriptions(storage: bool, *subs: Subscription) -> list[tuple[str, str]]:
    """The Answer text and tooltip of each subscription row under the one account's tenant."""
    found = {"oid.tid": Discovery("oid.tid", "adele@contoso.example", storage=storage,
                                  tenants=(TenantAnswer(Tenant(TID, "Contoso"),
                                                        subscriptions=subs),))}  # fmt: skip
    root: Node = tree(found)
    return [(s.texts[1], s.tip) for s in root.children[0].children[0].children]


def test_storage_accounts_not_asked_are_said_not_listed_not_counted() -> None:
    listed = Subscription("s1", "Sandbox", "Enabled", TID, storage_accounts=(BLOB,))
    empty = Subscription("s2", "Empty", "Enabled", TID)
    assert subscriptions(True, listed, empty) == [("Enabled · 1 storage account", ""),
                                                 ("Enabled · 0 storage accounts", "")]  # fmt: skip
    assert subscriptions(False, empty) == [(f"Enabled · {NOT_LISTED}", NOT_LISTED_TIP)]
    assert "Refresh lists the storage accounts" in NOT_LISTED_TIP
