"""A page of a listing leaves nothing for the garbage collector: what the SDK built for it is
freed by reference counting when the page is returned. Left in reference cycles (the SDK's
pager holds its own bound methods), ~5,000 objects per page of 500 waited for full
collections, which then held the GIL for 50-150 ms while a big folder was listed.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.core.storage.blobs import BlobBrowser


@pytest.fixture
def browser(storage, control) -> Iterator[BlobBrowser]:  # type: ignore[no-untyped-def]
    adele = next(a for a in Broker().discover_accounts(Profile()) if a.username.startswith("adele"))
    credential = BrokerAccountCredential(Broker(), adele, Profile())
    b = BlobBrowser(
        storage.account_url, credential, connection_verify=str(storage.ca_path), page_size=10
    )
    yield b
    b.close()


@pytest.fixture
def container(storage) -> Iterator[str]:  # type: ignore[no-untyped-def]
    seeder = storage.shared_key_client()
    name = f"g-{uuid.uuid4().hex[:12]}"
    box = seeder.create_container(name)
    for i in range(25):
        box.upload_blob(f"f{i:02d}.txt", b"x")
    box.upload_blob("sub/inner.txt", b"y")
    yield name
    seeder.delete_container(name)
    seeder.close()


def garbage_of(read: Callable[[], Any]) -> list[str]:
    """The SDK's objects that only a collection would have freed after `read()`."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept here, to be looked at
    try:
        read()
        gc.collect()
        found = [type(o).__module__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return [m for m in found if m.startswith("azure.")]


def test_a_page_of_blobs_leaves_no_cyclic_garbage(browser, container):
    rows, token = browser.blob_page(container)  # the first: the client is built once
    assert len(rows) == 10 and token is not None
    assert garbage_of(lambda: browser.blob_page(container, continuation=token)) == []
    assert garbage_of(lambda: browser.blob_page(container, "sub/")) == []


def test_a_page_of_containers_leaves_no_cyclic_garbage(browser, container):
    browser.container_pages()
    assert garbage_of(lambda: browser.container_pages(prefix=container)) == []
