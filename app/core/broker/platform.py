"""What the native broker runtime does on each platform, in one place per platform.

Each rule here was measured with pymsalruntime 0.20.7 (Linux, against the sandbox broker over
its real D-Bus protocol) or is what msal itself does per platform (msal 1.39, `broker.py` and
`application.py`). Code elsewhere asks `current()` (or is handed a Platform, which is how the
unit tests try each platform's rules on any machine) instead of testing `sys.platform`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from app.core.broker.limits import Probes

_LINUX_LIBRARIES = (
    "libwebkit2gtk-4.1-0 libjavascriptcoregtk-4.1-0 libgtk-3-0 libsoup-3.0-0 libsecret-1-0 "
    "libcurl4 libfido2-1 libdbus-1-3 libuuid1 libx11-6 libubsan1"
)


@dataclass(frozen=True)
class Platform:
    name: str
    broker: str  # the broker's own name, for people
    # The redirect URI msal gives the broker (msal's broker.py): WAM ignores it, MSALRuntime
    # needs one, the Linux broker requires a valid one; macOS Company Portal expects this one.
    redirect_uri: str
    # Linux: the runtime never hands a personal account's silent request, or an interactive
    # one for that account (or with its username as a hint), to the broker; it fails silently
    # with "No valid refresh tokens" or blocks in a web flow of its own. The account picker
    # does reach the broker.
    brokers_personal_accounts: bool
    # Linux: an interactive call under the consumers tenant never reaches the broker, for any
    # account, hint or not: it blocks in the runtime's own web flow until our deadline.
    brokers_consumers_sign_in: bool
    missing_libraries_remedy: str
    no_broker_remedy: str
    # Where the user removes an account from the device for real: apps cannot (MSAL.NET:
    # an OS account cannot be removed by an app; signing out only drops its tokens).
    remove_account: str = ""
    # What tells, before any call, where the broker cannot work in this session (limits.py);
    # None: nothing known to check on this platform.
    probes: Callable[[], Probes] | None = None


def _windows_probes() -> Probes:
    from app.core.broker.winprobes import WindowsProbes  # ctypes: only where it is used

    return WindowsProbes()


LINUX = Platform(
    name="Linux",
    broker="the Microsoft Identity Broker",
    redirect_uri="https://login.microsoftonline.com/common/oauth2/nativeclient",
    brokers_personal_accounts=False,
    brokers_consumers_sign_in=False,
    missing_libraries_remedy=(
        f"Install the system libraries it needs: sudo apt-get install {_LINUX_LIBRARIES}"
    ),
    no_broker_remedy=(
        "Install and sign in to the Microsoft Identity Broker (package "
        "microsoft-identity-broker, with Intune Company Portal), make sure a D-Bus session "
        "bus and a Secret Service (gnome-keyring) are running, then restart the app. Or "
        "start the app with --sandbox to try it with simulated accounts."
    ),
    remove_account="in the Intune app (intune-portal) that registered this device with the "
    "Microsoft Identity Broker",
)
# Windows and macOS: no such limits are known (not measured here: these machines run Linux).
# Where WAM cannot work in a session (elevated, run-as, ...) is probed instead (limits.py).
WINDOWS = Platform(
    name="Windows",
    broker="Web Account Manager (WAM)",
    redirect_uri="https://login.microsoftonline.com/common/oauth2/nativeclient",
    brokers_personal_accounts=True,
    brokers_consumers_sign_in=True,
    missing_libraries_remedy="Reinstall the app: its broker runtime library (msalruntime) is "
    "missing.",
    no_broker_remedy="Web Account Manager needs Windows 10 or later; restart the app or Windows.",
    remove_account="in Windows Settings ▸ Accounts ▸ Access work or school (a work or school "
    "account) or ▸ Email & accounts (a personal Microsoft account)",
    probes=_windows_probes,
)
MACOS = Platform(
    name="macOS",
    broker="Company Portal",
    redirect_uri="msauth.com.msauth.unsignedapp://auth",
    brokers_personal_accounts=True,
    brokers_consumers_sign_in=True,
    missing_libraries_remedy=WINDOWS.missing_libraries_remedy,
    # msal (application.py) uses the macOS broker on Apple Silicon (arm64) only.
    no_broker_remedy="Install Company Portal (version 5.2404.0 or later) and restart the app; "
    "the broker works on Apple Silicon Macs only.",
    remove_account="in Company Portal (its account menu: Sign Out)",
)


def current() -> Platform:
    if sys.platform == "darwin":
        return MACOS
    if sys.platform == "win32":
        return WINDOWS
    return LINUX
