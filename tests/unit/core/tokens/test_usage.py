"""A token as people use it (app.core.tokens.usage)."""

from __future__ import annotations

import shlex

from app.core.tokens.usage import authorization_header, curl_command


def test_the_header_names_the_scheme_the_token_is_sent_with():
    assert authorization_header("abc", pop=False) == "Authorization: Bearer abc"
    assert authorization_header("shr", pop=True) == "Authorization: PoP shr"


def test_curl_asks_what_the_audience_answers():
    line = curl_command("abc", False, {"aud": "https://management.azure.com/"})
    assert shlex.split(line) == [
        "curl", "--fail-with-body", "-H", "Authorization: Bearer abc",
        "https://management.azure.com/subscriptions?api-version=2022-12-01",
    ]  # fmt: skip
    storage = shlex.split(curl_command("abc", False, {"aud": "https://storage.azure.com"}))
    assert "x-ms-version: 2021-08-06" in storage
    other = curl_command("abc", False, {"aud": "api://mine"})
    assert other.endswith("'https://<your API>/'")


def test_a_pop_token_goes_to_the_request_it_is_bound_to():
    line = shlex.split(curl_command("shr", True, {"m": "PUT", "u": "a.example", "p": "/x"}))
    assert line[2:4] == ["-X", "PUT"] and line[-1] == "https://a.example/x"
    assert "Authorization: PoP shr" in line
