"""Matrix files: read into a spec and expectations; every mistake names the line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.matrix.file import MatrixFileError, load_matrix
from tests.helpers import ROOT

GOOD = """\
tenants = ["organizations", "Contoso.Example"]
passthrough = [false, true]

[scopes]
storage = ["https://storage.azure.com/.default"]
graph = "User.Read Mail.Read"

[[expect]]
account = "carl@contoso.example"
outcome = "blocked"

[[expect]]
tenant = "contoso.example"
passthrough = true
scopes = "graph"
outcome = "AADSTS50020"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "matrix.toml"
    path.write_text(text)
    return path


def test_a_good_file(tmp_path: Path):
    matrix = load_matrix(write(tmp_path, GOOD))
    spec = matrix.spec
    assert spec.tenants == ("organizations", "contoso.example")  # normalised like a profile
    assert spec.client_id == "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    assert spec.scope_sets == (
        ("storage", ("https://storage.azure.com/.default",)),
        ("graph", ("User.Read", "Mail.Read")),
    )
    assert len(spec.configurations()) == 2 * 2 * 2
    first, second = matrix.expectations
    assert (first.account, first.outcome, first.line) == ("carl@contoso.example", "blocked", 10)
    assert (second.tenant, second.passthrough, second.scopes, second.line) == (
        "contoso.example",
        True,
        "graph",
        16,
    )


def test_the_sample_file_in_the_repository_loads():
    matrix = load_matrix(ROOT / "examples" / "sandbox-matrix.toml")
    assert len(matrix.spec.configurations()) == 5 * 2 * 3 and len(matrix.expectations) == 6


S = '[scopes]\na = ["x"]\n'  # a valid scope set, for files whose mistake is elsewhere
C = 'tenants = ["common"]\n'  # a valid tenant list
E = "[[expect]]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tenants = [\n", ":1: not valid TOML"),
        ('tenant = ["organizations"]\n' + S, ":1: tenant: unknown field 'tenant'"),
        ('tenants = ["common", "not a tenant!"]\n' + S, ":1: tenants: Tenant must be"),
        ('tenants = ["contoso/B2C_1_signin"]\n' + S, "B2C is not supported"),
        ('tenants = "common"\n' + S, ":1: tenants: must be a list of text"),
        ("tenants = []\n" + S, ":1: tenants: must name at least one tenant"),
        (C, ":1: scopes: is missing"),
        (C + '\n[scopes]\nboth = ["openid"]\n', ":4: scopes.both: Remove openid"),
        ('client_id = "nope"\n' + C + S, ":1: client_id: Client id must be a GUID"),
        (C + 'passthrough = ["yes"]\n' + S, ":2: passthrough: must be a list of true or false"),
        (C + S + "\n" + E + 'outcome = "great"\n', ":6: expect[1].outcome: must be one of"),
        (
            C + S + E + 'outcome = "token"\n' + E + 'tenant = "consumers"\noutcome = "token"\n',
            ":7: expect[2].tenant: 'consumers' is not one of the matrix's tenants",
        ),
        (C + S + E + 'scope = "a"\noutcome = "token"\n', ":5: expect[1].scope: unknown field"),
    ],
)
def test_mistakes_name_the_line_and_the_field(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(MatrixFileError) as caught:
        load_matrix(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_an_unreadable_file(tmp_path: Path):
    with pytest.raises(MatrixFileError, match="cannot read the matrix file"):
        load_matrix(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe tenants")
    with pytest.raises(MatrixFileError, match="not UTF-8"):
        load_matrix(tmp_path / "bad.toml")


def test_request_options_apply_to_every_cell(tmp_path: Path):
    text = C + 'force_refresh = true\nclient_capabilities = ["cp1"]\n'
    text += 'claims = \'{"access_token": {"acrs": {"essential": true, "value": "c1"}}}\'\n'
    text += 'pop = {method = "get", url = "https://h.example/c/b", nonce = "n"}\n' + S
    spec = load_matrix(write(tmp_path, text)).spec
    (config,) = spec.configurations()
    assert config.force_refresh and config.capabilities == ("cp1",)
    assert config.pop is not None and (config.pop.method, config.pop.path) == ("GET", "/c/b")
    assert '"acrs"' in config.claims
    assert (
        config.options
        == "PoP GET https://h.example/c/b, force refresh, capabilities cp1, claims challenge"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (C + "force_refresh = 1\n" + S, ":2: force_refresh: must be true or false"),
        (C + 'pop = {method = "GET"}\n' + S, ":2: pop: A PoP method needs the PoP URL"),
        (C + 'pop = {verb = "GET"}\n' + S, ":2: pop: must be {method"),
        (C + 'claims = "nope!"\n' + S, ":2: claims: Claims must be a WWW-Authenticate header"),
        (C + 'client_capabilities = ["cp9"]\n' + S, ":2: client_capabilities: Unknown client"),
    ],
)
def test_request_option_mistakes_name_the_line(tmp_path: Path, text: str, message: str):
    with pytest.raises(MatrixFileError, match=message):
        load_matrix(write(tmp_path, text))


FRAGMENTS = st.sampled_from([
    'tenants = ["organizations"]\n', "passthrough = [false, true]\n", "[scopes]\n",
    'storage = ["https://storage.azure.com/.default"]\n', '[[expect]]\noutcome = "token"\n',
    "accounts = [", "]", "{", "}", "[", "x = ", '"s"', "1", ",", "\n", "# c\n", "client_id = ",
    "pop = { method = ", "[[", "]]", "'''", '"""', "\\",
])  # fmt: skip
NESTED = st.integers(1, 3000).map(lambda n: "x = " + "[" * n + "]" * n + "\n")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(FRAGMENTS, max_size=40).map("".join), st.text(max_size=200), NESTED))
def test_any_file_loads_or_is_refused_with_its_line_never_a_traceback(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("m") / "matrix.toml"
    path.write_text(text)
    try:
        load_matrix(path)
    except MatrixFileError as exc:
        assert str(exc).startswith(f"{path}:")


def test_deep_nesting_is_refused_with_the_line(tmp_path):
    path = tmp_path / "matrix.toml"
    path.write_text('tenants = ["organizations"]\n' + "x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(MatrixFileError, match=r"matrix.toml:2: arrays or tables nested more"):
        load_matrix(path)
