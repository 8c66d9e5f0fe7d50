"""Why the broker runtime cannot load on this machine, and what to do: one reason per way
`import pymsalruntime` fails (app/core/broker/runtime.py decides which)."""

from __future__ import annotations

import sys

from app.core.broker.errors import BrokerUnavailable

LINUX_LIBRARIES = (
    "libwebkit2gtk-4.1-0 libjavascriptcoregtk-4.1-0 libgtk-3-0 libsoup-3.0-0 libsecret-1-0 "
    "libcurl4 libfido2-1 libdbus-1-3 libuuid1 libx11-6 libubsan1"
)


def wheel_missing(exc: BaseException) -> BrokerUnavailable:
    return BrokerUnavailable(
        "wheel-missing",
        f"The broker runtime (pymsalruntime) is not installed: {exc}",
        "Install it with: pip install pymsalruntime==0.20.7 (there is no wheel for "
        "Linux on ARM). On Windows, reinstall the app.",
    )


def missing_libraries(exc: BaseException) -> BrokerUnavailable:
    if sys.platform.startswith("linux"):
        remedy = f"Install the system libraries it needs: sudo apt-get install {LINUX_LIBRARIES}"
    else:
        remedy = "Reinstall the app: its broker runtime library (msalruntime) is missing."
    if getattr(sys, "frozen", False):
        remedy += " This build may not have collected the msalruntime library."
    return BrokerUnavailable(
        "system-libraries", f"The broker runtime library could not be loaded: {exc}", remedy
    )


def no_broker(exc: BaseException) -> BrokerUnavailable:
    if sys.platform.startswith("linux"):
        remedy = (
            "Install and sign in to the Microsoft Identity Broker (package "
            "microsoft-identity-broker, with Intune Company Portal), make sure a D-Bus session "
            "bus and a Secret Service (gnome-keyring) are running, then restart the app. Or "
            "start the app with --sandbox to try it with simulated accounts."
        )
    elif sys.platform == "darwin":
        remedy = "Install Company Portal (version 5.2404.0 or later) and restart the app."
    else:
        remedy = "Web Account Manager needs Windows 10 or later; restart the app or Windows."
    return BrokerUnavailable("no-broker", f"No broker answered: {exc}", remedy)
