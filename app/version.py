"""The app's name and installed version (About, exports' metadata). Plain Python."""

from __future__ import annotations

APP_NAME = "Broker Account Manager"
DISTRIBUTION = "broker-account-manager"


def app_version() -> str:
    """The installed version of the app, or "development" when running from an uninstalled tree."""
    from importlib import metadata  # on first use: it costs ~13 ms of start-up

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "development"
