"""`python -m app.sandbox` as a user meets it: the azure-identity-broker README example runs
inside it unchanged (its window handle and account URL come from the environment), also with
no network at all (`unshare -n`), the sandbox alone prints what a program needs, and a tenant
given as a domain resolves where the system CA bundle is the sandbox's (`--system-ca`).

Each run starts a sandbox of its own in a fresh process: nothing here touches the session's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from app.sandbox.storage.azurite import DEMO_TREE
from tests.helpers import CONTOSO, ROOT

EXAMPLE = ROOT / "examples" / "list_containers.py"
SESSION_VARIABLES = ("DBUS_SESSION_BUS_ADDRESS", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy",
                     "http_proxy", "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE",
                     "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "AZURE_STORAGE_ACCOUNT_URL")  # fmt: skip


def outside_env() -> dict[str, str]:
    """This process's environment without the session sandbox's variables: as a user's shell."""
    return {k: v for k, v in os.environ.items() if k not in SESSION_VARIABLES}


def in_sandbox(*args: str, wrap: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.sandbox", *args]
    if wrap:  # e.g. a new network namespace: the wrapper runs the sandbox command
        command = [*wrap, *command]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=ROOT, env=outside_env()
    )


def test_the_readme_example_runs_unchanged_and_lists_the_demo_containers() -> None:
    example = EXAMPLE.read_text()
    assert (
        "InteractiveBrowserBrokerCredential(parent_window_handle=current_window_handle)" in example
    )
    assert "BlobServiceClient(account_url, credential=credential)" in example
    assert "sandbox" not in example.split('"""')[2]  # no sandbox code below the docstring
    result = in_sandbox("--storage", "--pick", "adele@contoso.example", "--",
                        sys.executable, str(EXAMPLE))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == sorted(DEMO_TREE)


def test_the_readme_example_with_no_network_at_all() -> None:
    """In a network namespace with only loopback: a request that tried to leave would fail."""
    unshare = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    wrap = [*unshare, "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
    result = in_sandbox("--storage", "--pick", "adele@contoso.example", "--",
                        sys.executable, str(EXAMPLE), wrap=wrap)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == sorted(DEMO_TREE)


def test_an_owner_without_a_data_role_gets_storages_403() -> None:
    result = in_sandbox("--storage", "--pick", "nestor@contoso.example", "--",
                        sys.executable, str(EXAMPLE))  # fmt: skip
    assert result.returncode != 0
    assert "AuthorizationPermissionMismatch" in result.stderr
    assert "This request is not authorized to perform this operation" in result.stderr


def test_the_sandbox_alone_prints_what_a_program_needs() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.sandbox", "--storage"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=outside_env(),
    )  # fmt: skip
    assert proc.stdout is not None
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("# sandbox running"):
                break
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=120)  # a hang detector: teardown waits on its children
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export ")
    )
    for name in ("DBUS_SESSION_BUS_ADDRESS", "HTTPS_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE",
                 "SSL_CERT_FILE", "AZURE_STORAGE_ACCOUNT_URL"):  # fmt: skip
        assert name in exports, name
    assert exports["AZURE_STORAGE_ACCOUNT_URL"].startswith("'https://127.0.0.1:")
    assert any('"op": "pick"' in line and "gdbus call" in line for line in lines)
    assert proc.returncode == 0
    bundle = exports["REQUESTS_CA_BUNDLE"].strip("'")
    assert not Path(bundle).exists()  # its working folder went with it


def domain_tenant(*args: str) -> dict[str, str]:
    module = "tests.integration.sandbox.domain_tenant"
    result = in_sandbox(*args, "--", sys.executable, "-m", module)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_tenant_domain_fails_where_the_runtime_trusts_only_the_system_cas() -> None:
    """The runtime looks the domain up itself, through the proxy, with libcurl trusting only
    /etc/ssl/certs: it refuses the sandbox's certificate (curl error 60)."""
    answer = domain_tenant()
    assert answer["status"] == "NetworkTemporarilyUnavailable"
    assert "SSL certificate" in answer["context"]


def test_a_tenant_domain_resolves_with_the_sandboxs_ca_as_the_system_one() -> None:
    answer = domain_tenant("--system-ca")
    assert answer == {"tid": CONTOSO, "iss": f"https://sts.windows.net/{CONTOSO}/"}
