"""Compare: who each token is for (name, upn, preferred_username, oid, tid), times as dates
(the epoch number beside), tenant ids with their names, and both cells' values given the same
width (the second column was squeezed)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.matrix.spec import Cell
from app.core.outcomes.outcome import Kind, Outcome, TokenFacts
from app.core.tokens.claims import format_time
from app.ui.matrix.compare import CompareDialog, compared_rows
from tests.helpers import CONTOSO, FABRIKAM
from tests.unit.ui.matrix.test_model import ADELE, SPEC

NAMES = {CONTOSO: "Contoso", FABRIKAM: "Fabrikam"}
EXP = 1796216400


def token(tid: str, upn: str) -> Outcome:
    claims = {"name": "Adele Vance", "preferred_username": upn, "upn": upn, "oid": "o-1",
              "tid": tid, "exp": EXP, "iat": EXP - 3600}  # fmt: skip
    facts = TokenFacts(tid, CONTOSO, tid != CONTOSO, "https://storage.azure.com", ("x",), EXP,
                       claims)  # fmt: skip
    return Outcome(Kind.TOKEN, "Token", "Token", "why", "Nothing to do.", facts=facts)


def test_identity_claims_readable_times_and_tenant_names_side_by_side(qtbot):
    home, guest = token(CONTOSO, "adele@contoso.example"), token(FABRIKAM, "adele@contoso.example")
    rows = dict(compared_rows([home, guest], NAMES))
    for claim in ("name", "preferred_username", "upn", "oid", "tid"):
        assert claim in rows
    assert rows["tid"] == [f"Contoso ({CONTOSO})", f"Fabrikam ({FABRIKAM})"]
    assert rows["token tenant"] == rows["tid"]
    assert rows["exp"] == [f"{format_time(EXP)}  ({EXP})"] * 2
    parent = QWidget()
    qtbot.addWidget(parent)
    configs = SPEC.configurations()
    cells = [(Cell(ADELE, configs[0]), home), (Cell(ADELE, configs[1]), guest)]
    dialog = CompareDialog(cells, ["organizations · off", "Contoso · on"], parent, NAMES)
    dialog.show()
    qtbot.waitExposed(dialog)
    header = dialog.table.horizontalHeader()
    assert abs(header.sectionSize(1) - header.sectionSize(2)) <= 1  # neither squeezed
    assert header.sectionSize(1) >= dialog.table.fontMetrics().horizontalAdvance(rows["exp"][0])
    assert "tid" in dialog.differing and "name" not in dialog.differing
