"""Writing the matrix's export: the grid's answers as JSON, CSV or Markdown, with the run's
metadata, to a private file; what happened, said in one line for the window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from app.core.broker.records import Account
from app.core.files.private import write_private
from app.core.guidance.files import for_file_error, one_line
from app.core.matrix.export import Answers, RunInfo, to_csv, to_json, to_markdown
from app.core.matrix.spec import MatrixSpec

EXPORTS = {"JSON": "json", "CSV": "csv", "Markdown": "md"}


def write_export(
    kind: str,
    path: Path,
    spec: MatrixSpec,
    answers: Answers,
    accounts: Sequence[Account],
    run: RunInfo,
    names: Mapping[str, str],
) -> str:
    """Written (or not, and why): the sentence the window shows. Never a token."""
    text = {
        "JSON": lambda: to_json(spec, answers, run=run),
        "CSV": lambda: to_csv(spec, answers, run),
        "Markdown": lambda: to_markdown(spec, answers, accounts, names, run),
    }[kind]()
    try:
        write_private(path, text.encode("utf-8"))
    except OSError as exc:
        advice = for_file_error(exc)
        reason = one_line(advice) if advice else f"{exc.strerror}. Nothing was changed."
        return f"Could not write {path}: {reason}"
    return f"Exported {len(answers)} cells to {path} (no tokens)."
