"""azure-identity-broker's InteractiveBrowserBrokerCredential, configured from a profile: the
path Azure SDK users take, which yields an AuthenticationRecord to remember."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from azure.identity import AuthenticationRecord

from app.core.configurations.profile import Profile


def broker_credential(profile: Profile, parent_window_handle: int, **kwargs: Any) -> Any:
    """An InteractiveBrowserBrokerCredential configured from a profile.

    `parent_window_handle` is mandatory: without it msal refuses the broker and the credential
    silently falls back to a browser on Linux and macOS. Extra kwargs go to azure-identity
    (`transport` is how the sandbox serves the login metadata offline).
    """
    if not parent_window_handle:
        raise ValueError("The broker needs the parent window's native handle")
    from azure.identity.broker import InteractiveBrowserBrokerCredential

    return InteractiveBrowserBrokerCredential(
        parent_window_handle=parent_window_handle,
        client_id=profile.client_id,
        tenant_id=profile.tenant,
        authority=profile.authority_host,
        enable_msa_passthrough=profile.msa_passthrough,
        use_default_broker_account=profile.use_default_account,
        **kwargs,
    )


def sign_in(
    profile: Profile,
    parent_window_handle: int,
    scopes: Sequence[str] | None = None,
    **kwargs: Any,
) -> AuthenticationRecord:
    """Sign in through azure-identity-broker; returns the record to remember (no tokens)."""
    credential = broker_credential(profile, parent_window_handle, **kwargs)
    record: AuthenticationRecord = credential.authenticate(scopes=list(scopes or profile.scopes))
    return record
