"""A TokenCredential bound to one broker account, for the app's own Azure SDK clients (the
blob pane): it only ever gets tokens silently and raises AuthenticationRequiredError instead of
popping UI from a background call. azure-identity-broker's own credential is in
app.core.credentials.interactive.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import AuthenticationRequiredError

from app.core.broker.errors import BrokerError
from app.core.broker.limits import Limits
from app.core.broker.records import Account, TokenResult
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile


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

    @property
    def limits(self) -> Limits | None:
        """Where the broker cannot work in this session (app/core/broker/limits.py): whether
        step_up's window can work here (None: not probed yet)."""
        return self.broker.limits.known

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
