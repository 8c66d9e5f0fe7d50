"""The app's version as About and the exports give it."""

from __future__ import annotations

from importlib import metadata

from app.version import DISTRIBUTION, app_version


def test_the_version_is_the_installed_distributions_or_development() -> None:
    try:
        expected = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        expected = "development"
    assert app_version() == expected and app_version()
