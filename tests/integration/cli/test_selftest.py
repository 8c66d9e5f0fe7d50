"""--self-test's broker check (app.selftest.check_broker) in this process, against the sandbox
broker: where the broker cannot work in this session and what it answers are notes (a CI
runner without a desktop passes honestly); the runtime breaking is a failure. The frozen
bundle's whole self-test is tests/integration/packaging/test_bundle.py."""

from __future__ import annotations

from typing import Any

from app import selftest
from app.core.broker.errors import BrokerError
from app.core.broker.runtime import Broker
from tests.stubs import SessionProbes


def checked(broker: Broker) -> selftest.Report:
    report = selftest.Report(None)
    selftest.check_broker(report, broker)
    return report


def test_what_cannot_work_here_is_said_and_the_listing_still_asked(control):
    report = checked(Broker(probes=SessionProbes(is_elevated=True, desktop_shown=False)))
    assert report.failures == 0
    elevated, no_desktop = (line for line in report.lines if " in this session: " in line)
    assert elevated.startswith("note the Microsoft Identity Broker in this session: This app ")
    assert "elevated" in elevated and "without an interactive desktop" in no_desktop
    assert report.lines[-1].startswith("ok   the broker lists ")


def test_a_probe_that_could_not_answer_is_said(control):
    report = checked(Broker(probes=SessionProbes(service=OSError("no registry"))))
    assert "note not checked in this session: Web Account Manager service" in report.lines


class Refusing(Broker):
    """The broker's answer to a listing, which the sandbox cannot give: the real runtime reports
    success with the accounts it has cached whatever the broker says (app/sandbox/BEHAVIOUR.md)."""

    context = "the session says no"

    def discover_accounts(self, profile: Any) -> Any:
        error = BrokerError("Response_Status.Status_Unexpected", context=self.context)
        error.interactive = False
        raise error


class Broken(Broker):
    """What a runtime that breaks when called raises: not an answer of the broker's."""

    def discover_accounts(self, profile: Any) -> Any:
        raise TypeError("discover_accounts() takes 3 positional arguments but 4 were given")


def test_the_brokers_refusal_is_a_note_a_broken_runtime_a_failure(control):
    refused = checked(Refusing())
    assert refused.failures == 0
    assert refused.lines[-1].startswith(
        "note the Microsoft Identity Broker unavailable in this session: it did not list "
        "accounts (Unexpected broker error)."
    )
    broken = checked(Broken())
    assert broken.failures == 1
    assert broken.lines[-1] == (
        "FAIL the broker runtime is broken: listing accounts raised TypeError"
    )


class RefusingWithEntrasCode(Refusing):
    context = "AADSTS50076: Due to a configuration change made by your administrator"


def test_the_self_test_names_entras_codes_never_our_own_tags(control):
    """Our codes ("[Unexpected]", "[Rules]", "[NotBrokered]") are for exports and logs: the
    self-test's lines, like the app's banners, carry only the AADSTS codes people look up."""
    entras = checked(RefusingWithEntrasCode()).lines[-1]
    ours = checked(Refusing()).lines[-1]
    assert "(AADSTS50076)" in entras, entras
    assert "[" not in entras and "[" not in ours, (entras, ours)
    assert "Unexpected]" not in ours
