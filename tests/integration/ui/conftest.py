"""Fixtures the window tests share."""

from __future__ import annotations

import pytest

from tests.integration.ui.blob_steps import pane, small  # noqa: F401 - the blob tests' fixtures
from tests.integration.ui.helpers import open_window, use_profile


@pytest.fixture
def fresh_window(qtbot, sandbox, control, tmp_path, fresh_profile):  # type: ignore[no-untyped-def]
    """The window with a client id of its own in use: the runtime's cache has nothing for it."""
    window = open_window(qtbot, sandbox, tmp_path)
    use_profile(window, qtbot, fresh_profile)
    yield window
    window.sandbox_picker.stop()
    window.session.cancel()
