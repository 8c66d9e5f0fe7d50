"""azure-identity-broker's InteractiveBrowserBrokerCredential, configured from a profile: the
credential Azure SDK users write against. The app uses it to show what their code gets (as
your code would, as_your_code.py) and, when the user chooses it, as the blob pane's
credential for the active account, from its remembered record and never popping UI."""

from __future__ import annotations

from typing import Any

from app.core.broker.errors import UnavailableHere
from app.core.broker.limits import Limits, Probed
from app.core.configurations.profile import Profile
from app.core.settings.records import AccountRecord


def broker_credential(profile: Profile, parent_window_handle: int, **kwargs: Any) -> Any:
    """An InteractiveBrowserBrokerCredential configured from a profile.

    `parent_window_handle` is mandatory: without it msal refuses the broker and the credential
    silently falls back to a browser on Linux and macOS. Extra kwargs go to azure-identity
    (`transport` is how the sandbox serves the login metadata offline).
    """
    if not parent_window_handle:
        raise ValueError("The broker needs the parent window's native handle")
    from azure.identity.broker import InteractiveBrowserBrokerCredential

    if profile.custom_authority_host:  # vouched for: no instance discovery, as msal reads it
        kwargs.setdefault("disable_instance_discovery", True)
    if "authentication_record" not in kwargs:  # a record names its own app, cloud and tenant
        kwargs.update(
            client_id=profile.client_id, tenant_id=profile.tenant, authority=profile.authority_host
        )
    return InteractiveBrowserBrokerCredential(
        parent_window_handle=parent_window_handle,
        enable_msa_passthrough=profile.msa_passthrough,
        use_default_broker_account=profile.use_default_account,
        **kwargs,
    )


def account_credential(
    profile: Profile, record: AccountRecord, parent_window_handle: int, **kwargs: Any
) -> Any:
    """The credential for one remembered account that never shows UI from inside an SDK
    call: with the account's AuthenticationRecord and disable_automatic_authentication, a
    token that needs the user raises AuthenticationRequiredError instead."""
    from azure.identity import AuthenticationRecord

    return broker_credential(
        profile,
        parent_window_handle,
        authentication_record=AuthenticationRecord.deserialize(record.serialize()),
        disable_automatic_authentication=True,
        **kwargs,
    )


class OtherAccountChosen(Exception):
    """The broker's window signed in another account than the active one."""

    def __init__(self, wanted: str, chosen: str) -> None:
        super().__init__(f"{chosen} was chosen in the broker's window, not {wanted}")
        self.wanted, self.chosen = wanted, chosen


class SeedAccountCredential:
    """The blob pane's credential when the user chooses "as your code would": azure-identity-
    broker's own credential for the active account (account_credential), which never shows
    UI from inside an SDK call; a claims challenge is answered only when the user asks
    (step_up), through the same credential's authenticate."""

    signs_in_itself = True  # the pane offers its own authenticate() when it needs the user

    def __init__(
        self,
        profile: Profile,
        record: AccountRecord,
        parent_window_handle: int,
        probed: Probed | None = None,
        **kwargs: Any,
    ) -> None:
        self.credential = account_credential(profile, record, parent_window_handle, **kwargs)
        self.profile = profile
        self.record = record
        self.asked: tuple[str, ...] = ()  # the scopes of the last request, answered or not
        # The app's Broker's limits (broker/limits.py): this credential reaches the same
        # broker through msal, so what cannot work for the app cannot work for it either.
        self.probed = probed

    @property
    def limits(self) -> Limits | None:
        """Where the broker cannot work in this session (None: not probed yet)."""
        return self.probed.known if self.probed is not None else None

    def _refuse(self, operation: str, interactive: bool) -> None:
        """Refused before msal asks the broker, as the app's own calls are (runtime.Broker)."""
        limits = self.probed.get() if self.probed is not None else None
        blocking = limits.blocking(interactive) if limits is not None else ()
        if blocking:
            refused = UnavailableHere(operation, blocking)
            refused.interactive, refused.limits = interactive, limits
            raise refused

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.asked = tuple(scopes)
        self._refuse("get a token as your code would", interactive=False)
        return self.credential.get_token(*scopes, **kwargs)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        self.asked = tuple(scopes)
        self._refuse("get a token as your code would", interactive=False)
        return self.credential.get_token_info(*scopes, options=options)

    def step_up(self, parent_window_handle: int, claims: str = "") -> Any:
        """authenticate(), as an SDK user's code calls it once: the broker's window (with
        exactly these claims, for a claims challenge). Blocking: a worker's. An account
        other than this one chosen there is refused: the pane browses as the active one."""
        self._refuse("sign in as your code would", interactive=True)
        got = self.credential.authenticate(
            scopes=list(self.asked or self.profile.scopes), claims=claims or None
        )
        if got.home_account_id != self.record.home_account_id:
            raise OtherAccountChosen(self.record.username, got.username)
        return got

    def close(self) -> None:
        self.credential.close()
