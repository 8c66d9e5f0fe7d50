"""Where the OS broker cannot work in this session, found before any call is made.

Users of WAM-based tools (Azure CLI, Azure PowerShell, MSAL.NET apps) keep meeting the same
failures, which WAM reports as if the user had cancelled. Each condition here names where
that is documented:

- an elevated process (Run as administrator): the account picker closes at once and the call
  ends as UserCanceled; silent calls still work (MSAL.NET issues 2560 and 4894);
- a process running as another user than the desktop's (Run as a different user): WAM does
  not support it (MSAL.NET issue 5290);
- Windows before 10, or Windows Server before 2019: WAM is available on Windows 10 and later
  and on Windows Server 2019 and later (MSAL Python's WAM documentation); on Server 2016 a
  local administrator's account picker crashes and reports user_cancelled (MSAL.NET 2951);
- the Web Account Manager service (TokenBroker) disabled or missing;
- no interactive desktop (a service, session 0, an invisible window station): the broker's
  window has nowhere to appear.

The decision is plain logic over what a `Probes` answers, so tests inject each condition on
any OS; the real probes are per platform (platform.py: Windows has them, in winprobes.py).
A probe that cannot answer is "not checked", never a condition.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

SERVER_2019_BUILD = 17763  # Windows Server 2019 / Windows 10 1809
WAM_SERVICE = "TokenBroker"  # the Web Account Manager service


class Probes(Protocol):
    """What the session is like. Each method may raise OSError when it cannot tell."""

    def elevated(self) -> bool:
        """The process runs with an elevated (administrator) token."""
        ...

    def process_user(self) -> str:
        """Who the process runs as ("DOMAIN\\name")."""
        ...

    def desktop_user(self) -> str | None:
        """Who is signed in to the desktop this process runs on; None: nobody."""
        ...

    def windows_version(self) -> tuple[int, int, int, bool]:
        """(major, minor, build, is a server edition)."""
        ...

    def wam_service(self) -> str:
        """The Web Account Manager service's start mode: "enabled", "disabled", "missing"."""
        ...

    def interactive_desktop(self) -> bool:
        """A window this process shows can appear on a desktop someone sees."""
        ...


@dataclass(frozen=True)
class Condition:
    """One reason the broker cannot work here: what was found, what to do, what it stops."""

    code: str  # "elevated", "run-as", "old-windows", "wam-disabled", "wam-missing", "no-desktop"
    title: str
    reason: str
    remedy: str
    silent_too: bool  # False: only the broker's window (sign-in, picker) cannot work


@dataclass(frozen=True)
class Limits:
    """What the probes found. `checked` is False where this platform has no probes."""

    conditions: tuple[Condition, ...] = ()
    unchecked: tuple[str, ...] = ()  # probes that could not answer
    checked: bool = False

    def blocking(self, interactive: bool) -> tuple[Condition, ...]:
        """The conditions that stop a call of this kind (interactive: it shows a window)."""
        return tuple(c for c in self.conditions if interactive or c.silent_too)

    @property
    def interactive(self) -> bool:
        """Whether the broker's window (sign-in, account picker) can work here."""
        return not self.blocking(interactive=True)

    @property
    def silent(self) -> bool:
        """Whether calls without a window (silent tokens, sign-out) can work here."""
        return not self.blocking(interactive=False)

    def summary(self, interactive: bool = True) -> tuple[str, str]:
        """(why, what to do) for the conditions that stop a call of this kind."""
        found = self.blocking(interactive)
        return " ".join(c.reason for c in found), " ".join(c.remedy for c in found)


NO_LIMITS = Limits()

ELEVATED = Condition(
    "elevated",
    "Running as administrator",
    "This app runs elevated (Run as administrator): Web Account Manager closes its sign-in "
    "window at once and reports it as cancelled. Silent tokens still work.",
    "Close the app and start it again normally, without Run as administrator.",
    silent_too=False,
)
RUN_AS = Condition(
    "run-as",
    "Running as another user",
    "This app runs as a different user than the one signed in to this desktop (Run as a "
    "different user): Web Account Manager serves only the desktop's own user.",
    "Start the app as the user signed in to Windows, or sign in to Windows as the user the "
    "app should run as.",
    silent_too=True,
)
WAM_DISABLED = Condition(
    "wam-disabled",
    "Web Account Manager service disabled",
    f"The Web Account Manager service ({WAM_SERVICE}) is disabled on this computer, so no "
    "broker call can work.",
    "Ask your administrator to set the service “Web Account Manager” back to Manual start "
    "(services.msc), then restart the app.",
    silent_too=True,
)
WAM_MISSING = Condition(
    "wam-missing",
    "Web Account Manager service missing",
    f"This Windows has no Web Account Manager service ({WAM_SERVICE}), so no broker call can work.",
    "Use Windows 10 or 11, or Windows Server 2019 or later, with the Web Account Manager "
    "service installed.",
    silent_too=True,
)
NO_DESKTOP = Condition(
    "no-desktop",
    "No interactive desktop",
    "This app runs without an interactive desktop (as a service, in session 0 or a window "
    "station nobody sees): the broker's sign-in window has nowhere to appear.",
    "Run the app from a signed-in Windows desktop session.",
    silent_too=False,
)


def old_windows(major: int, build: int, server: bool) -> Condition:
    edition = "Windows Server" if server else "Windows"
    return Condition(
        "old-windows",
        f"{edition} too old for Web Account Manager",
        f"Web Account Manager is available on Windows 10 and later and on Windows Server "
        f"2019 and later; this is {edition} {major} (build {build}).",
        "Use Windows 10 or 11, or Windows Server 2019 or later.",
        silent_too=True,
    )


def find(probes: Probes) -> Limits:
    """Ask every probe; each answer it cannot give is listed as not checked."""
    unchecked: list[str] = []

    def ask(name: str, probe: Callable[[], T]) -> T | None:
        try:
            return probe()
        except (OSError, AttributeError, ValueError) as exc:  # AttributeError: not this OS
            logger.info("could not check %s: %s", name, type(exc).__name__)
            unchecked.append(name)
            return None

    found: list[Condition] = []
    version = ask("Windows version", probes.windows_version)
    if version is not None:
        major, _, build, server = version
        if major < 10 or (server and build < SERVER_2019_BUILD):
            found.append(old_windows(major, build, server))
    service = ask("Web Account Manager service", probes.wam_service)
    if service == "disabled":
        found.append(WAM_DISABLED)
    elif service == "missing":
        found.append(WAM_MISSING)
    process, desktop = ask("process user", probes.process_user), None
    if process is not None:
        desktop = ask("desktop user", probes.desktop_user)
    if process and desktop and process.casefold() != desktop.casefold():
        found.append(RUN_AS)
    if ask("elevation", probes.elevated):
        found.append(ELEVATED)
    if ask("interactive desktop", probes.interactive_desktop) is False:
        found.append(NO_DESKTOP)
    if found:
        logger.info("the broker cannot work fully here: %s", ", ".join(c.code for c in found))
    return Limits(tuple(found), tuple(unchecked), checked=True)


class Probed:
    """One Broker's limits, probed once, by the first call that needs them (calls run off the
    GUI thread); `known` never probes (the GUI thread asks it)."""

    def __init__(self, probes: Probes | None) -> None:
        self.probes = probes
        self._found: Limits | None = None if probes is not None else NO_LIMITS
        self._lock = threading.Lock()

    def get(self) -> Limits:
        with self._lock:
            if self._found is None:
                assert self.probes is not None
                self._found = find(self.probes)
            return self._found

    @property
    def known(self) -> Limits | None:
        return self._found
