"""One Platform per OS (app.core.broker.platform), and what the runtime cannot be asked here."""

from __future__ import annotations

import pytest

from app.core.broker import platform, unavailable


@pytest.mark.parametrize(
    "name, expected",
    [("linux", platform.LINUX), ("win32", platform.WINDOWS), ("darwin", platform.MACOS)],
)
def test_the_platform_is_decided_once_from_sys_platform(monkeypatch, name, expected):
    monkeypatch.setattr(platform.sys, "platform", name)
    assert platform.current() is expected


def test_only_linux_keeps_personal_accounts_and_consumers_sign_ins_from_the_broker():
    limited = [p.name for p in (platform.LINUX, platform.WINDOWS, platform.MACOS)
               if not (p.brokers_personal_accounts and p.brokers_consumers_sign_in)]  # fmt: skip
    assert limited == ["Linux"]


def test_macos_gives_company_portal_its_own_redirect_uri():
    assert platform.MACOS.redirect_uri == "msauth.com.msauth.unsignedapp://auth"
    assert platform.WINDOWS.redirect_uri == platform.LINUX.redirect_uri


@pytest.mark.parametrize("here", [platform.LINUX, platform.WINDOWS, platform.MACOS])
def test_why_the_runtime_cannot_load_says_what_to_do_on_each_platform(here):
    missing = unavailable.missing_libraries(OSError("libx.so: cannot open"), here)
    none = unavailable.no_broker(RuntimeError("Broker cannot be initialized"), here)
    assert missing.kind == "system-libraries"
    assert missing.remedy.startswith(here.missing_libraries_remedy)
    assert none.kind == "no-broker" and none.remedy == here.no_broker_remedy
    assert "cannot open" in missing.reason and "Broker cannot be initialized" in none.reason
    if here is platform.LINUX:
        assert "apt-get install" in missing.remedy and "--sandbox" in none.remedy


def test_a_missing_wheel_names_the_pinned_version():
    assert "pymsalruntime==0.20.7" in unavailable.wheel_missing(ImportError("x")).remedy
