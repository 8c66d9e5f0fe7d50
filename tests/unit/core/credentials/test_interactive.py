"""azure-identity-broker's credential from a profile (app.core.credentials.interactive)."""

from __future__ import annotations

import pytest

from app.core.configurations.profile import Profile
from app.core.credentials.interactive import broker_credential


@pytest.mark.parametrize("handle", [0, None])
def test_without_a_window_handle_it_is_refused_before_any_broker_code_runs(handle):
    # msal would refuse the broker and the credential silently fall back to a browser.
    with pytest.raises(ValueError, match="parent window's native handle"):
        broker_credential(Profile(), handle)
