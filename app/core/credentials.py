"""Credentials for Azure SDK clients.

Two ways in: (a) azure-identity-broker's InteractiveBrowserBrokerCredential, the path Azure
SDK users take, which yields an AuthenticationRecord to remember; (b) a TokenCredential bound
to one broker account, for background work: it only ever gets tokens silently and raises
AuthenticationRequiredError instead of popping UI from a background call.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import AuthenticationRecord, AuthenticationRequiredError

from app.core.accounts import Account, TokenResult
from app.core.broker import Broker
from app.core.errors import BrokerError
from app.core.profile import Profile


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


class BrokerAccountCredential:
    """An azure-core TokenCredential (and SupportsTokenInfo) for one broker account.

    Never shows UI: when the broker says interaction is required (consent, MFA, claims) it
    raises AuthenticationRequiredError, whose __cause__ is the BrokerError with the details.
    """

    def __init__(self, broker: Broker, account: Account, profile: Profile) -> None:
        self.broker = broker
        self.account = account
        self.profile = profile
        self.last_result: TokenResult | None = None
        self.asked: tuple[str, ...] = ()  # the scopes of the last request, answered or not

    def step_up(self, parent_window_handle: int, claims: str) -> TokenResult:
        """A resource's claims challenge: the broker's sign-in window for this account asking
        for exactly these claims; later tokens are asked with them (blocking: a worker's)."""
        profile = dataclasses.replace(self.profile, claims=claims)
        scopes = self.asked or profile.scopes
        result = self.broker.acquire_token_interactively(
            parent_window_handle, self.account, profile, scopes
        )
        self.profile, self.last_result = profile, result
        return result

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        info = self._token(scopes, claims, tenant_id)
        return AccessToken(info.token, info.expires_on)

    def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        options = options or {}
        return self._token(scopes, options.get("claims"), options.get("tenant_id"))

    def _token(
        self, scopes: Sequence[str], claims: str | None, tenant_id: str | None
    ) -> AccessTokenInfo:
        if not scopes:
            raise ValueError("get_token needs at least one scope")
        self.asked = tuple(scopes)
        if claims:  # a claims challenge (CAE, conditional access) always needs the user
            raise AuthenticationRequiredError(
                list(scopes), claims=claims, message="The resource asked for more claims."
            )
        # A bearer token from the broker or its cache, whatever the profile tries (an SDK
        # client sends "Bearer …": never a PoP request, nor a broker call per request); the
        # profile's claims and client capabilities go with it, as a CAE-ready app sends them.
        profile = dataclasses.replace(
            self.profile, pop_method="", pop_url="", pop_nonce="", force_refresh=False
        )
        if tenant_id and tenant_id != profile.tenant:
            profile = dataclasses.replace(profile, tenant=tenant_id)
        try:
            result = self.broker.acquire_token_silently(self.account, profile, scopes)
        except BrokerError as exc:
            if exc.interaction_required:
                raise AuthenticationRequiredError(
                    list(scopes),
                    message=f"{self.account.username} must sign in again ({exc.status}).",
                ) from exc
            raise ClientAuthenticationError(
                message=f"The broker could not get a token: {exc.status}"
            ) from exc
        self.last_result = result
        return AccessTokenInfo(
            result.access_token,
            result.expires_on,
            token_type="Bearer",
            refresh_on=int(time.time()) + max(0, result.expires_in()) // 2,
        )

    def close(self) -> None:
        """TokenCredential protocol: nothing to release."""
