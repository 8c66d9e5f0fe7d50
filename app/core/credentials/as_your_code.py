"""As your code would: the configuration in use asked through azure-identity-broker's
InteractiveBrowserBrokerCredential, the credential Azure SDK users write against, so the app
can show what their code gets beside what the broker answered the app, and why the two
differ.

What the credential does differently is read from its own code (azure-identity-broker 1.3,
`_browser.py`) and msal's (1.39, `application.py`, `broker.py`):
- it always asks with prompt=select_account, under which msal drops the login hint;
- with use_default_broker_account it first tries prompt=none (msal's signin_silently);
- when the broker attempt raises (msal refuses PoP on Linux, "POP is not supported on
  Linux"; no parent window handle) it falls back to a browser sign-in on Linux and macOS;
- it has no force refresh; client capability cp1 is its enable_cae.
A browser fallback is predicted, not run: it would open the user's browser.

Blocking: run it on a worker. Our deadline holds: a late answer is dropped.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.broker import platform
from app.core.broker.platform import Platform
from app.core.configurations.profile import Profile
from app.core.credentials.interactive import broker_credential
from app.core.tokens.jwt import TokenDecodeError, decode_jwt, split_pop
from app.core.tokens.redact import redact

CREDENTIAL = "InteractiveBrowserBrokerCredential"


@dataclass(frozen=True)
class SdkAnswer:
    """What an SDK user's code got: a token's claims, or the exception it would catch."""

    kind: str  # "token", "error", "browser" (a browser sign-in instead), "timeout"
    claims: dict[str, Any] = field(default_factory=dict)  # the access token's, decoded
    exception: str = ""  # the exception type a caller would catch
    message: str = ""  # its message, tokens redacted
    notes: tuple[str, ...] = ()  # where the credential asks differently, said before running


def predict(profile: Profile, here: Platform | None = None) -> list[str]:
    """What the credential does differently from the app for this profile, before asking."""
    here = here or platform.current()
    notes = []
    if profile.login_hint:
        notes.append(
            f"Your code's login hint ({profile.login_hint}) is dropped: the credential asks "
            "with prompt=select_account, under which msal ignores a hint."
        )
    if profile.pop and here is platform.LINUX:
        notes.append(
            "Your code gets a browser sign-in, not the broker: msal refuses proof-of-possession "
            "on Linux (“POP is not supported on Linux”) and the credential falls back to the "
            "browser. Not run here: it would open your browser."
        )
    if profile.force_refresh:
        notes.append(
            "Your code cannot force a refresh: the credential has no such option, so the "
            "runtime's cache may answer."
        )
    if profile.use_default_account:
        notes.append(
            "Your code first asks for the OS default account without UI "
            "(use_default_broker_account), then opens the picker if that fails."
        )
    return notes


def _options(profile: Profile) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if profile.claims:
        options["claims"] = profile.claims
    if "cp1" in profile.client_capabilities:
        options["enable_cae"] = True
    pop = profile.pop
    if pop is not None:
        options["pop"] = {
            "resource_request_method": pop.method,
            "resource_request_url": pop.url,
            "nonce": pop.nonce,
        }
    return options


def ask(
    profile: Profile,
    parent_window_handle: int,
    scopes: Sequence[str] | None = None,
    timeout: float = 600.0,
    here: Platform | None = None,
    **credential_kwargs: Any,
) -> SdkAnswer:
    """The profile's request through the seed's credential, as an SDK user's code makes it
    (scopes: the profile's by default). Never raises for what the credential raises."""
    notes = tuple(predict(profile, here))
    if profile.pop and (here or platform.current()) is platform.LINUX:
        return SdkAnswer("browser", notes=notes)
    credential = broker_credential(
        profile,
        parent_window_handle,
        login_hint=profile.login_hint or None,
        timeout=int(timeout),
        **credential_kwargs,
    )
    got: dict[str, Any] = {}

    def run() -> None:
        try:
            got["token"] = credential.get_token_info(
                *(scopes or profile.scopes), options=_options(profile)
            )
        except Exception as exc:  # what the SDK user would catch: kept as the answer
            got["error"] = exc

    worker = threading.Thread(target=run, name="as-your-code", daemon=True)
    worker.start()
    worker.join(timeout)  # our deadline: a late answer is dropped with the thread
    if worker.is_alive():
        return SdkAnswer("timeout", notes=notes)
    error = got.get("error")
    if error is not None:
        return SdkAnswer(
            "error", exception=type(error).__name__, message=redact(str(error)), notes=notes
        )
    return SdkAnswer("token", claims=_claims(got["token"].token), notes=notes)


def _claims(token: str) -> dict[str, Any]:
    with contextlib.suppress(TokenDecodeError):
        token = split_pop(token)[1]
    try:
        return dict(decode_jwt(token).claims)
    except TokenDecodeError:  # a personal account's access token may be opaque
        return {}


COMPARED = ("oid", "tid", "aud", "scp", "roles", "idtyp", "xms_cc", "acrs")


def differences(answer: SdkAnswer, broker_claims: dict[str, Any], username: str) -> list[str]:
    """Where what the SDK user's code got differs from the broker's own answer to the app
    (the claims of the app's token, empty when the app has none) for the account asked."""
    found = list(answer.notes)
    if answer.kind == "timeout":
        found.append("Your code got no answer within the app's deadline.")
    elif answer.kind == "error":
        found.append(f"Your code gets {answer.exception}: {answer.message}")
    elif answer.kind == "token":
        who = str(answer.claims.get("preferred_username") or answer.claims.get("upn") or "")
        if who and who.casefold() != username.casefold():
            found.append(f"Your code got a token for {who}, not {username}.")
        if not broker_claims:
            found.append("The app has no token here; your code got one (it signs in with UI).")
        for claim in COMPARED:
            ours, theirs = broker_claims.get(claim), answer.claims.get(claim)
            if broker_claims and ours != theirs:
                found.append(f"{claim}: the app's token has {ours!r}, your code's {theirs!r}.")
    return found
