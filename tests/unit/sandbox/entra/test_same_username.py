"""A personal and a work account with one username in the sandbox broker: it keys accounts by
id (homeAccountId), as the real brokers do, so both can be on the device, each gets its own
tokens, and a username alone that names both is never guessed between."""

from __future__ import annotations

import json
from typing import Any

from app.sandbox.broker.service import SandboxBroker
from app.sandbox.entra.directory import Directory
from tests.helpers import FABRIKAM
from tests.unit.sandbox.entra.test_directory import (
    ACCOUNTS_REQUEST,
    CLIENT,
    COMMON,
    CONSUMERS_TENANT,
    ORGS,
    TAYLOR,
    call,
    control,
    error,
    ok,
    run_in_thread,
    wait_for_pending,
)
from tests.unit.sandbox.entra.test_directory import broker as broker  # the fixture

WORK = f"3f9d7c21-5b8e-5a4f-9c60-d2e1b7a48f15.{FABRIKAM}"
PERSONAL = f"00000000-0000-0000-a1ce-5a1d0b0a0003.{CONSUMERS_TENANT}"


def sign_in(b: SandboxBroker, answer: str, authority: str = COMMON, **auth: Any) -> dict[str, Any]:
    control(b, "script", answers=[answer])
    request = {"authority": authority, "clientId": CLIENT, "requestedScopes": ["User.Read"], **auth}
    return call(b, "acquireTokenInteractively", request)


def listed(b: SandboxBroker) -> list[dict[str, Any]]:
    return json.loads(b.handle("getAccounts", ACCOUNTS_REQUEST))["accounts"]  # type: ignore[no-any-return]


def test_the_directory_holds_both_under_one_username_neither_on_the_device() -> None:
    d = Directory.load()
    both = [u for u in d.users if u.username == TAYLOR]
    assert sorted(u.id for u in both) == sorted([WORK, PERSONAL])
    assert {u.personal for u in both} == {True, False}
    assert not {WORK, PERSONAL} & d.known


def test_both_sign_in_and_are_listed_apart(broker: SandboxBroker) -> None:
    work = ok(sign_in(broker, WORK))
    personal = ok(sign_in(broker, PERSONAL))
    assert (work["oid"], work["tid"]) == (WORK.split(".")[0], FABRIKAM)
    assert (personal["oid"], personal["tid"]) == (PERSONAL.split(".")[0], CONSUMERS_TENANT)
    accounts = [a for a in listed(broker) if a["username"] == TAYLOR]
    assert sorted(a["homeAccountId"] for a in accounts) == sorted([WORK, PERSONAL])
    state = control(broker, "state")
    assert state["known"].count(TAYLOR) == 2 and {WORK, PERSONAL} <= set(state["known_ids"])


def test_a_silent_call_gets_the_token_of_the_account_it_names(broker: SandboxBroker) -> None:
    sign_in(broker, WORK)
    sign_in(broker, PERSONAL)
    for account in [a for a in listed(broker) if a["username"] == TAYLOR]:
        request = {"authority": COMMON, "clientId": CLIENT, "requestedScopes": ["User.Read"],
                   "account": account}  # fmt: skip
        got = ok(call(broker, "acquireTokenSilently", request))
        assert f"{got['oid']}.{got['tid']}" == account["homeAccountId"]


def test_signing_one_out_keeps_the_other(broker: SandboxBroker) -> None:
    sign_in(broker, WORK)
    sign_in(broker, PERSONAL)
    (work,) = [a for a in listed(broker) if a["homeAccountId"] == WORK]
    broker.handle("removeAccount", json.dumps({"account": work, "clientId": CLIENT}))
    assert [a["homeAccountId"] for a in listed(broker) if a["username"] == TAYLOR] == [PERSONAL]


def test_a_scripted_username_two_accounts_share_is_refused_with_both_ids(
    broker: SandboxBroker,
) -> None:
    err = error(sign_in(broker, TAYLOR), 0, 0)
    assert "2 accounts have the username taylor@fabrikam.example" in err["context"]
    assert WORK in err["context"] and PERSONAL in err["context"]
    assert TAYLOR not in control(broker, "state")["known"]


def test_a_login_hint_two_accounts_share_offers_just_those_two(broker: SandboxBroker) -> None:
    """Microsoft's sign-in page asks which one (work or school, or personal) when one e-mail
    address is both; the sandbox's picker lists the two, each with its id and tenant."""
    request = {"authority": COMMON, "clientId": CLIENT, "requestedScopes": ["User.Read"],
               "username": TAYLOR}  # fmt: skip
    thread, result = run_in_thread(broker, request)
    (pending,) = wait_for_pending(broker)
    offered = {o["id"]: (o["username"], o["personal"], o["tenant"]) for o in pending["offered"]}
    assert offered == {
        WORK: (TAYLOR, False, "Fabrikam"), PERSONAL: (TAYLOR, True, "Microsoft account"),
    }  # fmt: skip
    control(broker, "answer", id=pending["id"], username=PERSONAL)
    thread.join(5)
    assert ok(result[0])["tid"] == CONSUMERS_TENANT


def test_where_the_request_admits_only_one_the_hint_goes_straight_to_it(
    broker: SandboxBroker,
) -> None:
    # organizations without passthrough admits no personal account: no picker, the work one
    request = {"authority": ORGS, "clientId": CLIENT, "requestedScopes": ["User.Read"],
               "username": TAYLOR}  # fmt: skip
    assert ok(call(broker, "acquireTokenInteractively", request))["tid"] == FABRIKAM


def test_forget_by_id_forgets_one_by_username_both(broker: SandboxBroker) -> None:
    sign_in(broker, WORK)
    sign_in(broker, PERSONAL)
    control(broker, "forget", username=WORK)
    assert control(broker, "state")["known"].count(TAYLOR) == 1
    control(broker, "forget", username=TAYLOR)
    assert TAYLOR not in control(broker, "state")["known"]


def test_mfa_and_step_ups_belong_to_one_account_not_its_username(broker: SandboxBroker) -> None:
    control(broker, "script", answers=[{"username": WORK, "mfa": True}])
    call(broker, "acquireTokenInteractively",
         {"authority": COMMON, "clientId": CLIENT, "requestedScopes": ["User.Read"]})  # fmt: skip
    sign_in(broker, PERSONAL)
    d = broker.directory
    work, personal = d.user(WORK), d.user(PERSONAL)
    assert work is not None and personal is not None
    assert d.amr(work) == ["pwd", "mfa"] and d.amr(personal) == ["pwd"]


def test_a_hint_only_one_account_has_goes_straight_to_it_admitted_or_not(
    broker: SandboxBroker,
) -> None:
    """No picker: Entra ID answers for that account (a personal one under organizations
    without passthrough is refused, AADSTS50020)."""
    request = {"authority": ORGS, "clientId": CLIENT, "requestedScopes": ["User.Read"],
               "username": "alex@outlook.example"}  # fmt: skip
    error(call(broker, "acquireTokenInteractively", request), 9, 50020)
    assert control(broker, "state")["pending"] == []
