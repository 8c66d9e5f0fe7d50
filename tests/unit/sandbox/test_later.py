"""The sandbox the window starts later (app/sandbox/later.py): nothing started or imported
until `make()`."""

from __future__ import annotations

import subprocess
import sys

from app.sandbox.entra.directory import tenant_names
from app.sandbox.later import LaterSandbox
from tests.helpers import ROOT


def test_its_tenant_names_are_the_directorys():
    assert LaterSandbox().tenant_names() == tenant_names()


def test_nothing_is_started_and_stop_before_make_does_nothing():
    later = LaterSandbox("2.0.1")
    assert later.sandbox is None and later.control is None and later.storage is None
    later.stop()
    assert later.make().broker_version == "2.0.1" and later.make() is later.make()
    assert later.make().want_storage and later.make().control is None
    folder = later.make().workdir  # made with the Sandbox, gone with it
    later.stop()
    assert not folder.exists()


CODE = """
import sys
from app.sandbox.later import LaterSandbox
LaterSandbox().tenant_names()
print(sorted(m for m in sys.modules if m.startswith(("cryptography", "app.sandbox.l"))))
"""


def test_before_make_neither_the_launcher_nor_cryptography_is_imported():
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['app.sandbox.later']"
