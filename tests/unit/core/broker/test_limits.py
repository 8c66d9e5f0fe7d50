"""Where the broker cannot work in this session (app.core.broker.limits): the decision over
what the probes answer, each condition injected (any OS), what the Broker then refuses before
it loads the runtime, and what this machine's own platform probes (Linux: nothing to probe;
Windows: the real probes, tests/unit/core/broker/test_winprobes.py)."""

from __future__ import annotations

import threading

import pytest

from app.core.broker import limits, platform, runtime
from app.core.broker.errors import BrokerUnavailable, BrokerUnavailableError, UnavailableHere
from app.core.broker.limits import Limits, Probed, find
from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from tests.stubs import SessionProbes as Session


def codes(found: Limits) -> list[str]:
    return [c.code for c in found.conditions]


def test_an_ordinary_desktop_session_has_no_limits() -> None:
    found = find(Session())
    assert found.checked and found.conditions == () and found.unchecked == ()
    assert found.interactive and found.silent


@pytest.mark.parametrize(
    "session, code, silent_works",
    [
        (Session(is_elevated=True), "elevated", True),
        (Session(desktop="CONTOSO\\megan"), "run-as", False),
        (Session(version=(10, 0, 14393, True)), "old-windows", False),  # Server 2016
        (Session(version=(6, 3, 9600, False)), "old-windows", False),  # Windows 8.1
        (Session(service="disabled"), "wam-disabled", False),
        (Session(service="missing"), "wam-missing", False),
        (Session(desktop_shown=False), "no-desktop", True),
    ],
)
def test_each_condition_is_found_and_stops_what_it_cannot_do(session, code, silent_works):
    found = find(session)
    assert codes(found) == [code]
    assert not found.interactive  # the broker's window never works under any of them
    assert found.silent is silent_works
    why, fix = found.summary()
    assert why and fix and why == found.conditions[0].reason


def test_windows_server_2019_and_windows_10_are_fine() -> None:
    assert codes(find(Session(version=(10, 0, 17763, True)))) == []
    assert codes(find(Session(version=(10, 0, 10240, False)))) == []  # Windows 10 1507


def test_conditions_add_up_and_silent_calls_stop_for_the_first_that_stops_them() -> None:
    found = find(Session(is_elevated=True, desktop="CONTOSO\\megan", desktop_shown=False))
    assert codes(found) == ["run-as", "elevated", "no-desktop"]
    assert [c.code for c in found.blocking(interactive=False)] == ["run-as"]
    assert len(found.blocking(interactive=True)) == 3


def test_a_probe_that_cannot_answer_is_listed_never_a_condition() -> None:
    session = Session(is_elevated=OSError(5, "Access is denied"), service=OSError("no registry"))
    found = find(session)
    assert found.conditions == ()
    assert found.unchecked == ("Web Account Manager service", "elevation")
    assert found.interactive and found.silent


def test_without_a_process_user_the_desktop_user_is_not_asked() -> None:
    session = Session(user=OSError("no token"))
    assert codes(find(session)) == [] and "desktop_user" not in session.asked
    assert codes(find(Session(desktop=None))) == []  # nobody on this desktop: not run-as


def test_probed_once_by_the_first_call_and_known_never_probes() -> None:
    session = Session(is_elevated=True)
    probed = Probed(session)
    assert probed.known is None and session.asked == []
    threads = [threading.Thread(target=probed.get) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert session.asked.count("elevated") == 1
    assert probed.known is probed.get() and codes(probed.get()) == ["elevated"]
    assert Probed(None).known is limits.NO_LIMITS  # nothing to probe: known at once


ALEX = Account("a", "a.t", "alex@contoso.example", "Alex", "t", "login.microsoftonline.com")


@pytest.mark.parametrize(
    "session, refused, allowed",
    [
        (Session(is_elevated=True), ["sign_in_interactively", "acquire_token_interactively"],
         ["acquire_token_silently"]),
        (Session(desktop="CONTOSO\\megan"),
         ["sign_in_interactively", "acquire_token_interactively", "acquire_token_silently",
          "sign_in_default_account", "sign_out"], []),
    ],
)  # fmt: skip
def test_the_broker_refuses_what_cannot_work_before_it_loads_the_runtime(
    session, refused, allowed, monkeypatch
):
    """The refusal comes first: the runtime (never loaded in unit tests) is not touched."""
    broker = Broker(probes=session)
    profile = Profile()
    calls = {
        "sign_in_interactively": lambda: broker.sign_in_interactively(7, profile),
        "acquire_token_interactively": lambda: broker.acquire_token_interactively(7, ALEX, profile),
        "acquire_token_silently": lambda: broker.acquire_token_silently(ALEX, profile),
        "sign_in_default_account": lambda: broker.sign_in_default_account(profile),
        "sign_out": lambda: broker.sign_out(ALEX, profile),
    }
    for name in refused:
        with pytest.raises(UnavailableHere) as caught:
            calls[name]()
        assert caught.value.limits is broker.limits.known
        assert caught.value.interactive is ("interactively" in name)
        assert caught.value.conditions == caught.value.limits.blocking(caught.value.interactive)

    # What the limits allow goes on to load the runtime: here one that cannot load.
    cannot = BrokerUnavailable("no-broker", "not loaded in unit tests", "")
    monkeypatch.setattr(runtime, "load_runtime", lambda: cannot)
    for name in allowed:
        with pytest.raises(BrokerUnavailableError):
            calls[name]()


def test_this_machine_probes_what_its_platform_can():
    """Linux and macOS have nothing to probe; on Windows the real probes all answer."""
    here = platform.current()
    found = Broker().limits.get()
    if here.probes is None:
        assert found is limits.NO_LIMITS and not found.checked
    else:
        assert found.checked and found.unchecked == ()
