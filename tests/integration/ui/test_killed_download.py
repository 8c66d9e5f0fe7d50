"""A download killed mid-way, for real: the window downloads a blob in a process of its own,
which is SIGKILLed once the whole blob is in its temporary (as Task Manager or the OOM killer
would end it), then the app starts again. The temporary is in the user's download folder, not
the settings folder; the start removes it because the folder was remembered before the
download began.

The one stand-in is where the killed process stops: its os.fsync of the download's temporary
waits (the data is all written by then) so that the kill lands inside the download, not
before or after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.core.files.atomic import TAG
from tests.helpers import ROOT
from tests.integration.ui.helpers import new_window

SIZE = 3 * 2**20
DOWNLOAD = r"""
import os, sys, time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
settings, folder, url, ca, container = sys.argv[1:]
folder = Path(folder)
real_fsync = os.fsync


def fsync(fd):
    if os.readlink(f"/proc/self/fd/{fd}").startswith(str(folder / ".big.bin.")):
        print("writing", flush=True)  # the whole blob is in the temporary: kill it here
        time.sleep(600)
    real_fsync(fd)


os.fsync = fsync

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.core.broker.runtime import Broker
from app.core.settings.store import Store
from app.ui.common.tasks import TaskRunner
from app.ui.shell.main_window import MainWindow
from app.ui.shell.sandbox import SandboxDetails
from app.ui.storage.parts import Asker

from tests.integration.storage import pane_steps

app = QApplication([])


class Answers(Asker):
    def save_path(self, suggested):
        return folder / suggested


def until(condition):
    pane_steps.until(app, condition, 120)


store = Store(Path(settings))
details = SandboxDetails("", {}, storage_url=url, storage_ca=ca)
window = MainWindow(
    QSettings(str(Path(settings).with_name("window.ini")), QSettings.Format.IniFormat)
)
for _ in window.building(Broker(timeout=10), TaskRunner(), store, details):
    pass
window.session.refresh()
until(lambda: window.current is None and window.model.rowCount() > 0)
row = next(i for i, r in enumerate(window.model.rows) if r.account.username.startswith("megan"))
window.table.selectRow(window.proxy.mapFromSource(window.model.index(row, 0)).row())
window.act_active.trigger()
window.tabs.setCurrentWidget(window.storage_tab)
pane = window.blobs
pane.asker = Answers(None)
pane.connect_storage()
pane_steps.start_download(app, pane, container, 120)
until(lambda: False)  # the event loop runs until the kill
"""


@pytest.fixture
def container(storage):  # type: ignore[no-untyped-def]
    client = storage.shared_key_client()
    name = f"killed-{uuid.uuid4().hex[:10]}"
    client.create_container(name).upload_blob("big.bin", os.urandom(SIZE))
    yield name
    client.delete_container(name)
    client.close()


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_killed_download_leaves_a_temporary_the_next_start_removes(
    qtbot, sandbox, storage, container, tmp_path
):  # type: ignore[no-untyped-def]
    settings = tmp_path / "config" / "settings.json"
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", DOWNLOAD, str(settings), str(downloads), storage.account_url,
         str(storage.ca_path), container],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None and process.stderr is not None
        if process.stdout.readline() != "writing\n":
            process.wait()
            raise AssertionError(process.stderr.read()[-3000:])
        # The download folder was remembered (saved) before the download began.
        assert json.loads(settings.read_text())["download_folders"] == [str(downloads)]
    finally:
        process.kill()
        process.communicate()
    (left,) = temporaries(downloads)
    assert left.name.startswith(f".big.bin.{TAG}-{process.pid}-")
    assert left.stat().st_size == SIZE  # the whole blob, and nothing at big.bin
    assert not (downloads / "big.bin").exists()
    assert temporaries(settings.parent) == []

    window = new_window(qtbot, sandbox, settings.parent)  # the next start
    assert window.data.download_folders == [str(downloads)]
    qtbot.waitUntil(lambda: temporaries(downloads) == [], timeout=30000)
    assert os.listdir(downloads) == []
    window.sandbox_picker.stop()
