"""The command line against the session sandbox, in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.configurations.profile import Profile
from app.core.tokens.redact import looks_like_jwt
from app.ui.shell.main_window import OPENING
from tests.helpers import ROOT

CONTOSO = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS`, or with "-c", CODE: that code, in a fresh interpreter."""
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "app", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ, **env}
    )


def test_list_accounts_prints_what_the_broker_knows(control):
    result = run("--list-accounts")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    adele = next(line for line in lines if line.startswith("adele@contoso.example"))
    assert "Work or school" in adele and "Adele Vance" in adele and "usable" in adele
    assert any(line.startswith("alex@outlook.example") and "Personal" in line for line in lines)
    assert "[MSAL" not in result.stderr  # the runtime's own log lines only with --verbose


def accounts_and_usability(stdout: str) -> dict[str, str]:
    rows = [line.split() for line in stdout.splitlines() if "@" in line.split(" ")[0]]
    return {r[0]: " ".join(r[r.index("school") + 1 if "school" in r else 2 :][:3]) for r in rows}


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_list_accounts_under_a_tenant_says_who_can_use_it_and_why(control):
    consumers = run("--list-accounts", "--tenant", "consumers")
    assert consumers.returncode == 0, consumers.stderr
    usable = accounts_and_usability(consumers.stdout)
    work = ["adele", "carl", "diego", "lee", "megan"]
    assert all(usable[f"{w}@{'fabrikam' if w in ('diego', 'lee') else 'contoso'}.example"]
               .startswith("not usable here") for w in work)  # fmt: skip
    assert "consumers tenant admits personal Microsoft accounts only" in consumers.stdout

    contoso = run("--list-accounts", "--tenant", CONTOSO)
    usable = accounts_and_usability(contoso.stdout)
    assert usable["lee@fabrikam.example"].startswith("usable")  # a guest there
    assert usable["diego@fabrikam.example"].startswith("not usable here")
    assert "not a member of" in contoso.stdout
    assert run("--list-accounts", "--tenant", CONTOSO).stdout == contoso.stdout  # stable order
    names = [line.split()[0] for line in contoso.stdout.splitlines() if "@" in line.split(" ")[0]]
    assert names == sorted(names)

    unknown = run("--list-accounts", "--tenant", "11111111-2222-3333-4444-555555555555")
    assert unknown.stdout.startswith("warning: tenant '11111111-2222-3333-4444-555555555555' "
                                     "was not found")  # fmt: skip


def test_list_accounts_rejects_a_bad_or_empty_tenant_with_a_field_message():
    result = run("--list-accounts", "--tenant", "contoso/B2C_1_signin")
    assert result.returncode == 2
    assert "tenant" in result.stderr and "B2C" in result.stderr
    empty = run("--list-accounts", "--tenant", "")
    assert empty.returncode == 2 and "--tenant: Tenant must be" in empty.stderr


def sample_matrix(tmp_path: Path, client_id: str, extra: str = "") -> Path:
    """The repository's sample matrix, for a client id of the test's own."""
    text = (ROOT / "examples" / "sandbox-matrix.toml").read_text()
    path = tmp_path / "matrix.toml"
    path.write_text(text.replace(Profile().client_id, client_id) + extra)
    return path


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_the_sample_matrix_meets_its_expectations(control, fresh_profile, tmp_path):
    report = tmp_path / "report.json"
    result = run("--matrix", str(sample_matrix(tmp_path, fresh_profile.client_id)),
                 "--out", str(report))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration matrix: 210 cells" in result.stdout
    assert "29 expected outcomes checked, 0 not met" in result.stdout
    cells = json.loads(report.read_text())["cells"]
    assert len(cells) == 210 and not looks_like_jwt(report.read_text())


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_a_matrix_expectation_not_met_fails_and_names_the_cell(control, fresh_profile, tmp_path):
    wrong = '\n[[expect]]\naccount = "diego@fabrikam.example"\noutcome = "token"\n'
    path = sample_matrix(tmp_path, fresh_profile.client_id, wrong)
    line = len(path.read_text().splitlines())
    result = run("--matrix", str(path))
    assert result.returncode == 1
    assert f"{path}:{line}: expected token for diego@fabrikam.example under " in result.stderr
    assert "got not-usable (AADSTS50020)" in result.stderr
    # Not under consumers or Contoso: 2 tenants × passthrough off/on × 3 scope sets.
    assert "59 expected outcomes checked, 12 not met" in result.stdout


def test_a_malformed_matrix_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "matrix.toml"
    path.write_text('tenants = ["organizations"]\n[scopes]\nmine = ["openid"]\n')
    result = run("--matrix", str(path))
    assert result.returncode == 2
    assert f"{path}:3: scopes.mine: Remove openid" in result.stderr


def test_the_window_is_shown_before_the_azure_sdk_and_its_own_parts_are_imported(control, tmp_path):
    """The frame first (saying it opens), built once it is on screen, then the listing: the
    same window, its accounts listed from the sandbox broker."""
    probe = tmp_path / "probe.json"
    settings = tmp_path / "config"
    result = run("--startup-probe", str(probe), XDG_CONFIG_HOME=str(settings))
    assert result.returncode == 0, result.stderr[-2000:]
    shown = json.loads(probe.read_text())
    assert shown["sdk_modules"] == [] and shown["parts"] == []
    assert shown["frame"] == OPENING
    assert 0 < shown["shown"] <= shown["built"] <= shown["listed"]
    assert shown["rows"] >= 5 and shown["banner"] == ""  # the built window lists them
    assert "Traceback" not in result.stderr


FRESH_WINDOW = """
import sys, tempfile, threading
from pathlib import Path

from app.core.configurations.profile import Profile
from app.core.tokens.redact import looks_like_jwt
from app.ui.shell.main_window import OPENING
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from app.core.broker.runtime import Broker
from app.core.settings.store import Store
from app.ui.shell.application import build_window
from app.ui.common.tasks import TaskRunner

loaded_on = []
sys.addaudithook(lambda event, args: event == "import" and args[0] == "pymsalruntime"
                 and loaded_on.append(threading.current_thread() is threading.main_thread()))
app = QApplication([])
tmp = Path(tempfile.mkdtemp())
window = build_window(Broker(), TaskRunner(), None, Store(tmp / "s.json"),
                      QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat))
window.show()
window.session.refresh()
def listed():
    if window.current is None and window.model.rowCount():
        print(window.model.rowCount(), loaded_on)
        app.quit()
timer = QTimer()
timer.timeout.connect(listed)
timer.start(20)
QTimer.singleShot(120000, app.quit)
app.exec()
"""


def test_a_fresh_window_loads_the_broker_runtime_off_the_gui_thread(control):
    result = run("-c", FRESH_WINDOW)
    assert result.returncode == 0, result.stderr[-2000:]
    rows, loaded_on_main_thread = result.stdout.split(maxsplit=1)
    assert int(rows) >= 5
    assert loaded_on_main_thread.strip() == "[False]"


PII_BEFORE_LOAD = """
import sys
from app.core.broker import runtime as broker
broker.set_pii_logging(True)  # as the diagnostics dock does, on the GUI thread
print("loaded" if "pymsalruntime" in sys.modules else "not loaded")
import pymsalruntime
told = []
# The native runtime cannot report its PII setting: record what it is told instead.
pymsalruntime.set_is_pii_enabled = told.append
broker.load_runtime()
broker.set_pii_logging(False)
print(told)
"""


def test_pii_logging_chosen_before_the_runtime_loads_is_applied_when_it_does(control):
    result = run("-c", PII_BEFORE_LOAD)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["not loaded", "[1, 0]"]


def test_self_test_reports_whether_the_users_settings_load_and_leaves_them(control, tmp_path):
    folder = tmp_path / "broker-account-manager"
    folder.mkdir()
    settings = folder / "settings.json"
    settings.write_text('{"version": 1, "profiles": [tru')
    result = run("--self-test", XDG_CONFIG_HOME=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    (line,) = [line for line in result.stdout.splitlines() if "settings:" in line]
    assert line.startswith(f"note settings: {settings} cannot be used: it is not valid JSON")
    assert "start from defaults" in line
    assert os.listdir(folder) == ["settings.json"]  # not moved aside: --self-test only reads
    settings.unlink()
    result = run("--self-test", XDG_CONFIG_HOME=str(tmp_path))
    assert f"ok   settings: none yet ({settings}); the app starts from defaults" in result.stdout


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_the_request_options_sample_gets_pop_tokens_from_the_broker(
    control, fresh_profile, tmp_path
):
    text = (ROOT / "examples" / "sandbox-request-options.toml").read_text()
    path = tmp_path / "options.toml"
    path.write_text(text.replace(Profile().client_id, fresh_profile.client_id))
    report = tmp_path / "report.json"
    for _ in range(2):  # the second run would be the runtime cache's, but for force refresh
        result = run("--matrix", str(path), "--out", str(report))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "5 expected outcomes checked, 0 not met" in result.stdout
        parsed = json.loads(report.read_text())
        tokens = [c["token"] for c in parsed["cells"] if c["outcome"] == "token"]
        assert len(tokens) == 3
        assert {(t["type"], t["source"]) for t in tokens} == {("pop", "broker")}
        assert all(t["claims"]["xms_cc"] == ["cp1"] and "cnf" in t["claims"] for t in tokens)
    assert parsed["matrix"]["options"] == (
        "PoP GET https://devstoreaccount1.blob.core.windows.net/reports/q3.csv, force refresh, "
        "capabilities cp1"
    )
    assert not looks_like_jwt(report.read_text())
