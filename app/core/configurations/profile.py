"""Profiles: one configuration (client, tenant, cloud, scopes) to try against the broker.

Profiles come from user input and from JSON on disk, so validation takes loosely typed
values and never raises for bad data: it reports one specific message per field, saying
what is expected, because the user has to fix it by hand. Values are normalised on parse
so that two spellings of the same configuration compare equal, and parsing a profile's
own `to_dict()` gives the same profile back.

This module is plain Python: no Qt and no pymsalruntime, so it loads everywhere.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import TypeVar
from urllib.parse import urlsplit

from app.core.configurations.authority import (
    AUTHORITY_HOSTS,
    KNOWN_AUTHORITY_HOSTS,
    custom_host_warning,
    is_ip_address,
    unknown_host_message,
)
from app.core.configurations.authority import (
    PUBLIC_CLOUD as PUBLIC_CLOUD,  # the default; others import it here
)
from app.core.configurations.request_options import (
    OptionError,
    Pop,
    parse_capabilities,
    parse_claims,
    parse_login_hint,
    parse_pop,
)
from app.core.configurations.scopes import DEFAULT_SCOPES as DEFAULT_SCOPES  # others import it here
from app.core.configurations.scopes import ScopeError, has_control, parse_scopes

AZURE_DEV_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
"""The client id azure-identity uses for developer sign-on (the Azure CLI's)."""


MAX_NAME = 64
MAX_URL = 300  # scheme, a host name (at most 253) and a port

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_B2C_POLICY = re.compile(r"b2c_1a?_", re.IGNORECASE)
_WELL_KNOWN_TENANTS = ("organizations", "common", "consumers")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")
_T = TypeVar("_T")

_B2C_REFUSED = (
    "Azure AD B2C is not supported by the authentication broker (WAM, Company Portal, "
    "Microsoft Identity Broker); use a workforce (Entra ID) tenant"
)
_ADFS_REFUSED = (
    "AD FS is not supported by the authentication broker (WAM, Company Portal, "
    "Microsoft Identity Broker); use an Entra ID tenant"
)


class ProfileError(ValueError):
    """A profile failed validation. `errors` maps a field name to a message for that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))


@dataclass(frozen=True)
class Profile:
    """One broker configuration. Construct through `parse_profile` to get a normalised one."""

    name: str = "Default"
    client_id: str = AZURE_DEV_CLIENT_ID
    tenant: str = "organizations"
    authority_host: str = PUBLIC_CLOUD
    custom_authority_host: bool = False  # the host is not a Microsoft cloud's, on purpose
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    msa_passthrough: bool = False
    use_default_account: bool = False
    # Request options (configurations.request_options): PoP, force refresh, a claims challenge
    # (decoded JSON), client capabilities, and a login hint for interactive sign-in.
    pop_method: str = ""
    pop_url: str = ""
    pop_nonce: str = ""
    force_refresh: bool = False
    claims: str = ""
    client_capabilities: tuple[str, ...] = ()
    login_hint: str = ""

    @property
    def pop(self) -> Pop | None:
        return Pop(self.pop_method, self.pop_url, self.pop_nonce) if self.pop_method else None

    @property
    def authority(self) -> str:
        """The authority URL msal and the broker expect: host plus tenant."""
        return f"{self.authority_host}/{self.tenant}"

    @property
    def custom_host_warning(self) -> str | None:
        """What to tell the user about a custom authority host (None for a Microsoft cloud)."""
        return (
            custom_host_warning(self.authority_host, self.name)
            if self.custom_authority_host
            else None
        )

    @property
    def admits_consumers(self) -> bool:
        """Whether personal Microsoft accounts can sign in with this tenant."""
        return self.tenant in ("common", "consumers")

    @property
    def admits_work_accounts(self) -> bool:
        """Whether work or school accounts can sign in with this tenant."""
        return self.tenant != "consumers"

    def redirect_uris(self) -> dict[str, str]:
        """The redirect URI each platform's broker needs registered on the app, by platform.

        Shown to the user because a missing registration is the commonest broker failure.
        """
        return {
            "Windows (WAM)": f"ms-appx-web://Microsoft.AAD.BrokerPlugin/{self.client_id}",
            "macOS (Company Portal)": "msauth.com.msauth.unsignedapp://auth",
            "Linux (Microsoft Identity Broker)": (
                "https://login.microsoftonline.com/common/oauth2/nativeclient"
            ),
            "Browser fallback": "http://localhost",
        }

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly dict (scopes as a list) that `parse_profile` reads back unchanged."""
        return {
            **asdict(self),
            "scopes": list(self.scopes),
            "client_capabilities": list(self.client_capabilities),
        }


FIELDS = tuple(field.name for field in fields(Profile))
"""The profile's field names, in order: the keys of `to_dict()` and of validation errors."""

_DEFAULT_RAW: Mapping[str, object] = Profile().to_dict()


class _Invalid(Exception):
    """Internal: a field's value is wrong; the message is what the user sees."""


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"{what} must be text, not {type(value).__name__}")
    return value.strip()


def _is_dns_name(text: str, min_labels: int) -> bool:
    labels = text.split(".")
    return (
        len(text) <= 253
        and len(labels) >= min_labels
        and all(_LABEL.fullmatch(label) for label in labels)
    )


def _name(value: object) -> str:
    name = _text(value, "Name")
    if not name:
        raise _Invalid("Name must not be empty")
    if len(name) > MAX_NAME:
        raise _Invalid(f"Name must be at most {MAX_NAME} characters (it has {len(name)})")
    if has_control(name):
        raise _Invalid("Name must not contain control characters or line breaks")
    return name


def _client_id(value: object) -> str:
    client_id = _text(value, "Client id").lower()
    if not client_id.isascii() or not _GUID.fullmatch(client_id):
        raise _Invalid(f"Client id must be a GUID like {AZURE_DEV_CLIENT_ID}")
    return client_id


def _tenant(value: object) -> str:
    raw = _text(value, "Tenant")
    if not raw.isascii():
        raise _Invalid("Tenant must be ASCII; write an international domain in xn-- form")
    tenant = raw.lower()
    if _B2C_POLICY.search(tenant) or tenant.endswith(".b2clogin.com"):
        raise _Invalid(_B2C_REFUSED)
    if tenant == "adfs":
        raise _Invalid(_ADFS_REFUSED)
    if "/" in tenant:
        raise _Invalid(
            "Tenant is only the tenant id or domain (e.g. contoso.onmicrosoft.com), "
            "not a URL or path; put the cloud in Authority host"
        )
    if tenant in _WELL_KNOWN_TENANTS or _GUID.fullmatch(tenant):
        return tenant
    if _is_dns_name(tenant, min_labels=2):
        return tenant
    raise _Invalid(
        "Tenant must be organizations, common, consumers, a tenant id (the Directory (tenant) "
        "ID GUID on the tenant's Overview page in the Entra admin center) or a verified domain "
        "such as contoso.onmicrosoft.com"
    )


def _authority_host(value: object) -> str:
    text = _text(value, "Authority host")
    by_label = {label.lower(): url for label, url in AUTHORITY_HOSTS.items()}
    text = by_label.get(text.lower(), text)
    expected = f"an https URL such as {PUBLIC_CLOUD}"
    if not text:
        raise _Invalid(f"Authority host must not be empty: use {expected}")
    if len(text) > MAX_URL:
        raise _Invalid(f"Authority host must be at most {MAX_URL} characters: use {expected}")
    if has_control(text) or any(ch.isspace() for ch in text):
        raise _Invalid(
            f"Authority host must not contain spaces or control characters: use {expected}"
        )
    if "b2clogin" in text.lower() or "/tfp/" in text.lower() or _B2C_POLICY.search(text):
        raise _Invalid(_B2C_REFUSED)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _Invalid(f"Authority host is not a valid URL ({exc}): use {expected}") from None
    scheme = parts.scheme.lower()
    if scheme == "http":
        raise _Invalid(f"Authority host must use https, not http: use {expected}")
    if scheme != "https" or not parts.netloc:
        raise _Invalid(f"Authority host must be {expected}")
    if "@" in parts.netloc:
        raise _Invalid("Authority host must not contain a user name or password")
    if "?" in text or "#" in text:
        raise _Invalid(f"Authority host must not have a query or fragment: use {expected}")
    path = parts.path.lower()
    if path == "/adfs" or path.startswith("/adfs/"):
        raise _Invalid(_ADFS_REFUSED)
    if path not in ("", "/"):
        raise _Invalid(
            f"Authority host is only the scheme and host (e.g. {PUBLIC_CLOUD}); "
            "put the tenant in the Tenant field"
        )
    hostname = parts.hostname or ""
    if not hostname:
        raise _Invalid(f"Authority host must name a host: use {expected}")
    if port == 0:
        raise _Invalid("Authority host port must be between 1 and 65535")
    # The broker cannot sign in at an address: its runtime refuses one ("Authority cannot be
    # null"), and no Microsoft cloud has one; so an address is refused, even as a custom host.
    if parts.netloc.startswith("[") or is_ip_address(hostname):
        raise _Invalid(
            "Authority host must be a host name, not an IP address: the broker cannot sign in "
            f"at an address. Use e.g. {PUBLIC_CLOUD}"
        )
    host = hostname if _is_dns_name(hostname, min_labels=1) else None
    if host is None:
        raise _Invalid(
            f"Authority host {reprlib.repr(hostname)} is not a valid host name "
            "(letters, digits, hyphens and dots; write international names in xn-- form)"
        )
    return f"https://{host}" if port in (None, 443) else f"https://{host}:{port}"


def _flag(what: str) -> Callable[[object], bool]:
    def parse(value: object) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        raise _Invalid(f"{what} must be true or false (also accepted: yes/no, 1/0)")

    return parse


def known_authority_host(value: object) -> bool:
    """Whether value is a Microsoft cloud's sign-in host (any spelling parse_profile accepts).
    Settings written before custom hosts had to be marked use it to mark theirs."""
    try:
        return _authority_host(value).removeprefix("https://") in KNOWN_AUTHORITY_HOSTS
    except _Invalid:
        return False


def _check(raw: Mapping[str, object]) -> tuple[Profile, dict[str, str]]:
    """Parse every field; returns the profile (defaults where invalid) and errors by field."""
    errors: dict[str, str] = {}

    def get(field: str, parse: Callable[[object], _T]) -> _T:
        try:
            return parse(raw.get(field, _DEFAULT_RAW[field]))
        except (_Invalid, OptionError, ScopeError) as exc:
            errors[field] = str(exc)
            return parse(_DEFAULT_RAW[field])

    authority_host = get("authority_host", _authority_host)
    custom = get("custom_authority_host", _flag("Custom authority host"))
    if authority_host.removeprefix("https://") in KNOWN_AUTHORITY_HOSTS:
        custom = False  # a Microsoft cloud is never a custom host
    elif not custom and "authority_host" not in errors:
        errors["authority_host"] = unknown_host_message(authority_host)
        authority_host = PUBLIC_CLOUD
    try:
        pop = parse_pop(*(raw.get(f, "") for f in ("pop_method", "pop_url", "pop_nonce")))
    except OptionError as exc:  # PoP's three fields stand together
        errors[exc.field] = str(exc)
        pop = None
    profile = Profile(
        name=get("name", _name),
        client_id=get("client_id", _client_id),
        tenant=get("tenant", _tenant),
        authority_host=authority_host,
        custom_authority_host=custom,
        scopes=get("scopes", parse_scopes),
        msa_passthrough=get("msa_passthrough", _flag("MSA passthrough")),
        use_default_account=get("use_default_account", _flag("Use default account")),
        pop_method=pop.method if pop else "",
        pop_url=pop.url if pop else "",
        pop_nonce=pop.nonce if pop else "",
        force_refresh=get("force_refresh", _flag("Force refresh")),
        claims=get("claims", parse_claims),
        client_capabilities=get("client_capabilities", parse_capabilities),
        login_hint=get("login_hint", parse_login_hint),
    )
    return profile, errors


def validate(raw: Mapping[str, object]) -> dict[str, str]:
    """Map each bad field to a message saying what is expected; `{}` when valid.

    Missing keys take the default profile's value; unknown keys are ignored.
    """
    return _check(raw)[1]


def parse_profile(raw: Mapping[str, object]) -> Profile:
    """Build a normalised Profile from loosely typed input; raises ProfileError if invalid."""
    profile, errors = _check(raw)
    if errors:
        raise ProfileError(errors)
    return profile
