"""The matrix as JSON, CSV, Markdown and a text grid. Never a token: the outcome, why, what to
do, and the claims that matter for comparing configurations; with the run (when, by which
version of the app), each scope set's scopes and each tenant's name beside its id.

A cell's `code` is Entra ID's AADSTS code when it gave one, else the broker's status
(InteractionRequired, AccountUnusable, Timeout…), our own word for what Entra ID's rules
decided without asking (PersonalAccountNotAdmitted, WorkAccountNotAdmitted), or Token.

Plain Python: no Qt.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.broker.records import Account, distinct_labels
from app.core.configurations.configuration import Configuration
from app.core.matrix.arm_tenants import cell_word
from app.core.matrix.spec import Cell, MatrixSpec, Miss
from app.core.outcomes.outcome import NOT_ASKED, Outcome

Answers = Sequence[tuple[Cell, Outcome]]
CSV_FIELDS = (
    "account", "account_type", "home_account_id", "tenant", "passthrough", "scopes", "outcome",
    "code", "title", "reason", "fix", "asked", "options", "token_tenant", "guest", "audience",
    "granted", "expires_on", "token_type", "source", "correlation_id", "tenant_name", "scope_list",
    "token_tenant_name", "run_at", "app_version",
)  # fmt: skip


@dataclass(frozen=True)
class RunInfo:
    """What an export says of the run: when it started, the app's version, and the tenants'
    names (by id) that the grid shows."""

    at: float = field(default_factory=time.time)
    app_version: str = "development"
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.at))

    def name(self, tenant: str | None) -> str:
        """The tenant's name where known ("" where the id is all there is)."""
        return self.names.get(tenant or "", "")


def cell_record(
    spec: MatrixSpec, cell: Cell, outcome: Outcome, run: RunInfo | None = None
) -> dict[str, Any]:
    run = run or RunInfo()
    config, facts = cell.config, outcome.facts
    record: dict[str, Any] = {
        "account": cell.account.username,
        # a username can be two accounts (personal and work): these tell them apart
        "account_type": "personal" if cell.account.personal else "work or school",
        "home_account_id": cell.account.home_account_id,
        "tenant": config.tenant,
        "tenant_name": run.name(config.tenant),
        "passthrough": config.msa_passthrough,
        "scopes": spec.scope_set_name(config),
        "scope_list": list(config.scopes),
        "outcome": outcome.kind.value,
        "code": outcome.code,
        "title": outcome.title,
        "reason": outcome.reason,
        "fix": outcome.fix,
        "asked": outcome.asked,
        "options": config.options,
        "correlation_id": outcome.correlation_id,  # "" for what the rules decided
    }
    if facts is not None:
        record["token"] = {
            "tenant": facts.tenant,
            "tenant_name": run.name(facts.tenant),
            "guest": facts.guest,
            "audience": facts.audience,
            "granted": list(facts.scopes),
            "expires_on": facts.expires_on,
            "type": "pop" if facts.pop else "bearer",
            "source": "cache" if facts.from_cache else "broker",
            "claims": dict(facts.claims),
        }
    return record


def to_json(
    spec: MatrixSpec, answers: Answers, missed: Sequence[Miss] = (), run: RunInfo | None = None
) -> str:
    run = run or RunInfo()
    return json.dumps(
        {
            "run": {"at": run.when, "app_version": run.app_version},
            "matrix": {
                "client_id": spec.client_id,
                "authority_host": spec.authority_host,
                "tenants": list(spec.tenants),
                "tenant_names": {t: run.name(t) for t in spec.tenants if run.name(t)},
                "passthrough": list(spec.passthrough),
                "scopes": {name: list(scopes) for name, scopes in spec.scope_sets},
                "options": spec.configurations()[0].options if spec.tenants else "",
            },
            "cells": [cell_record(spec, c, o, run) for c, o in answers],
            "failed_expectations": [
                {
                    **cell_record(spec, m.cell, m.outcome, run),
                    "expected": m.expectation.outcome,
                    "line": m.expectation.line,
                }
                for m in missed
            ],
        },
        indent=2,
    )


def to_csv(spec: MatrixSpec, answers: Answers, run: RunInfo | None = None) -> str:
    """One row per cell; every row carries the run's time and the app's version."""
    run = run or RunInfo()
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for cell, outcome in answers:
        record = cell_record(spec, cell, outcome, run)
        token = record.pop("token", {})
        record.update(
            scope_list=" ".join(record["scope_list"]),
            run_at=run.when,
            app_version=run.app_version,
            token_tenant=token.get("tenant", ""),
            token_tenant_name=token.get("tenant_name", ""),
            guest=token.get("guest", ""),
            audience=token.get("audience", ""),
            granted=" ".join(token.get("granted", [])),
            expires_on=token.get("expires_on", ""),
            token_type=token.get("type", ""),
            source=token.get("source", ""),
        )
        writer.writerow(record)
    return out.getvalue()


def grid(
    spec: MatrixSpec,
    answers: Answers,
    accounts: Sequence[Account],
    names: Mapping[str, str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per configuration, one column per account (its short name),
    each cell the outcome's short word."""
    by_cell = {(c.account.home_account_id, c.config): o for c, o in answers}
    header = ["Tenant", "Passthrough", "Scopes", *short_names(accounts)]
    rows = []
    for config in spec.configurations():
        asked = [by_cell.get((a.home_account_id, config)) for a in accounts]
        words = [cell_word(o) if o is not None else NOT_ASKED for o in asked]
        rows.append([*_config_columns(spec, config, names or {}), *words])
    return header, rows


def short_names(accounts: Sequence[Account]) -> list[str]:
    """Each username before the @, unless two usernames share that part; an account whose
    username another one has too says which it is: "taylor (personal)", "taylor (work)"."""
    return distinct_labels(accounts, short=True)


LEGEND = (
    "Token: a token · Sign in: needs interaction · Not usable: not usable here · "
    "Blocked: blocked by policy · Failed: broker or network · " + NOT_ASKED + ": not asked"
)


def _config_columns(spec: MatrixSpec, config: Configuration, names: Mapping[str, str]) -> list[str]:
    return [
        names.get(config.tenant, config.tenant),  # the GUID beside: the Tenants table
        "on" if config.msa_passthrough else "off",
        spec.scope_set_name(config),
    ]


def to_text(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]  # fmt: skip
    return "\n".join(lines) + "\n"


def to_markdown(
    spec: MatrixSpec,
    answers: Answers,
    accounts: Sequence[Account],
    names: Mapping[str, str],
    run: RunInfo | None = None,
) -> str:
    run = run or RunInfo(names=names)
    header, rows = grid(spec, answers, accounts, names)
    label = dict(zip(accounts, distinct_labels(accounts), strict=True))

    def table(head: list[str], body: list[list[str]]) -> list[str]:
        escape = [[v.replace("|", "\\|") for v in r] for r in [head, *body]]
        return [
            "| " + " | ".join(escape[0]) + " |",
            "|" + "---|" * len(head),
            *("| " + " | ".join(r) + " |" for r in escape[1:]),
        ]

    details = [
        [
            label.get(c.account, c.account.username),
            *_config_columns(spec, c.config, names),
            o.label,
            o.code,
            o.reason,
        ]
        for c, o in answers
        if o.facts is None
    ]
    tenants = [[names.get(t, t), t] for t in spec.tenants]
    lines = [
        f"# Configuration matrix — client {spec.client_id}",
        "",
        f"Run at {run.when} by Broker Account Manager {run.app_version}, "
        f"authority host {spec.authority_host}.",
        "",
        *table(header, rows),
        "",
        LEGEND,
    ]
    if details:
        head = ["Account", "Tenant", "Passthrough", "Scopes", "Outcome", "Code", "Why"]
        lines += ["", "## Why not a token", "", *table(head, details)]
    lines += ["", "## Scope sets", "",
              *table(["Scope set", "Scopes"], [[n, " ".join(s)] for n, s in spec.scope_sets]),
              "", "## Tenants", "", *table(["Tenant", "Id"], tenants)]  # fmt: skip
    return "\n".join(lines) + "\n"
