"""The code an SDK user writes for a configuration: Python with azure-identity-broker, Python
with msal, and the az command line. Each is complete and runs as it is (in the sandbox too:
`python -m app.sandbox -- python snippet.py`); what a tool cannot express is said in a
comment, never left out silently. No token, no secret: only the configuration."""

from __future__ import annotations

from app.core.configurations.profile import AZURE_DEV_CLIENT_ID, Profile

_HANDLE = (
    "# The native handle of your app's window (the broker's dialog goes over it): on Windows "
    'its HWND.\nparent_window_handle = int(os.environ.get("PARENT_WINDOW_HANDLE", "1"))\n'
)


def _print_claims() -> str:
    return (
        'payload = token.split(".")[1]\n'
        'claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))\n'
        'print(json.dumps({k: claims.get(k) for k in ("aud", "tid", "oid", "scp", '
        '"preferred_username")}, indent=2))\n'
    )


def python_identity(profile: Profile) -> str:
    """azure-identity-broker's InteractiveBrowserBrokerCredential for this configuration."""
    args = [
        "parent_window_handle=parent_window_handle",
        f"client_id={profile.client_id!r}",
        f"tenant_id={profile.tenant!r}",
        f"authority={profile.authority_host!r}",
    ]
    if profile.msa_passthrough:
        args.append("enable_msa_passthrough=True")
    if profile.use_default_account:
        args.append("use_default_broker_account=True")
    if profile.custom_authority_host:
        args.append("disable_instance_discovery=True")
    options = []
    if profile.claims:
        options.append(f'"claims": {profile.claims!r}')
    if "cp1" in profile.client_capabilities:
        options.append('"enable_cae": True')
    pop = profile.pop
    if pop is not None:
        options.append(
            f'"pop": {{"resource_request_method": {pop.method!r}, '
            f'"resource_request_url": {pop.url!r}, "nonce": {pop.nonce!r}}}'
        )
    notes = ""
    if profile.force_refresh:
        notes += "# The credential has no force refresh: the runtime's cache may answer.\n"
    if profile.login_hint:
        notes += "# No login hint: the credential asks with prompt=select_account.\n"
    scopes = ", ".join(repr(s) for s in profile.scopes)
    return (
        "import base64\nimport json\nimport os\n\n"
        "from azure.identity.broker import InteractiveBrowserBrokerCredential\n\n"
        f"{_HANDLE}{notes}"
        "credential = InteractiveBrowserBrokerCredential(\n    " + ",\n    ".join(args) + ",\n)\n"
        f"token = credential.get_token_info({scopes}, options={{{', '.join(options)}}}).token\n"
        + _print_claims()
    )


def python_msal(profile: Profile) -> str:
    """msal's PublicClientApplication with the broker on, for this configuration."""
    capabilities = list(profile.client_capabilities)
    lines = [
        "import base64\nimport json\nimport os\n\nimport msal\n\n",
        _HANDLE,
        "app = msal.PublicClientApplication(\n",
        f"    {profile.client_id!r},\n",
        f"    authority={profile.authority!r},\n",
        "    enable_broker_on_windows=True,\n",
        "    enable_broker_on_mac=True,\n",
        "    enable_broker_on_linux=True,\n",
    ]
    if capabilities:
        lines.append(f"    client_capabilities={capabilities!r},\n")
    if profile.custom_authority_host:
        lines.append("    instance_discovery=False,\n")
    lines.append(")\n")
    kwargs = [f"{list(profile.scopes)!r}", "parent_window_handle=parent_window_handle"]
    if profile.msa_passthrough:
        kwargs.append("enable_msa_passthrough=True")
    if profile.claims:
        kwargs.append(f"claims_challenge={profile.claims!r}")
    if profile.login_hint:
        kwargs.append(f"login_hint={profile.login_hint!r}")
    if profile.pop is not None:
        pop = profile.pop
        lines.append(
            '# msal refuses proof-of-possession on Linux ("POP is not supported on Linux").\n'
            f"pop = msal.PopAuthScheme(http_method={pop.method!r}, url={pop.url!r}, "
            f"nonce={pop.nonce!r})\n"
        )
        kwargs.append("auth_scheme=pop")
    if profile.force_refresh:
        lines.append("# msal's interactive call has no force refresh.\n")
    prompt = "" if profile.use_default_account else ', prompt="select_account"'
    lines.append(f"result = app.acquire_token_interactive({', '.join(kwargs)}{prompt})\n")
    lines.append('if "error" in result:\n    raise SystemExit(result["error_description"])\n')
    lines.append('token = result["access_token"]\n')
    lines.append(_print_claims())
    return "".join(lines)


def az_cli(profile: Profile) -> str:
    """The Azure CLI's nearest commands: its own client id, its broker setting on Windows."""
    lines = ["# Windows: sign in through WAM (Azure CLI 2.61 and later)",
             "az config set core.enable_broker_on_windows=true"]  # fmt: skip
    if profile.client_id != AZURE_DEV_CLIENT_ID:
        lines.append(
            f"# The Azure CLI signs in as its own app ({AZURE_DEV_CLIENT_ID}); it cannot use "
            f"yours ({profile.client_id})."
        )
    if profile.msa_passthrough or profile.pop or profile.claims or profile.client_capabilities:
        lines.append("# MSA passthrough, PoP, claims and capabilities are not options of az.")
    tenant = "" if profile.tenant in ("organizations", "common") else f" --tenant {profile.tenant}"
    scope = "--scope " + " ".join(profile.scopes)  # space-separated, as az reads them
    lines.append(f"az login{tenant} {scope}")
    lines.append(f"az account get-access-token{tenant} {scope} --query accessToken --output tsv")
    return "\n".join(lines) + "\n"
