"""What one native call asks the broker and what its answer holds, apart from runtime.py (which
alone imports pymsalruntime and hands its module in): the auth parameters, as Microsoft's own
clients build them, the TokenResult copied out of an answer, and the broker's error raised.

Everything here is called inside a native call or its callback, with the runtime's own objects
(`rt`, `result`): no import of the runtime, no state of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from app.core.broker.errors import BrokerError
from app.core.broker.platform import Platform
from app.core.broker.records import Account, TokenResult
from app.core.configurations.profile import Profile
from app.core.configurations.request_options import merged_claims


def check(result: Any) -> None:
    """The broker's error in a native answer, raised as a BrokerError (its status name)."""
    error = result.get_error()
    if error:
        status = error.get_status()
        raise BrokerError(
            getattr(status, "name", str(status)),
            int(error.get_error_code()),
            int(error.get_tag()),
            str(error.get_context()),
        )


def auth_parameters(
    rt: ModuleType,
    profile: Profile,
    here: Platform,
    scopes: Sequence[str] | None,
    renew: str = "",
    signin: bool = False,
) -> Any:
    """What the broker is asked, as Microsoft's own clients ask it (the conformance test,
    tests/integration/broker/test_msal_conformance.py, compares each field with msal's
    request for the same configuration). Where we differ, the reason is said here:

    - MSA passthrough goes with every call, silent ones included: MSAL.NET's runtime
      broker puts `msal_request_type=consumer_passthrough` in the common parameters of
      every call (WamAdapters.GetCommonAuthParameters), and so does azure-identity for
      JavaScript's broker path (msalClient getTokenSilent); msal for Python sends it to
      signin_silently and signin_interactively only. A personal account's silent call
      under organizations is what passthrough is for.
    - `validateAuthority=no` for a custom authority host, on sign-in calls: msal sends it
      for an authority the developer vouches for (`_is_known_to_developer`), on
      signin_silently and signin_interactively, not on acquire_token_silently.
    - Not sent: msal's `msal_client_sku` / `msal_client_ver`, which name msal's own
      build in Microsoft's telemetry; this app is not msal.
    """
    # A new object per call: measured, reusing one saves no native memory (nor does a
    # fixed correlation id, or no log callback), and a shared one would be used by two
    # threads at once.
    params = rt.MSALRuntimeAuthParameters(profile.client_id, profile.authority)
    params.set_requested_scopes(list(scopes or profile.scopes))
    params.set_redirect_uri(here.redirect_uri)
    if profile.msa_passthrough:
        params.set_additional_parameter("msal_request_type", "consumer_passthrough")
    if signin and profile.custom_authority_host:
        params.set_additional_parameter("validateAuthority", "no")
    # The request options, as msal passes them (claims with cp1 merged in as xms_cc).
    claims = merged_claims(profile.claims, profile.client_capabilities)
    if claims:
        params.set_decoded_claims(claims)
    pop = profile.pop
    if pop:
        params.set_pop_params(pop.method, pop.host, pop.path, pop.nonce)
    if renew:  # the cached token the broker must replace (force refresh)
        params.set_access_token_to_renew(renew)
    return params


def token_result(result: Any) -> tuple[TokenResult, Any]:
    """The token answer copied out (inside the callback: the native object does not outlive
    it), and the answer's native account, which the caller keeps for later calls."""
    check(result)
    native = result.get_account()
    telemetry = result.get_telemetry_data() or {}
    pop = bool(result.is_pop_authorization())
    token = TokenResult(
        account=Account.from_native(native),
        # A PoP answer's token is the one in its authorization header ("pop <SHR>"), as
        # msal (broker._convert_result) and MSAL.NET (WamAdapters.ParseRuntimeResponse)
        # read it; the access token field is only the bearer answer's.
        access_token=result.get_authorization_header().split()[1]
        if pop
        else result.get_access_token(),
        id_token=result.get_raw_id_token(),
        expires_on=int(result.get_access_token_expiry_time()),
        granted_scopes=tuple(result.get_granted_scopes() or ()),
        pop=pop,
        from_cache=telemetry.get("broker_app_used") == "false",  # measured with 0.20.7
    )
    return token, native
