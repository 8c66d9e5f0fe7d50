"""Tests for app.core.configurations.profile: validation, normalisation, robustness to any input."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.configurations.authority import AUTHORITY_HOSTS, KNOWN_AUTHORITY_HOSTS, PUBLIC_CLOUD
from app.core.configurations.profile import (
    AZURE_DEV_CLIENT_ID,
    DEFAULT_SCOPES,
    FIELDS,
    Profile,
    ProfileError,
    parse_profile,
    validate,
)

OTHER_GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47"

# ---------------------------------------------------------------------------- defaults


def test_fields_match_to_dict_keys() -> None:
    assert FIELDS == (
        "name",
        "client_id",
        "tenant",
        "authority_host",
        "custom_authority_host",
        "scopes",
        "msa_passthrough",
        "use_default_account",
        "pop_method",
        "pop_url",
        "pop_nonce",
        "force_refresh",
        "claims",
        "client_capabilities",
        "login_hint",
    )
    assert tuple(Profile().to_dict()) == FIELDS


def test_default_profile_is_valid_and_round_trips() -> None:
    default = Profile()
    assert validate(default.to_dict()) == {}
    assert validate({}) == {}
    assert parse_profile(default.to_dict()) == default
    assert parse_profile({}) == default


def test_default_values() -> None:
    p = Profile()
    assert p.name == "Default"
    assert p.client_id == AZURE_DEV_CLIENT_ID
    assert p.tenant == "organizations"
    assert p.authority_host == PUBLIC_CLOUD
    assert p.scopes == DEFAULT_SCOPES
    assert p.msa_passthrough is False
    assert p.use_default_account is False


def test_to_dict_is_json_friendly() -> None:
    data = Profile().to_dict()
    assert data["scopes"] == list(DEFAULT_SCOPES)
    assert json.loads(json.dumps(data)) == data


def test_authority_joins_host_and_tenant() -> None:
    assert Profile().authority == "https://login.microsoftonline.com/organizations"
    p = parse_profile(
        {"tenant": "Contoso.onmicrosoft.com", "authority_host": "Azure US Government"}
    )
    assert p.authority == "https://login.microsoftonline.us/contoso.onmicrosoft.com"


def test_redirect_uris_include_wam_uri_with_client_id() -> None:
    p = parse_profile({"client_id": OTHER_GUID.upper()})
    uris = p.redirect_uris()
    assert uris["Windows (WAM)"] == f"ms-appx-web://Microsoft.AAD.BrokerPlugin/{OTHER_GUID}"
    assert uris["macOS (Company Portal)"] == "msauth.com.msauth.unsignedapp://auth"
    assert uris["Linux (Microsoft Identity Broker)"] == (
        "https://login.microsoftonline.com/common/oauth2/nativeclient"
    )
    assert uris["Browser fallback"] == "http://localhost"


@pytest.mark.parametrize(
    ("tenant", "consumers", "work"),
    [
        ("organizations", False, True),
        ("Common", True, True),
        ("consumers", True, False),
        (OTHER_GUID, False, True),
        ("contoso.com", False, True),
    ],
)
def test_account_kinds(tenant: str, consumers: bool, work: bool) -> None:
    p = parse_profile({"tenant": tenant})
    assert p.admits_consumers is consumers
    assert p.admits_work_accounts is work


def test_parse_profile_raises_profile_error_with_all_field_errors() -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile({"client_id": "nope", "tenant": "adfs", "unknown": 1})
    assert set(info.value.errors) == {"client_id", "tenant"}
    assert isinstance(info.value, ValueError)


def test_unknown_keys_are_ignored() -> None:
    assert validate({"colour": "blue", "name": "x"}) == {}


# ---------------------------------------------------------------------------- valid values


@pytest.mark.parametrize(
    ("field", "value", "normalised"),
    [
        ("name", "  Work laptop  ", "Work laptop"),
        ("name", "x" * 64, "x" * 64),
        ("name", "Ünïcödé ✓", "Ünïcödé ✓"),
        ("client_id", f"  {AZURE_DEV_CLIENT_ID.upper()} ", AZURE_DEV_CLIENT_ID),
        ("tenant", "ORGANIZATIONS", "organizations"),
        ("tenant", " Common ", "common"),
        ("tenant", "consumers", "consumers"),
        ("tenant", OTHER_GUID.upper(), OTHER_GUID),
        ("tenant", "Contoso.OnMicrosoft.com", "contoso.onmicrosoft.com"),
        ("tenant", "xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("tenant", "a-b.c-d.e", "a-b.c-d.e"),
        ("authority_host", PUBLIC_CLOUD, PUBLIC_CLOUD),
        ("authority_host", "https://login.microsoftonline.com/", PUBLIC_CLOUD),
        ("authority_host", "HTTPS://Login.MicrosoftOnline.COM", PUBLIC_CLOUD),
        ("authority_host", "https://login.microsoftonline.com:443", PUBLIC_CLOUD),
        ("authority_host", "Azure public cloud", PUBLIC_CLOUD),
        ("authority_host", "Azure US Government", "https://login.microsoftonline.us"),
        ("authority_host", "azure china (21vianet)", "https://login.partner.microsoftonline.cn"),
        ("authority_host", "https://LOGIN.chinacloudapi.cn/", "https://login.chinacloudapi.cn"),
        (
            "authority_host",
            "https://login.sovcloud-identity.fr",
            "https://login.sovcloud-identity.fr",
        ),
        ("authority_host", "https://login.windows.net", "https://login.windows.net"),
        ("custom_authority_host", True, False),  # the default host is a Microsoft cloud
        ("scopes", "User.Read Mail.Read", ("User.Read", "Mail.Read")),
        ("scopes", "User.Read, Mail.Read,,User.Read", ("User.Read", "Mail.Read")),
        ("scopes", ["User.Read", " Mail.Read ", "User.Read"], ("User.Read", "Mail.Read")),
        (
            "scopes",
            ("https://graph.microsoft.com/.default",),
            ("https://graph.microsoft.com/.default",),
        ),
        ("scopes", "api://x/.default api://x/.default", ("api://x/.default",)),
        ("msa_passthrough", True, True),
        ("msa_passthrough", "TRUE", True),
        ("msa_passthrough", " yes ", True),
        ("msa_passthrough", "1", True),
        ("use_default_account", False, False),
        ("use_default_account", "False", False),
        ("use_default_account", "no", False),
        ("use_default_account", "0", False),
    ],
)
def test_valid_values_are_normalised(field: str, value: object, normalised: object) -> None:
    assert validate({field: value}) == {}
    p = parse_profile({field: value})
    assert getattr(p, field) == normalised
    assert parse_profile(p.to_dict()) == p


def test_every_named_cloud_is_valid() -> None:
    for label, url in AUTHORITY_HOSTS.items():
        assert parse_profile({"authority_host": label}).authority_host == url
        assert parse_profile({"authority_host": url}).authority_host == url


# ---------------------------------------------------------------------------- invalid values


@pytest.mark.parametrize(
    ("field", "value", "mention"),
    [
        ("name", "", "empty"),
        ("name", "   ", "empty"),
        ("name", "x" * 65, "64"),
        ("name", "line\nbreak", "control"),
        ("name", "bell\x07", "control"),
        ("name", "para\u2029graph", "control"),
        ("name", 42, "text"),
        ("client_id", "not-a-guid", "GUID like 04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
        ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b4", "GUID"),
        ("client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46x", "GUID"),
        ("client_id", "{04b07795-8ddb-461a-bbee-02f9e1bf7b46}", "GUID"),
        ("client_id", "04b077958ddb461abbee02f9e1bf7b46", "GUID"),
        ("client_id", "0４b07795-8ddb-461a-bbee-02f9e1bf7b46", "GUID"),
        ("client_id", 4, "text"),
        ("tenant", "", "verified domain"),
        ("tenant", "contoso", "verified domain"),
        ("tenant", "-contoso.com", "verified domain"),
        ("tenant", "contoso-.com", "verified domain"),
        ("tenant", "contoso..com", "verified domain"),
        ("tenant", "con_toso.com", "verified domain"),
        ("tenant", "a" * 64 + ".com", "verified domain"),
        ("tenant", ".".join(["a" * 60] * 5), "verified domain"),
        ("tenant", "bücher.example", "xn--"),
        ("tenant", "https://login.microsoftonline.com/contoso.com", "only the tenant id or domain"),
        ("tenant", "contoso.com/v2.0", "only the tenant id or domain"),
        ("tenant", ["common"], "text"),
        ("authority_host", "http://login.microsoftonline.com", "https"),
        ("authority_host", "login.microsoftonline.com", "https URL"),
        ("authority_host", "ftp://login.microsoftonline.com", "https URL"),
        ("authority_host", "", "empty"),
        ("authority_host", "https://", "https URL"),
        ("authority_host", "https://:443", "host"),
        ("authority_host", "https://user:pw@login.microsoftonline.com", "user name"),
        ("authority_host", "https://login.microsoftonline.com?x=1", "query"),
        ("authority_host", "https://login.microsoftonline.com#frag", "fragment"),
        ("authority_host", "https://login.microsoftonline.com/contoso.com", "Tenant field"),
        ("authority_host", "https://login.micro soft.com", "spaces"),
        ("authority_host", "https://login.microsoftonline.com:99999", "valid URL"),
        ("authority_host", "https://login.microsoftonline.com:abc", "valid URL"),
        ("authority_host", "https://login.microsoftonline.com:0", "port"),
        ("authority_host", "https://[::1", "valid URL"),
        ("authority_host", "https://[fe80::1%eth0]", "not an IP address"),
        ("authority_host", "https://exa_mple.com", "valid host name"),
        ("authority_host", "https://bücher.example", "xn--"),
        ("authority_host", 443, "text"),
        ("authority_host", "https://" + "a" * 300, "at most 300"),
        ("authority_host", "https://evil.example", "not a Microsoft cloud's sign-in host"),
        ("authority_host", "https://login.microsoftonline.com:8443", "custom authority host"),
        ("authority_host", "https://login.microsoftonline.de", "closed on 29 October 2021"),
        ("custom_authority_host", "maybe", "true or false"),
        ("scopes", "", "at least one"),
        ("scopes", [], "at least one"),
        ("scopes", [" ", ""], "at least one"),
        ("scopes", ["a b"], "spaces"),
        ("scopes", ["a,b"], "commas"),
        ("scopes", ["User.Read\x00"], "control"),
        ("scopes", ["x" * 513], "512"),
        ("scopes", "openid", "reserved"),
        ("scopes", "User.Read offline_access", "must not list them"),
        ("scopes", "https://graph.microsoft.com/User.Read api://x/Read", "one API"),
        ("scopes", "User.Read https://storage.azure.com/user_impersonation", "AADSTS28000"),
        ("scopes", ["PROFILE"], "reserved"),
        ("scopes", "https://graph.microsoft.com/.default User.Read", "AADSTS70011"),
        ("scopes", ["api://a/.default", "api://b/.default"], ".default"),
        ("scopes", [1, 2], "list of text"),
        ("scopes", {"User.Read": 1}, "text or a list"),
        ("scopes", 7, "text or a list"),
        ("msa_passthrough", 1, "true or false"),
        ("msa_passthrough", "maybe", "true or false"),
        ("msa_passthrough", "", "true or false"),
        ("use_default_account", 0, "true or false"),
        ("use_default_account", [True], "true or false"),
    ],
)
def test_invalid_values_are_reported_on_their_field(
    field: str, value: object, mention: str
) -> None:
    errors = validate({field: value})
    assert list(errors) == [field]
    assert mention.lower() in errors[field].lower()
    with pytest.raises(ProfileError) as info:
        parse_profile({field: value})
    assert info.value.errors == errors


@pytest.mark.parametrize("field", FIELDS)
def test_none_is_a_field_error(field: str) -> None:
    errors = validate({field: None})
    assert list(errors) == [field]
    assert "NoneType" in errors[field] or "true or false" in errors[field]


def test_scopes_of_one_api_in_any_spelling_are_one_resource() -> None:
    graph = (
        "User.Read https://graph.microsoft.com/Mail.Read "
        "00000003-0000-0000-c000-000000000000/Files.Read"
    )
    assert validate({"scopes": graph}) == {}
    assert validate({"scopes": "api://A/Read api://a/Write"}) == {}  # resources ignore case
    mixed = validate({"scopes": "User.Read https://storage.azure.com/user_impersonation"})
    assert "Microsoft Graph and https://storage.azure.com are two" in mixed["scopes"]


def test_reserved_scopes_are_explained_in_the_users_words() -> None:
    message = validate({"scopes": "openid User.Read"})["scopes"]
    assert message.startswith("Remove openid: every sign-in asks for openid")
    assert "ValueError" not in message and "msal" not in message


def test_the_tenant_message_does_not_offer_a_client_id_as_an_example() -> None:
    message = validate({"tenant": "not a tenant!"})["tenant"]
    assert AZURE_DEV_CLIENT_ID not in message
    assert "Directory (tenant) ID" in message


def test_client_id_message_is_specific() -> None:
    assert validate({"client_id": "x"}) == {
        "client_id": "Client id must be a GUID like 04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    }


# ---------------------------------------------------------------------------- B2C and ADFS


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("tenant", "adfs", "AD FS"),
        ("tenant", "ADFS", "AD FS"),
        ("tenant", "contoso.onmicrosoft.com/B2C_1_signupsignin", "B2C"),
        ("tenant", "contoso.onmicrosoft.com/b2c_1a_signin", "B2C"),
        ("tenant", "B2C_1_signin", "B2C"),
        ("tenant", "contoso.b2clogin.com", "B2C"),
        ("authority_host", "https://adfs.contoso.com/adfs", "AD FS"),
        ("authority_host", "https://adfs.contoso.com/adfs/", "AD FS"),
        ("authority_host", "https://adfs.contoso.com/ADFS/ls", "AD FS"),
        ("authority_host", "https://contoso.b2clogin.com", "B2C"),
        ("authority_host", "https://CONTOSO.B2CLOGIN.COM/", "B2C"),
        ("authority_host", "https://contoso.b2clogin.com/contoso.onmicrosoft.com", "B2C"),
        ("authority_host", "https://login.microsoftonline.com/tfp/contoso/B2C_1_x", "B2C"),
        ("authority_host", "https://b2clogin.contoso.cn", "B2C"),
    ],
)
def test_b2c_and_adfs_are_refused_because_the_broker_does_not_support_them(
    field: str, value: str, kind: str
) -> None:
    errors = validate({field: value})
    assert list(errors) == [field]
    assert kind in errors[field]
    assert "not supported by the authentication broker" in errors[field]


def test_adfs_substring_in_a_domain_is_not_adfs() -> None:
    assert validate({"tenant": "adfs.contoso.com"}) == {}
    custom = {"authority_host": "https://adfs.contoso.com", "custom_authority_host": True}
    assert validate(custom) == {}


# ---------------------------------------------------------------------------- authority hosts


def test_the_known_hosts_are_msals_less_the_closed_german_cloud() -> None:
    """Kept by hand (importing msal would slow start-up); this keeps it in step with the pin."""
    from msal.authority import WELL_KNOWN_AUTHORITY_HOSTS

    assert WELL_KNOWN_AUTHORITY_HOSTS - {"login.microsoftonline.de"} == KNOWN_AUTHORITY_HOSTS
    assert {url.removeprefix("https://") for url in AUTHORITY_HOSTS.values()} <= (
        KNOWN_AUTHORITY_HOSTS
    )


@pytest.mark.parametrize(
    ("host", "normalised"),
    [
        ("https://login.contoso.com:8443/", "https://login.contoso.com:8443"),
        ("https://localhost", "https://localhost"),
        ("https://evil.example", "https://evil.example"),
        ("https://login.microsoftonline.com:8443", "https://login.microsoftonline.com:8443"),
        ("https://login.microsoftonline.de", "https://login.microsoftonline.de"),
    ],
)
def test_any_other_host_needs_marking_as_custom_and_then_warns(host: str, normalised: str) -> None:
    errors = validate({"authority_host": host})
    assert list(errors) == ["authority_host"]
    retired = host.endswith(".de")  # not suggested as custom: it can only fail
    assert ("mark it as a custom authority host" in errors["authority_host"]) != retired
    profile = parse_profile({"name": "Lab", "authority_host": host, "custom_authority_host": "yes"})
    assert profile.authority_host == normalised and profile.custom_authority_host
    assert parse_profile(profile.to_dict()) == profile
    warning = profile.custom_host_warning
    assert warning is not None
    assert warning.startswith(f"Sign-ins for profile 'Lab' go to {normalised[8:]}, which is not")
    assert ("closed on 29 October 2021" in warning) == host.endswith(".de")


def test_a_microsoft_cloud_is_never_custom_and_never_warns() -> None:
    for url in AUTHORITY_HOSTS.values():
        profile = parse_profile({"authority_host": url, "custom_authority_host": True})
        assert not profile.custom_authority_host and profile.custom_host_warning is None


@pytest.mark.parametrize(
    "host",
    [
        "https://127.0.0.1:8443",
        "https://[::1]",
        "https://[::1]:8443",
        "https://10.0.0.1",
        "https://127.1",  # resolvers read these as addresses too
        "https://0x7f000001",
        "https://2130706433",
        "https://login.example.42",
    ],
)
def test_an_ip_address_is_refused_even_as_a_custom_host(host: str) -> None:
    """The broker's runtime refuses an address ("Authority cannot be null"): refused here, with
    words, rather than accepted and failing at every sign-in."""
    for custom in (False, True):
        errors = validate({"authority_host": host, "custom_authority_host": custom})
        assert list(errors) == ["authority_host"]
        assert "host name, not an IP address" in errors["authority_host"]


# ---------------------------------------------------------------------------- hypothesis

JSONISH = st.one_of(
    st.text(),
    st.none(),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(st.text()),
    st.lists(st.one_of(st.none(), st.integers(), st.text())),
    st.dictionaries(st.text(), st.text(), max_size=3),
)

# Text shaped like each field's valid form, so the generators also reach the accepting paths.
_HEX = st.sampled_from("0123456789abcdefABCDEF")
GUIDS = st.tuples(*(st.text(_HEX, min_size=n, max_size=n) for n in (8, 4, 4, 4, 12))).map("-".join)
_LABELS = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=12)
DOMAINS = st.lists(_LABELS, min_size=1, max_size=4).map(".".join)
_PADDING = st.sampled_from(["", " ", "\t", "\n"])
FIELD_TEXT = {
    "name": st.text(),
    "client_id": GUIDS,
    "tenant": st.one_of(GUIDS, DOMAINS, st.sampled_from(["Common", "organizations", "consumers"])),
    "authority_host": st.one_of(
        st.sampled_from(list(AUTHORITY_HOSTS)),
        st.builds(
            "{}://{}{}{}".format,
            st.sampled_from(["https", "HTTPS", "http"]),
            DOMAINS,
            st.sampled_from(["", ":443", ":8443", ":0", ":x"]),
            st.sampled_from(["", "/", "/adfs", "/x", "?q"]),
        ),
    ),
    "scopes": st.one_of(
        st.lists(st.sampled_from(["User.Read", "Mail.Read", "openid", "api://x/.default", ""])),
        st.text(string.ascii_letters + "./:, \t"),
    ),
    "custom_authority_host": st.sampled_from(["true", "no", True, False, "2"]),
    "msa_passthrough": st.sampled_from(["true", "False", "YES", "no", "1", "0", "on", True]),
    "use_default_account": st.sampled_from(["true", "False", "YES", "no", "1", "0", "", False]),
    "pop_method": st.sampled_from(["", "GET", "post", "FETCH"]),
    "pop_url": st.one_of(st.just(""), st.builds("https://{}/p".format, DOMAINS), st.text()),
    "pop_nonce": st.one_of(st.just(""), st.text(max_size=12)),
    "force_refresh": st.sampled_from(["true", "no", True, False, "maybe"]),
    "claims": st.one_of(
        st.just(""),
        st.sampled_from(
            [
                '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
                'Bearer error="insufficient_claims", claims="e30"',
                "[1]",
                "e30",
            ]
        ),
        st.text(),
    ),
    "client_capabilities": st.one_of(st.sampled_from(["", "cp1", "cp1 cp2", ["cp1"]]), st.text()),
    "login_hint": st.one_of(st.just(""), st.emails(), st.text()),
}


def _field_values(field: str) -> st.SearchStrategy[object]:
    shaped = st.tuples(_PADDING, FIELD_TEXT[field], _PADDING).map(
        lambda t: f"{t[0]}{t[1]}{t[2]}" if isinstance(t[1], str) else t[1]
    )
    return st.one_of(JSONISH, FIELD_TEXT[field], shaped)


def _check_consistent(raw: dict[str, object]) -> None:
    """validate never raises; parse_profile agrees with it and is idempotent when valid."""
    errors = validate(raw)
    assert isinstance(errors, dict)
    assert set(errors) <= set(FIELDS)
    assert all(isinstance(msg, str) and msg for msg in errors.values())
    try:
        profile = parse_profile(raw)
    except ProfileError as exc:
        assert errors
        assert exc.errors == errors
        return
    assert errors == {}
    data = profile.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert validate(data) == {}
    assert parse_profile(data) == profile
    assert profile.name == profile.name.strip() and profile.name
    assert profile.client_id == profile.client_id.lower()
    assert profile.tenant == profile.tenant.lower()
    assert profile.authority_host.startswith("https://")
    assert not profile.authority_host.endswith("/")
    assert profile.scopes and len(set(profile.scopes)) == len(profile.scopes)
    assert profile.authority == f"{profile.authority_host}/{profile.tenant}"


@pytest.mark.parametrize("field", FIELDS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_value_for_one_field_never_crashes(field: str, data: st.DataObject) -> None:
    value = data.draw(_field_values(field), label=field)
    _check_consistent({field: value})
    errors = validate({field: value})
    assert set(errors) <= {field}


@settings(max_examples=500, deadline=None)
@given(raw=st.fixed_dictionaries({field: _field_values(field) for field in FIELDS}))
def test_any_combination_of_fields_never_crashes(raw: dict[str, object]) -> None:
    _check_consistent(raw)


@settings(max_examples=200, deadline=None)
@given(
    raw=st.fixed_dictionaries(
        {},
        optional={field: FIELD_TEXT[field] for field in FIELDS},
    )
)
def test_shaped_partial_profiles_are_consistent(raw: dict[str, object]) -> None:
    _check_consistent(raw)


@settings(max_examples=200, deadline=None)
@given(guid=GUIDS, padding=_PADDING)
def test_any_guid_is_accepted_as_client_id_and_tenant(guid: str, padding: str) -> None:
    p = parse_profile({"client_id": padding + guid + padding, "tenant": guid})
    assert p.client_id == p.tenant == guid.lower()
    assert p.redirect_uris()["Windows (WAM)"].endswith(guid.lower())
