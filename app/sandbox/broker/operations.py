"""The sandbox broker's Control interface, its server side (control.py is the client): script
or preset the picker (with or without MFA), answer a waiting picker, delay or fail replies,
switch the broker generation, and read what the broker was sent. Never part of a real broker:
tests and the app's sandbox picker use it."""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any, Protocol

from app.sandbox.broker import wire
from app.sandbox.broker.generations import GENERATIONS, Generation
from app.sandbox.entra.directory import Directory, Refusal
from app.sandbox.entra.users import known_view

CANCEL = "<cancel>"
# (an account id, a username only one account has, or <cancel>; did MFA: None = where a
# policy asks). The picker dialog answers with ids: one username can be two accounts.
Pick = tuple[str, bool | None]


class Controlled(Protocol):
    """What of the broker (service.py's SandboxBroker) the operations change: a protocol, so
    that this module does not import the one that imports it."""

    lock: threading.Condition
    generation: Generation
    directory: Directory
    script: deque[Pick]
    standing_pick: Pick | None
    pending: dict[int, dict[str, Any]]
    answers: dict[int, Pick | Refusal]
    delays: dict[str, deque[float]]
    failures: dict[str, deque[tuple[str, int, str]]]
    calls: list[dict[str, Any]]

    def reset(self) -> None: ...


def pick(answer: Any, mfa: Any = None) -> Pick:
    """A picker answer: an account id, a username or <cancel>, or {"username", "mfa"}. `mfa`
    True: the user also did multi-factor authentication; False: gave up at an MFA prompt;
    None (the default): did MFA where a policy asked for it."""
    if isinstance(answer, dict):
        answer, mfa = answer.get("username"), answer.get("mfa", mfa)
    if not isinstance(answer, str) or not answer:
        answer = CANCEL
    if mfa is not None and not isinstance(mfa, bool):
        raise LookupError(f"mfa must be true, false or null, not {mfa!r}")
    return answer, mfa


def run(broker: Controlled, command: dict[str, Any]) -> str:
    op = command.get("op")
    with broker.lock:
        if op == "script":
            broker.script.extend(pick(answer) for answer in command["answers"])
        elif op == "answer":
            broker.answers[int(command["id"])] = pick(command["username"], command.get("mfa"))
            broker.lock.notify_all()
        elif op == "pick":
            username = command.get("username")
            broker.standing_pick = pick(username, command.get("mfa")) if username else None
        elif op == "delay":
            broker.delays.setdefault(command["method"], deque()).extend(
                [float(command["seconds"])] * int(command.get("count", 1))
            )
        elif op == "fail":
            if command["status"] not in wire.WIRE_STATUS:
                raise LookupError(f"unknown status {command['status']!r}")
            context = str(command.get("context", "Failure scripted by the sandbox"))
            failure = (command["status"], int(command.get("code", 0)), context)
            broker.failures.setdefault(command["method"], deque()).extend(
                [failure] * int(command.get("count", 1))
            )
        elif op == "generation":  # until the next reset: answer as this broker generation
            if command.get("name") not in GENERATIONS:
                raise LookupError(f"unknown broker generation {command.get('name')!r}")
            broker.generation = GENERATIONS[command["name"]]
        elif op == "reset":
            broker.reset()
        elif op == "forget":  # an account id, or a username: every account that has it
            d = broker.directory
            gone = {u.id for u in d.users if command["username"] in (u.id, u.username)}
            d.known -= gone
        elif op == "age_tokens":
            broker.directory.token_age = float(command["seconds"])
        elif op == "register":
            registered = broker.directory.register_application(str(command.get("name", "")))
            return json.dumps({"client_id": registered})
        elif op != "state":
            raise LookupError(f"unknown control op {op!r}")
        return json.dumps(
            {
                "calls": broker.calls,
                "pending": list(broker.pending.values()),
                # usernames (one twice if two accounts on the device share it), and the ids
                "known": known_view(broker.directory.users, broker.directory.known),
                "known_ids": sorted(broker.directory.known),
                "script": [username for username, _ in broker.script],
                "pick": broker.standing_pick[0] if broker.standing_pick else None,
                "generation": broker.generation.name,
                "mfa": _by_username(broker.directory, broker.directory.mfa_sessions),
            }
        )


def _by_username(directory: Directory, by_id: dict[str, list[str]]) -> dict[str, list[str]]:
    """Who did MFA, by username (readable; the broker keeps it by account id)."""
    names = {u.id: u.username for u in directory.users}
    return {names.get(i, i): resources for i, resources in by_id.items()}
