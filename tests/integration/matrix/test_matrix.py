"""The configuration matrix through the real runtime against the sandbox broker: every cell's
outcome is what the sandbox's directory (its Entra ID rules) says, plus the one thing the
native runtime decides itself (on Linux it never brokers a personal account silently)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import threading
import time

import pytest

from app.core.broker.records import Account
from app.core.broker.runtime import Broker
from app.core.configurations.configuration import Configuration
from app.core.configurations.request_options import Pop
from app.core.matrix.export import to_csv, to_json, to_markdown
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import MatrixSpec, cells
from app.core.outcomes.outcome import Kind, Outcome
from app.core.tokens.redact import looks_like_jwt
from app.sandbox.entra.directory import Directory, Refusal
from tests.helpers import CONTOSO, FABRIKAM

NAMES = {CONTOSO: "Contoso", FABRIKAM: "Fabrikam"}
SCOPE_SETS = (
    ("storage", ("https://storage.azure.com/.default",)),
    ("management", ("https://management.azure.com/.default",)),
    ("vault", ("https://vault.azure.net/.default",)),
)
REFUSED = {50020: Kind.NOT_USABLE, 53003: Kind.BLOCKED, 50076: Kind.INTERACTION}


@pytest.fixture
def spec(fresh_profile) -> MatrixSpec:  # type: ignore[no-untyped-def]
    return MatrixSpec(
        fresh_profile.client_id,
        fresh_profile.authority_host,
        ("organizations", "common", "consumers", CONTOSO, FABRIKAM),
        (False, True),
        SCOPE_SETS,
    )


@pytest.fixture
def accounts(spec: MatrixSpec) -> list[Account]:
    listed = Broker().discover_accounts(Configuration(spec.client_id).profile())
    return spec.pick(listed)[0]


def expected(directory: Directory, account: Account, config: Configuration) -> tuple[Kind, str]:
    """What the directory's rules say for this cell: the kind, and the token's tenant."""
    user = directory.user(account.username)
    assert user is not None
    if user.personal and not config.admits_personal:
        return Kind.NOT_USABLE, ""
    if not user.personal and not config.admits_work:
        return Kind.NOT_USABLE, ""
    if user.personal:  # the native runtime's own answer on Linux: no silent personal tokens,
        # and under consumers no interactive call reaches the broker either
        return (Kind.NOT_USABLE if config.tenant == "consumers" else Kind.INTERACTION), ""
    authority = f"{config.authority_host}/{config.tenant}"
    try:
        tenant = directory.resolve(user, config.client_id, authority, config.msa_passthrough)
        directory.check_silent(user, config.client_id, list(config.scopes))
    except Refusal as refusal:
        return REFUSED[refusal.code], ""
    return Kind.TOKEN, tenant


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_every_cell_is_what_the_directory_says(spec, accounts, control):
    directory = Directory.load()
    directory.data["applications"].append({"client_id": spec.client_id, "name": "test"})
    run = MatrixRun(cells(accounts, spec.configurations()), NAMES)
    assert run.total == 7 * 5 * 2 * 3  # the 7 known accounts of directory.json
    run.run(Broker())
    answers = run.take()
    assert len(answers) == run.total and run.done == run.total
    kinds = set()
    for cell, outcome in answers:
        kind, tenant = expected(directory, cell.account, cell.config)
        where = (cell.account.username, cell.config)
        assert outcome.kind is kind, where
        kinds.add(kind)
        if kind is Kind.TOKEN:
            facts = outcome.facts
            assert facts is not None and facts.tenant == tenant, where
            assert facts.guest == (tenant != cell.account.home_tenant), where
            assert facts.audience == cell.config.scopes[0].removesuffix("/.default"), where
            assert outcome.token is not None
        else:
            assert outcome.facts is None and outcome.token is None
            assert outcome.reason and outcome.fix
    assert kinds == {Kind.TOKEN, Kind.INTERACTION, Kind.NOT_USABLE, Kind.BLOCKED}
    # The rules decided what Entra ID refuses for the account's kind; the broker was not asked.
    ruled = sum(1 for _, o in answers if not o.asked)
    assert len(control.calls("acquireTokenSilently")) <= run.total - ruled


def test_a_failed_broker_call_is_an_outcome_too(spec, accounts, control):
    adele = next(a for a in accounts if a.username.startswith("adele"))
    config = spec.configurations()[0]
    control.delay("acquireTokenSilently", 3.0)
    run = MatrixRun(cells([adele], [config]))
    run.run(Broker(timeout=0.5))  # our deadline passes while the broker holds the call
    ((_, outcome),) = run.take()
    assert (outcome.kind, outcome.code) == (Kind.FAILED, "Timeout")


def test_cancel_stops_after_the_cell_in_flight_and_keeps_the_answers(spec, accounts, control):
    work = [a for a in accounts if not a.personal]
    run = MatrixRun(cells(work, spec.configurations()), NAMES)
    worker = threading.Thread(target=run.run, args=(Broker(),))
    worker.start()
    kept: list[tuple[object, Outcome]] = []
    while len(kept) < 3:
        kept += run.take()
        time.sleep(0.01)
    run.cancel()
    worker.join(60)
    assert not worker.is_alive()
    kept += run.take()
    assert 3 <= len(kept) == run.done < run.total  # stopped early; nothing answered was lost
    assert run.current is None


@pytest.mark.broker_generation("2.0.1")  # needs Entra's AADSTS code: 2.5 redacts it
def test_exports_parse_back_and_hold_no_token(spec, accounts):
    configs = spec.configurations()[:6]
    run = MatrixRun(cells(accounts, configs), NAMES)
    run.run(Broker())
    answers = run.take()
    as_json = to_json(spec, answers)
    as_csv = to_csv(spec, answers)
    as_md = to_markdown(spec, answers, accounts, NAMES)
    for text in (as_json, as_csv, as_md):
        assert not looks_like_jwt(text)
        assert all(o.token.access_token not in text for _, o in answers if o.token)

    parsed = json.loads(as_json)
    assert len(parsed["cells"]) == len(answers)
    carl = next(c for c in parsed["cells"] if c["account"] == "carl@contoso.example")
    assert (carl["outcome"], carl["code"]) == ("blocked", "AADSTS53003")
    lee = next(c for c in parsed["cells"] if c["account"] == "lee@fabrikam.example")
    assert lee["token"]["claims"]["tid"] == FABRIKAM and lee["token"]["granted"]

    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [(r["account"], r["outcome"]) for r in rows] == [
        (c.account.username, o.kind.value) for c, o in answers
    ]

    table = [line for line in as_md.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    assert header[:3] == ["Tenant", "Passthrough", "Scopes"] and len(header) == 3 + len(accounts)
    assert len([line for line in table if line.startswith("| organizations")]) == 6
    assert "## Why not a token" in as_md and "AADSTS53003" in as_md


def test_request_options_go_to_every_cell_and_each_outcome_says_what_was_used(
    spec, accounts, control
):
    """PoP, force refresh and cp1 through the matrix: every token cell is a PoP token bound to
    the request, answered by the broker (force refresh), carrying xms_cc; the export says so
    and still holds no token (a PoP answer wraps one)."""
    pop = Pop("GET", "https://contoso.blob.core.windows.net/reports/q3.csv", "n-9")
    with_options = dataclasses.replace(
        spec, tenants=(CONTOSO,), passthrough=(False,), scope_sets=SCOPE_SETS[:1], pop=pop,
        force_refresh=True, capabilities=("cp1",),
    )  # fmt: skip
    work = [a for a in accounts if a.username in ("adele@contoso.example", "megan@contoso.example")]
    for _ in range(2):  # the second run would be the runtime cache's, but for force refresh
        run = MatrixRun(cells(work, with_options.configurations()), NAMES)
        run.run(Broker())
        answers = run.take()
        assert [o.kind for _, o in answers] == [Kind.TOKEN, Kind.TOKEN]
        for _, outcome in answers:
            assert outcome.facts is not None and outcome.facts.pop
            assert not outcome.facts.from_cache
            assert outcome.facts.claims["xms_cc"] == ["cp1"] and "cnf" in outcome.facts.claims
            assert (
                "Asked with PoP GET https://contoso.blob.core.windows.net/reports/q3.csv, "
                "force refresh, capabilities cp1." in outcome.reason
            )
    exported = json.loads(to_json(with_options, answers))
    assert {(c["token"]["type"], c["token"]["source"]) for c in exported["cells"]} == {
        ("pop", "broker")
    }
    assert exported["matrix"]["options"].startswith("PoP GET https://contoso.blob")
    as_csv = to_csv(with_options, answers)
    assert not looks_like_jwt(as_csv + json.dumps(exported))
    assert [r["token_type"] for r in csv.DictReader(io.StringIO(as_csv))] == ["pop", "pop"]
