"""What the headless commands share: their exit statuses, the broker, and the profile a
command runs under (a profile of the user's settings, read only, and what the command line
changes of it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from app.cli import BAD_INPUT as BAD_INPUT
from app.cli import BLOCKED as BLOCKED
from app.cli import EXIT_STATUSES as EXIT_STATUSES
from app.cli import FAILED as FAILED
from app.cli import NEEDS_INTERACTION as NEEDS_INTERACTION
from app.cli import NO_BROKER as NO_BROKER
from app.cli import NOT_USABLE as NOT_USABLE
from app.cli import OK as OK
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile, ProfileError, parse_profile
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
