"""What the headless commands share: their exit statuses, the broker, the profile a command
runs under (a profile of the user's settings, read only, and what the command line changes of
it), and how a report is written (private to the user: it names accounts and ids)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from app.cli import BAD_INPUT as BAD_INPUT
from app.cli import BLOCKED as BLOCKED
from app.cli import EXIT_STATUSES as EXIT_STATUSES
from app.cli import FAILED as FAILED
from app.cli import NEEDS_INTERACTION as NEEDS_INTERACTION
from app.cli import NO_BROKER as NO_BROKER
from app.cli import NOT_USABLE as NOT_USABLE
from app.cli import NOT_WRITTEN as NOT_WRITTEN
from app.cli import OK as OK
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile, ProfileError, parse_profile
from app.core.files.private import write_private
from app.core.guidance.files import for_file_error, one_line
from app.core.guidance.statuses import for_unavailable
from app.core.settings.data import StoreData
from app.core.settings.store import Store


def add_profile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="a profile of your settings")
    parser.add_argument("--client-id", metavar="ID", help="the app's client id")
    parser.add_argument("--tenant", metavar="T", help="organizations, common, consumers, an id")


def profile_of(
    args: argparse.Namespace, overrides: Mapping[str, object] | None = None
) -> tuple[Profile, StoreData] | str:
    """The profile the command runs under, and the settings it came from; or what is wrong,
    in the user's words."""
    data, problem = Store().read()
    if problem and args.profile:
        return f"--profile: {problem}"
    base = Profile()
    if args.profile:
        names = [p.name for p in data.profiles]
        if args.profile not in names:
            return f"--profile: no profile named {args.profile!r}; there are: {', '.join(names)}"
        base = data.profile(args.profile)
    raw: dict[str, object] = dict(base.to_dict())
    for key, value in (("client_id", args.client_id), ("tenant", args.tenant)):
        if value is not None:
            raw[key] = value
    raw.update(overrides or {})
    try:
        return parse_profile(raw), data
    except ProfileError as exc:
        return "; ".join(f"--{k.replace('_', '-')}: {v}" for k, v in exc.errors.items())


def broker() -> Broker | None:
    """The broker, or None with why not said on stderr."""
    found = Broker()
    if found.unavailable:
        advice = for_unavailable(found.unavailable)
        print(f"{advice.title}: {advice.explanation}\n{advice.fix}", file=sys.stderr)
        return None
    return found


def active_of(data: StoreData, profile: Profile) -> str | None:
    return data.active.get(profile.name)


def write_report(path: Path, text: str) -> bool:
    """The report, whole and private to the user (0600: it names accounts, object ids and
    claims), or what kept it from being written, on stderr (a full disk as what it is, never
    a traceback). A pipe or device named on purpose (/dev/stdout) is written to as it is."""
    try:
        write_private(path, text.encode("utf-8"), streams=True)
    except OSError as exc:
        advice = for_file_error(exc)
        reason = one_line(advice) if advice else exc.strerror or "the disk refused"
        print(f"error: could not write {path}: {reason}", file=sys.stderr)
        return False
    print(f"wrote {path}")
    return True
