"""Entry point of the frozen app (PyInstaller runs this file as __main__).

An exception nobody catches makes PyInstaller's windowed bootloader show a dialog on Windows
(its disable_windowed_traceback option only hides the traceback inside that dialog), and CI
never clicks it. With --self-test the app must not get there: whatever escapes, even the
imports, is written to the report (or stderr) and the exit status is 3. A user's own run keeps
the dialog: it is all a windowed app can show when it cannot start.
"""

import os
import sys

SELF_TEST_BROKE = 3


def _report_path(argv: list[str]) -> str:
    """The REPORT of `--self-test [REPORT]`, or "" when printing only."""
    at = argv.index("--self-test")
    following = argv[at + 1] if at + 1 < len(argv) else ""
    return "" if following.startswith("-") else following


def _report_crash(path: str) -> None:
    import traceback

    text = "FAIL the self-test broke before it could report:\n" + traceback.format_exc()
    try:
        if path:
            # Private to the user, as every file the app writes (app.core.files.private,
            # which may be what failed to import): 0600 when new.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as report:
                report.write(text)
            return
    except OSError:
        pass
    if sys.stderr is not None:  # None in a windowed exe: nothing more can be said
        print(text, file=sys.stderr)


def launch() -> int:
    try:
        from app.__main__ import main

        return main()
    except Exception:
        if "--self-test" not in sys.argv:
            raise
        _report_crash(_report_path(sys.argv))
        return SELF_TEST_BROKE


if __name__ == "__main__":
    sys.exit(launch())
