"""A full disk for real: a 2 MB tmpfs in a private mount namespace (`unshare --user --mount`,
no root needed), a download of a bigger blob into it through the real SDK, Azurite and the
sandbox's role checks, in the core and in the blob pane, and a settings save on it.

The process in that namespace cannot use the broker: D-Bus authenticates it by the uid it
claims, which the namespace maps to 0. So the test gets adele's storage token from the real
broker here and hands it over on stdin (never printed); there it is served by a credential
that returns that token, the only stand-in, and only for the credential.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.core.storage.blobs import MiB
from tests.helpers import ROOT

SIZE = 4 * MiB  # twice the disk
ON_A_FULL_DISK = r"""
import json, os, sys
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from azure.core.credentials import AccessToken
from app.core.guidance.explain import explain
from app.core.settings.data import StoreData
from app.core.settings.store import Store
from app.core.storage.blobs import BlobBrowser

disk, url, ca, container = sys.argv[1:]
disk = Path(disk)
token, expires = json.loads(sys.stdin.read())


class Handed:
    '''The broker's token for adele, handed over by the test.'''
    def get_token(self, *scopes, **kwargs):
        return AccessToken(token, expires)


found = {}
try:
    BlobBrowser(url, Handed(), connection_verify=ca).download(
        container, "big.bin", disk / "big.bin", lambda done, total: None, lambda: False)
except Exception as error:
    advice = explain(error)
    found["core"] = [type(error).__name__, error.needed, advice.title, advice.fix, advice.local]
found["core_left"] = os.listdir(disk)

from PySide6.QtWidgets import QApplication
from app.ui.common.tasks import TaskRunner
from app.ui.storage.pane import BlobPane
from app.ui.storage.parts import Asker

from tests.integration.storage import pane_steps

app = QApplication([])


class Answers(Asker):
    def save_path(self, suggested):
        return disk / suggested


def until(condition):
    pane_steps.until(app, condition, 60)


pane = BlobPane(TaskRunner(), connection_verify=ca, asker=Answers(None))
folders = []
pane.download_folder.connect(folders.append)
pane.url.setCurrentText(url)
pane.set_credential(Handed(), "adele@contoso.example")
pane.connect_storage()
pane_steps.start_download(app, pane, container, 60)
until(lambda: pane.task is None)
found["pane"] = [pane.banner.title.text(), pane.banner.body.text(), folders]
found["pane_left"] = os.listdir(disk)

with open(disk / "filler", "wb") as filler:  # the rest of the disk, then a settings save
    try:
        while True:
            filler.write(b"x" * 65536)
            filler.flush()
    except OSError:
        pass
found["settings"] = Store(disk / "settings.json").try_save(StoreData())
print(json.dumps(found))
"""


@pytest.fixture
def container(storage):  # type: ignore[no-untyped-def]
    """A container with a blob bigger than the disk (seeded with the emulator's key)."""
    client = storage.shared_key_client()
    name = f"full-{uuid.uuid4().hex[:10]}"
    client.create_container(name).upload_blob("big.bin", os.urandom(SIZE))
    yield name
    client.delete_container(name)
    client.close()


def test_a_full_disk_is_explained_as_what_it_is(control, storage, container, tmp_path):
    adele = next(a for a in Broker().discover_accounts(Profile()) if a.username.startswith("adele"))
    token = BrokerAccountCredential(Broker(), adele, Profile()).get_token(
        "https://storage.azure.com/.default"
    )
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = 'mount -t tmpfs -o size=2m tmpfs "$0" && exec "$@"'
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", mount, str(disk),
         sys.executable, "-c", ON_A_FULL_DISK, str(disk), storage.account_url,
         str(storage.ca_path), container],
        input=json.dumps([token.token, token.expires_on]), capture_output=True, text=True,
        cwd=ROOT, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.splitlines()[-1])

    kind, needed, title, fix, local = found["core"]
    assert (kind, needed, title, local) == ("DiskError", SIZE, "The disk is full", True)
    assert fix.startswith("Free ") and fix.endswith(" MB or choose another folder, then try again.")
    missing = int(fix.split()[1].replace(",", ""))
    assert 2 <= missing <= 5  # 4.2 MB needed, up to 2 MB free
    assert found["core_left"] == []  # nothing partial

    banner_title, body, folders = found["pane"]
    assert banner_title == "The disk is full"  # not "adele@contoso.example: Unexpected error"
    assert "adele" not in body and "Unexpected" not in body and "Wait a moment" not in body
    assert "What to do: Free " in body and "or choose another folder" in body
    assert folders == [str(disk)]  # remembered before anything was written
    assert found["pane_left"] == []

    settings = found["settings"]
    assert settings.startswith("The disk is full: The disk that holds ")
    assert "Free 1 MB, then try again." in settings and "another folder" not in settings
