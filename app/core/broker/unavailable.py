"""Why the broker runtime cannot load on this machine, and what to do: one reason per way
`import pymsalruntime` fails (app/core/broker/runtime.py decides which)."""

from __future__ import annotations

import sys

from app.core.broker import platform
from app.core.broker.errors import BrokerUnavailable


def wheel_missing(exc: BaseException) -> BrokerUnavailable:
    return BrokerUnavailable(
        "wheel-missing",
        f"The broker runtime (pymsalruntime) is not installed: {exc}",
        "Install it with: pip install pymsalruntime==0.20.7 (there is no wheel for "
        "Linux on ARM). On Windows, reinstall the app.",
    )


def missing_libraries(
    exc: BaseException, here: platform.Platform | None = None
) -> BrokerUnavailable:
    remedy = (here or platform.current()).missing_libraries_remedy
    if getattr(sys, "frozen", False):
        remedy += " This build may not have collected the msalruntime library."
    return BrokerUnavailable(
        "system-libraries", f"The broker runtime library could not be loaded: {exc}", remedy
    )


def no_broker(exc: BaseException, here: platform.Platform | None = None) -> BrokerUnavailable:
    remedy = (here or platform.current()).no_broker_remedy
    return BrokerUnavailable("no-broker", f"No broker answered: {exc}", remedy)
