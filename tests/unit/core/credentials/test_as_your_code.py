"""What azure-identity-broker's credential does differently, said before asking, and the
differences with the app's own answer (app.core.credentials.as_your_code). Through the real
credential and runtime: tests/integration/credentials/test_as_your_code.py."""

from __future__ import annotations

import dataclasses

from app.core.broker import platform
from app.core.configurations.profile import Profile
from app.core.credentials.as_your_code import SdkAnswer, ask, differences, predict

POP = Profile(pop_method="GET", pop_url="https://example.com/x", pop_nonce="n")


def test_a_pop_request_on_linux_is_a_browser_sign_in_and_is_not_run():
    answer = ask(POP, parent_window_handle=7, here=platform.LINUX)
    assert answer.kind == "browser"
    assert any("POP is not supported on Linux" in n for n in answer.notes)
    assert not any("browser" in n for n in predict(POP, platform.WINDOWS))


def test_the_hint_force_refresh_and_default_account_are_said():
    profile = dataclasses.replace(
        Profile(), login_hint="a@b.example", force_refresh=True, use_default_account=True
    )
    notes = " ".join(predict(profile, platform.WINDOWS))
    assert "login hint (a@b.example) is dropped" in notes
    assert "cannot force a refresh" in notes and "OS default account" in notes
    assert predict(Profile(), platform.LINUX) == []


def test_differences_name_another_account_and_each_claim_that_differs():
    theirs = SdkAnswer("token", claims={"preferred_username": "megan@c.example", "tid": "t2"})
    found = differences(theirs, {"tid": "t1", "oid": "o"}, "adele@c.example")
    assert "Your code got a token for megan@c.example, not adele@c.example." in found
    assert "tid: the app's token has 't1', your code's 't2'." in found
    assert "oid: the app's token has 'o', your code's None." in found
    same = SdkAnswer("token", claims={"preferred_username": "adele@c.example", "tid": "t1"})
    assert differences(same, {"tid": "t1"}, "adele@c.example") == []


def test_an_exception_is_what_the_code_would_catch():
    failed = SdkAnswer("error", exception="ClientAuthenticationError", message="no")
    assert differences(failed, {}, "a") == ["Your code gets ClientAuthenticationError: no"]
