"""The matrix's "every ARM tenant" choice (app.core.matrix.arm_tenants): the tenant axis with
the accounts' ARM tenants in place of the choice, the cells not to ask, and why an account's
tenants are unknown. Through the real runtime and the sandbox's ARM:
tests/integration/ui/test_matrix_arm_tenants.py."""

from __future__ import annotations

import dataclasses

from app.core.arm.records import ArmProblem, Discovery, Tenant, TenantAnswer
from app.core.configurations.configuration import Configuration
from app.core.matrix.arm_tenants import (
    EVERY_ARM_TENANT,
    NOT_ITS_TENANT,
    NOT_ITS_TENANT_WORD,
    TENANTS_UNKNOWN,
    cell_word,
    expand,
    missing,
)
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import cells
from app.core.outcomes.outcome import Kind, Outcome
from tests.stubs import FakeBroker, account

ADELE, LEE, CARL = account("adele"), account("lee"), account("carl")
HOME, GUEST = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"


def found(who, *tenants: str) -> Discovery:  # type: ignore[no-untyped-def]
    answers = tuple(TenantAnswer(Tenant(t, f"T{t[0]}")) for t in tenants)
    return Discovery(who.home_account_id, who.username, tenants=answers)


def test_without_the_choice_the_axis_is_as_chosen():
    got = expand(["organizations"], [ADELE], {}, {})
    assert (got.tenants, got.outside, got.unknown) == (("organizations",), frozenset(), ())


def test_each_account_is_asked_only_in_its_own_tenants():
    known = {
        ADELE.home_account_id: found(ADELE, HOME),
        LEE.home_account_id: found(LEE, GUEST, HOME),
    }
    got = expand(["organizations", EVERY_ARM_TENANT], [ADELE, LEE], known, {})
    assert got.tenants == ("organizations", HOME, GUEST)
    assert got.outside == {(ADELE.home_account_id, GUEST)}
    assert got.unknown == ()


def test_a_tenant_chosen_itself_asks_every_account():
    known = {ADELE.home_account_id: found(ADELE, HOME), LEE.home_account_id: found(LEE, GUEST)}
    got = expand([GUEST, EVERY_ARM_TENANT], [ADELE, LEE], known, {})
    assert got.tenants == (GUEST, HOME)
    assert got.outside == {(LEE.home_account_id, HOME)}  # not (adele, GUEST): chosen itself


def test_an_account_whose_discovery_failed_is_explained():
    blocked = Outcome(Kind.BLOCKED, "AccountUnusable", "Account blocked", "why", "Ask an admin")
    refused = ArmProblem(403, "AuthorizationFailed", "no", "Not allowed", "Ask for a role")
    known = {
        ADELE.home_account_id: found(ADELE, HOME),
        CARL.home_account_id: Discovery(CARL.home_account_id, CARL.username, outcome=blocked),
        LEE.home_account_id: Discovery(LEE.home_account_id, LEE.username, problem=refused),
    }
    got = expand([EVERY_ARM_TENANT], [ADELE, CARL, LEE], known, {})
    assert got.tenants == (HOME,)
    assert "no ARM token" in got.why[CARL.home_account_id]
    assert "Account blocked" in got.why[CARL.home_account_id]
    assert "ARM refused" in got.why[LEE.home_account_id]
    assert "Not allowed" in got.why[LEE.home_account_id]
    assert len(got.unknown) == 2 and ADELE.home_account_id not in got.why


def test_missing_are_the_accounts_not_discovered_yet():
    assert missing([ADELE, LEE], {ADELE.home_account_id: found(ADELE, HOME)}) == [LEE]


def test_a_run_does_not_ask_the_cells_outside_and_marks_them():
    broker = FakeBroker([ADELE, CARL])
    configs = [dataclasses.replace(Configuration(), tenant=t) for t in (HOME, GUEST)]
    run = MatrixRun(
        cells([ADELE, CARL], configs),
        {GUEST: "Guesthouse"},
        frozenset({(ADELE.home_account_id, GUEST), (CARL.home_account_id, GUEST)}),
        {CARL.home_account_id: "carl: no ARM token to list its tenants — blocked"},
    )
    run.run(broker)
    answers = {(c.account.username, c.config.tenant): o for c, o in run.take()}
    assert len(broker.asked) == 2  # HOME for both; GUEST for nobody
    adele = answers[(ADELE.username, GUEST)]
    assert adele.code == NOT_ITS_TENANT and not adele.asked and not adele.needs_interaction
    assert f"Guesthouse ({GUEST})" in adele.reason
    assert cell_word(adele) == NOT_ITS_TENANT_WORD
    carl = answers[(CARL.username, GUEST)]
    assert carl.code == TENANTS_UNKNOWN and "no ARM token" in carl.reason
    assert cell_word(answers[(ADELE.username, HOME)]) == Kind.TOKEN.word
