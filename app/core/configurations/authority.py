"""Authority hosts: which are Microsoft clouds' sign-in hosts, and what to say about others.

A profile's authority host is where its sign-ins go (the broker sends credentials there and
gets tokens from it), so a host that is not a Microsoft cloud is never taken by accident: a
profile must mark it as custom, and the app then warns wherever the profile is in use.

This module is plain Python: no Qt and no pymsalruntime.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

PUBLIC_CLOUD = "https://login.microsoftonline.com"

AUTHORITY_HOSTS: Mapping[str, str] = {
    "Azure public cloud": PUBLIC_CLOUD,
    "Azure US Government": "https://login.microsoftonline.us",
    "Azure China (21Vianet)": "https://login.partner.microsoftonline.cn",
    "Bleu (France)": "https://login.sovcloud-identity.fr",
    "Delos (Germany)": "https://login.sovcloud-identity.de",
    "GovSG (Singapore)": "https://login.sovcloud-identity.sg",
}
"""The clouds the profile editor offers, by name (Microsoft's documented sign-in hosts)."""

KNOWN_AUTHORITY_HOSTS = frozenset(
    {
        *(url.removeprefix("https://") for url in AUTHORITY_HOSTS.values()),
        "login.microsoft.com",  # aliases of the public cloud
        "login.windows.net",
        "sts.windows.net",
        "login.chinacloudapi.cn",  # China's older host, still in use
        "login-us.microsoftonline.com",  # aliases of US Government
        "login.usgovcloudapi.net",
    }
)
"""Microsoft clouds' sign-in hosts (port 443): msal's own list (msal.authority.
WELL_KNOWN_AUTHORITY_HOSTS), less Microsoft Cloud Germany, closed on 29 October 2021. Any
other host is a custom one: allowed only when the profile says so, and then with a warning,
because the profile's sign-ins (credentials, tokens) go to it."""

_RETIRED_HOSTS = {
    "login.microsoftonline.de": (
        "Microsoft Cloud Germany (login.microsoftonline.de) closed on 29 October 2021; its "
        f"tenants moved to the Azure public cloud ({PUBLIC_CLOUD})"
    )
}

_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")


def is_ip_address(hostname: str) -> bool:
    """An IPv4 or IPv6 literal, or a name the resolver would read as one (127.1, 0x7f000001)."""
    try:
        ipaddress.ip_address(hostname.partition("%")[0])
    except ValueError:
        return bool(_NUMERIC_LABEL.fullmatch(hostname.rpartition(".")[2]))
    return True


def unknown_host_message(url: str) -> str:
    """Why a profile cannot use url unless it is marked as a custom authority host."""
    host = url.removeprefix("https://")
    retired = _RETIRED_HOSTS.get(host)
    if retired:
        return f"{retired}: use {PUBLIC_CLOUD}"
    return (
        f"{host} is not a Microsoft cloud's sign-in host: choose a cloud from the list, or, "
        "if your organization runs its own sign-in host, mark it as a custom authority host"
    )


def custom_host_warning(url: str, profile_name: str | None = None) -> str:
    """The warning for a profile that signs in at a custom host."""
    host = url.removeprefix("https://")
    retired = _RETIRED_HOSTS.get(host)
    profile = "this profile" if profile_name is None else f"profile {profile_name!r}"
    return (
        f"Sign-ins for {profile} go to {host}, which is not a Microsoft cloud: "
        "the broker sends your credentials and gets your tokens there. Use it only if your "
        f"organization runs it.{f' {retired}.' if retired else ''}"
    )
