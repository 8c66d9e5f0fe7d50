"""The matrix grid model on its own: it keeps each answer by (account, configuration) for
export and by row and column for painting; the two must always agree."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.broker.records import Account
from app.core.configurations.configuration import Configuration
from app.core.matrix.spec import Cell, MatrixSpec
from app.core.outcomes.outcome import NOT_ASKED, Kind, Outcome
from app.ui.matrix.model import MatrixModel
from tests.helpers import CONTOSO

ADELE = Account("adele", f"adele.{CONTOSO}", "adele@contoso.example", "Adele", CONTOSO, "login")
MEGAN = Account("megan", f"megan.{CONTOSO}", "megan@contoso.example", "Megan", CONTOSO, "login")
SPEC = MatrixSpec(
    "client",
    "https://login.microsoftonline.com",
    ("organizations", CONTOSO),
    (False, True),
    (("storage", ("https://storage.azure.com/.default",)),),
)


def outcome(kind: Kind) -> Outcome:
    return Outcome(kind, kind.value, kind.label, "why", "what to do")


def test_known_and_new_answers_show_in_their_cells_and_other_grids_answers_do_not(
    qtmodeltester,
):
    configs = SPEC.configurations()
    blocked, token, failed = outcome(Kind.BLOCKED), outcome(Kind.TOKEN), outcome(Kind.FAILED)
    model = MatrixModel()
    model.set_grid(SPEC, [ADELE, MEGAN], {(MEGAN.home_account_id, configs[2]): blocked})
    model.set_outcomes([(Cell(ADELE, configs[1]), token)])
    elsewhere = Configuration("client", tenant="common")  # not a row of this grid
    model.set_outcome(Cell(ADELE, elsewhere), failed)
    model.set_outcome(Cell(MEGAN, configs[0]), token)

    shown = {
        (r, c): model.outcome(model.index(r, c))
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    }
    assert shown == {
        (r, c): model.outcomes.get((a.home_account_id, config))
        for r, config in enumerate(configs)
        for c, a in enumerate([ADELE, MEGAN])
    }
    assert [(r, c) for (r, c), o in shown.items() if o] == [(0, 1), (1, 0), (2, 1)]
    assert model.index(2, 1).data() == Kind.BLOCKED.word
    assert model.index(3, 0).data() == NOT_ASKED
    assert model.outcomes[(ADELE.home_account_id, elsewhere)] is failed  # kept, not shown
    assert len(model.answered()) == 3
    qtmodeltester.check(model)


def test_a_cell_is_titled_by_its_column_and_row_and_one_outside_by_its_username() -> None:
    configs = SPEC.configurations()
    model = MatrixModel({CONTOSO: "Contoso"})
    model.set_grid(SPEC, [ADELE, MEGAN])
    row = model.headerData(3, Qt.Orientation.Vertical)
    assert row.startswith("Contoso · ")
    assert model.title(Cell(MEGAN, configs[3])) == f"{model.short_names[1]} · {row}"
    elsewhere = Configuration("client", tenant="common")
    stranger = Account("lee", "lee.x", "lee@fabrikam.example", "Lee", "x", "login")
    assert model.title(Cell(stranger, elsewhere)) == "lee@fabrikam.example · "
