"""The blob pane against Azurite, with the active account's real broker credential."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from azure.storage.blob import ContentSettings
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from app.core.storage.details import BlobDetails
from app.core.storage.preview import Preview
from app.ui.storage.parts import Asker
from app.ui.storage.properties import PropertiesDialog
from tests.helpers import CONTOSO, claims
from tests.integration.ui.helpers import EventLoopProbe, only, open_window, select

BIG = 2100


class Answers(Asker):
    """Scripted answers to the pane's questions."""

    def __init__(self) -> None:
        self.confirmations: list[str] = []
        self.save_to: Path | None = None
        self.files: list[Path] = []
        self.name: str | None = None
        self.shown: BlobDetails | None = None
        self.previewed: Preview | None = None

    def confirm(self, text: str) -> bool:
        self.confirmations.append(text)
        return True

    def text(self, prompt: str) -> str | None:
        return self.name

    def save_path(self, suggested: str) -> Path | None:
        return self.save_to

    def open_paths(self) -> list[Path]:
        return self.files

    def show_properties(self, details: BlobDetails) -> None:
        self.shown = details

    def show_preview(self, preview: Preview, download: Callable[[], None]) -> None:
        self.previewed = preview
        self.offered_download = download


@pytest.fixture(scope="module")
def seeded(storage):  # type: ignore[no-untyped-def]
    """One container with BIG blobs in a folder and a few files at the top, made with the
    emulator's key (set-up only; the pane itself uses the account's token)."""
    client = storage.shared_key_client()
    name = f"ui-{uuid.uuid4().hex[:10]}"
    box = client.create_container(name)
    box.upload_blob(
        "top.txt",
        b"top level file\n",
        metadata={"owner": "adele"},
        tags={"project": "apollo"},
        content_settings=ContentSettings(content_type="text/plain; charset=utf-8"),
    )
    box.upload_blob("big.bin", bytes(range(256)) * 4096 * 3)  # 3 MiB
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: box.upload_blob(f"many/{i:05d}.txt", b"x"), range(BIG)))
    yield name
    client.delete_container(name)


@pytest.fixture
def pane_window(qtbot, sandbox, control, tmp_path, storage, seeded):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, sandbox, tmp_path)
    answers = Answers()
    window.blobs.asker = answers
    window.blobs.url.setCurrentText(storage.account_url)
    select(window, "megan@contoso.example")
    window.act_active.trigger()
    window.tabs.setCurrentWidget(window.storage_tab)
    window.blobs.connect_storage()
    qtbot.waitUntil(lambda: container_row(window, seeded) is not None, timeout=15000)
    yield window, answers
    window.sandbox_picker.stop()


def container_row(window, name: str):  # type: ignore[no-untyped-def]
    model = window.blobs.model
    for row in range(model.rowCount()):
        if model.node(model.index(row, 0)).name == name:
            return model.index(row, 0)
    return None


def child(model, parent, name: str):  # type: ignore[no-untyped-def]
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if model.node(index).name == name:
            return index
    return None


def expand(qtbot, window, index) -> None:  # type: ignore[no-untyped-def]
    model = window.blobs.model
    model.fetchMore(index)
    qtbot.waitUntil(lambda: not model.node(index).loading, timeout=15000)


def test_lists_containers_with_the_active_accounts_token(
    pane_window, seeded, qtmodeltester, storage
):
    window, _ = pane_window
    assert window.data.recent_urls[window.profile.name][0] == storage.account_url
    assert window.blobs.url.itemText(0) == storage.account_url  # remembered per profile
    credential = window.blobs.credential
    assert claims(credential.last_result.access_token)["aud"] == "https://storage.azure.com"
    assert credential.last_result.account.username == "megan@contoso.example"
    qtmodeltester.check(window.blobs.model)


def test_folders_and_lazy_paging(pane_window, seeded, qtbot):
    window, _ = pane_window
    model = window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    names = {model.node(model.index(r, 0, box)).name for r in range(model.rowCount(box))}
    assert {"many/", "top.txt", "big.bin"} <= names
    many = child(model, box, "many/")
    expand(qtbot, window, many)
    first_page = model.rowCount(many)
    assert 0 < first_page < BIG  # one page, not the whole folder
    assert model.canFetchMore(many)
    while model.canFetchMore(many):
        expand(qtbot, window, many)
    assert model.rowCount(many) == BIG
    assert len({model.node(model.index(r, 0, many)).name for r in range(BIG)}) == BIG


def test_properties_dialog_shows_and_copies_every_property(pane_window, seeded, qtbot, storage):
    window, answers = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    pane.tree.setCurrentIndex(child(model, box, "top.txt"))
    pane.properties()
    qtbot.waitUntil(lambda: answers.shown is not None, timeout=15000)
    dialog = PropertiesDialog(answers.shown)
    qtbot.addWidget(dialog)
    rows = {item.text(0): item.text(1) for item in dialog.all_items()}
    assert rows["URL"] == f"{storage.account_url}/{seeded}/top.txt"
    assert rows["Size"] == "15 bytes" and rows["Content type"] == "text/plain; charset=utf-8"
    for name in ("Content-MD5", "ETag", "Last modified", "Access tier", "Lease state"):
        assert rows[name], name
    assert rows["owner"] == "adele"  # metadata
    # megan is a Storage Blob Data Contributor: Azure lets only Data Owners read index tags
    assert rows["Index tags"] == (
        "1 tag(s), not readable with this account's role (AuthorizationPermissionMismatch)"
    )
    dialog.copy_all()
    copied = QGuiApplication.clipboard().text()
    assert f"URL\t{storage.account_url}/{seeded}/top.txt" in copied
    assert "Metadata: owner\tadele" in copied and "Index tags\t1 tag(s), not readable" in copied
    url = dialog.tree.topLevelItem(0)
    dialog.tree.setCurrentItem(url)
    dialog.show()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == f"URL\t{storage.account_url}/{seeded}/top.txt"
    dialog.tree.editItem(url, 1)  # a value opens read-only: part of it can be selected
    editor = dialog.tree.itemWidget(url, 1) or dialog.tree.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.isReadOnly()
    assert editor.text() == rows["URL"]


def test_actions_need_a_selection_that_they_apply_to(pane_window, seeded, qtbot):
    window, _ = pane_window
    pane, model = window.blobs, window.blobs.model
    only(pane.tree, QModelIndex())
    enabled = {key: action.isEnabled() for key, action in pane.buttons.items()}
    assert enabled == {
        "reload": True, "properties": False, "download": False, "upload": False,
        "new": True, "delete": False, "copy_url": False, "upload_folder": False,
        "preview": False,
    }  # fmt: skip
    box = container_row(window, seeded)
    only(pane.tree, box)
    assert pane.buttons["delete"].isEnabled() and pane.buttons["upload"].isEnabled()
    assert pane.buttons["download"].isEnabled() and not pane.buttons["properties"].isEnabled()
    assert not pane.buttons["preview"].isEnabled()  # a container is not a blob
    expand(qtbot, window, box)
    only(pane.tree, child(model, box, "many/"))
    assert not pane.buttons["delete"].isEnabled()  # a folder is not a blob
    only(pane.tree, child(model, box, "top.txt"))
    assert all(action.isEnabled() for action in pane.buttons.values())


def test_content_type_column_fits_its_longest_type(pane_window, seeded, qtbot):
    window, _ = pane_window
    pane = window.blobs
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    width = pane.tree.header().sectionSize(3)
    needed = pane.tree.fontMetrics().horizontalAdvance("text/plain; charset=utf-8")
    assert width >= needed  # it was a fixed 150 px: "application/octet-stre…"


def test_the_filter_hides_the_loaded_rows_of_the_folder_that_do_not_match(
    pane_window, seeded, qtbot
):
    window, _ = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    many = child(model, box, "many/")
    expand(qtbot, window, many)
    pane.tree.setCurrentIndex(model.index(0, 0, many))  # a file: its folder is filtered
    assert pane.tree.rootIndex() == many  # the table shows the file's folder
    qtbot.waitUntil(lambda: not model.node(many).loading, timeout=15000)
    while model.canFetchMore(many):  # as the user scrolls the table to its end
        expand(qtbot, window, many)
    box_rows = model.rowCount(box)

    def shown() -> list[str]:
        return [model.index(r, 0, many).data() for r in range(model.rowCount(many))]

    pane.filter.setText("0001")
    qtbot.waitUntil(lambda: "match" in pane.status.text(), timeout=5000)
    assert sorted(shown()) == ["00001.txt", *(f"{i:05d}.txt" for i in range(10, 20))]
    assert pane.status.text() == f"11 of {BIG:,} loaded rows of many/ match “0001”."
    assert model.rowCount(box) == box_rows  # the folder above is not filtered

    pane.filter.setText("00015")  # the current row was filtered out: still the same folder
    qtbot.waitUntil(lambda: "00015" in pane.status.text() and "match" in pane.status.text())
    assert shown() == ["00015.txt"]

    pane.filter.setText("0001")
    qtbot.waitUntil(lambda: pane.status.text().startswith("11 of"), timeout=5000)
    model.refetch(many)  # pages that arrive later are filtered as they come
    qtbot.waitUntil(lambda: not model.node(many).loading)
    while model.canFetchMore(many):  # as the user scrolls on
        expand(qtbot, window, many)
    assert model.counts(many) == (11, BIG)
    assert pane.status.text() == f"11 of {BIG:,} loaded rows of many/ match “0001”."
    pane.filter.clear()
    qtbot.waitUntil(lambda: pane.status.isHidden(), timeout=5000)
    assert len(shown()) == BIG


def test_the_filter_says_it_is_matching_while_the_worker_matches(pane_window, seeded, qtbot):
    """The match runs off the GUI thread: the line says so until the rows are shown."""
    window, _ = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    pane.tree.setCurrentIndex(child(model, box, "top.txt"))
    pane.filter.setText("top")
    pane.folder_filter.apply()  # now, not once typing pauses
    assert pane.status.text().startswith("Filtering ") and "for “top”…" in pane.status.text()
    assert pane.folder_filter.task is not None
    qtbot.waitUntil(lambda: pane.folder_filter.task is None, timeout=5000)
    assert [model.index(r, 0, box).data() for r in range(model.rowCount(box))] == ["top.txt"]
    assert (
        pane.status.text() == f"1 of {model.counts(box)[1]:,} loaded rows of {seeded} match “top”."
    )


def test_switching_the_active_account_reloads_with_its_credential(pane_window, seeded, qtbot):
    window, _ = pane_window
    select(window, "lee@fabrikam.example")
    window.act_active.trigger()
    qtbot.waitUntil(lambda: container_row(window, seeded) is not None, timeout=15000)
    assert window.blobs.credential.last_result.account.username == "lee@fabrikam.example"
    assert "lee@fabrikam.example" in window.blobs.who.text()


def test_the_pane_reloads_with_the_new_credential_after_a_configuration_change(
    pane_window, seeded, qtbot
):
    """README: switching the profile's settings reloads the pane. It went blank with every
    button disabled until Connect was pressed again."""
    window, _ = pane_window
    pane = window.blobs
    window.profile_bar.passthrough.setChecked(True)
    qtbot.waitUntil(lambda: container_row(window, seeded) is not None, timeout=15000)
    assert pane.credential.profile.msa_passthrough and pane.buttons["new"].isEnabled()
    assert "megan@contoso.example" in pane.who.text()
    window.profile_bar.tenant_edit.setText(CONTOSO)
    window.profile_bar.tenant_edit.editingFinished.emit()
    qtbot.waitUntil(
        lambda: pane.credential is not None and pane.credential.profile.tenant == CONTOSO,
        timeout=15000,
    )
    qtbot.waitUntil(lambda: container_row(window, seeded) is not None, timeout=15000)
    assert pane.browser is not None and pane.status.isHidden()


def test_without_an_active_account_the_pane_says_why_it_is_not_connected(pane_window, qtbot):
    window, _ = pane_window
    pane = window.blobs
    window.session.set_active(None)
    assert pane.browser is None and not pane.buttons["reload"].isEnabled()
    assert pane.status.isVisible() and "no account is active" in pane.status.text()
    select(window, "lee@fabrikam.example")
    window.act_active.trigger()  # it connects again, with lee's credential
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0, timeout=15000)
    assert pane.credential.account.username == "lee@fabrikam.example"


def test_http_url_is_refused_before_any_request(pane_window):
    window, _ = pane_window
    pane = window.blobs
    before = pane.browser
    pane.url.setCurrentText("http://127.0.0.1:10000/devstoreaccount1")
    pane.connect_storage()
    assert pane.url_error.isVisible() and "https" in pane.url_error.text()
    assert pane.browser is before


def test_gui_keeps_breathing_while_listing_and_transferring(pane_window, seeded, qtbot, tmp_path):
    window, answers = pane_window
    pane, model = window.blobs, window.blobs.model
    with EventLoopProbe() as probe:
        box = container_row(window, seeded)
        expand(qtbot, window, box)
        many = child(model, box, "many/")
        while model.canFetchMore(many):
            expand(qtbot, window, many)
        pane.tree.setCurrentIndex(child(model, box, "big.bin"))
        answers.save_to = tmp_path / "probe.bin"
        pane.download()
        qtbot.waitUntil(lambda: pane.task is None, timeout=30000)
    assert answers.save_to.stat().st_size == 3 * 256 * 4096
    assert probe.largest < 1000, f"event loop blocked for {probe.largest} ms"
    assert model.rowCount(QModelIndex()) > 0


def test_files_dropped_during_a_download_are_uploaded_and_cancel_stops_only_the_download(
    pane_window, seeded, qtbot, tmp_path, storage
):  # type: ignore[no-untyped-def]
    window, answers = pane_window
    pane = window.blobs
    container = container_row(window, seeded)
    expand(qtbot, window, container)
    pane.tree.setCurrentIndex(child(pane.model, container, "big.bin"))
    answers.save_to = tmp_path / "big.bin"
    dropped = tmp_path / "dropped.txt"
    dropped.write_text("dropped while downloading")
    pane.download()
    download = pane.transfer
    assert download is not None and download.label.startswith("Downloading")
    pane.tree.on_drop([dropped], container)  # the drop arrives before the download's answer
    assert pane.transfer is download
    pane.cancel_button.click()
    assert download.cancel_event.is_set()  # Cancel stops the transfer the user sees
    entries = pane.queue.queue.entries
    box = storage.shared_key_client().get_container_client(seeded)
    states = lambda: [e.state.value for e in entries]  # noqa: E731
    qtbot.waitUntil(lambda: states() == ["Cancelled", "Done"], timeout=15000)
    assert entries[1].label == f"Uploading dropped.txt to {seeded}/"  # not refused: listed
    assert box.get_blob_client("dropped.txt").exists()
    assert not answers.save_to.exists()  # the cancelled download wrote nothing
    box.delete_blob("dropped.txt")


def test_a_filter_keeps_the_current_row_when_it_matches(pane_window, seeded, qtbot):
    window, _ = pane_window
    pane, model = window.blobs, window.blobs.model
    box = container_row(window, seeded)
    expand(qtbot, window, box)
    pane.tree.setCurrentIndex(child(model, box, "top.txt"))
    pane.filter.setText("top")
    qtbot.waitUntil(lambda: pane.status.text().startswith("1 of"), timeout=5000)
    assert model.node(pane.tree.currentIndex()).name == "top.txt"  # its row moved to 0
    assert pane.tree.currentIndex().row() == 0


def test_names_storage_would_refuse_are_refused_before_sending_with_the_rule(
    pane_window, seeded, qtbot, tmp_path, storage
):  # type: ignore[no-untyped-def]
    window, answers = pane_window
    pane = window.blobs
    answers.name = "Bad_Name!"
    pane.new_container()
    assert pane.task is None  # nothing was sent
    assert pane.banner.isVisible()
    assert pane.banner.title.text() == "Not a name storage accepts"
    assert "lowercase letters, digits and single hyphens" in pane.banner.body.text()
    assert "nothing was sent" in pane.banner.body.text()
    dotted = tmp_path / "report."
    dotted.write_text("a name ending with a dot")
    pane.tree.on_drop([dotted], container_row(window, seeded))
    assert pane.task is None
    assert "cannot end with a dot" in pane.banner.body.text()
    names = [c.name for c in storage.shared_key_client().list_containers()]
    assert "Bad_Name!" not in names and "bad_name!" not in names
