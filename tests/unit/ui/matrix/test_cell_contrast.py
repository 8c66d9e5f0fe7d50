"""Every matrix cell's text against the background it is painted on, and every state's colour
in the accounts list against the list's base, is at least WCAG AA's 4.5:1 in the light and the
dark scheme: measured on the rendered grid's pixels with WCAG 2.x relative luminance. (The
dark grid drew the light scheme's colours: 2.3–3.6:1; light "Sign in" was 3.4:1.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QTableView

from app.core.matrix.spec import Cell
from app.core.outcomes.outcome import Kind
from app.ui.accounts.model import kind_colour
from app.ui.common.contrast import ContrastStyle
from app.ui.matrix.model import MatrixModel
from app.ui.shell.theme import dark_palette
from tests.unit.ui.common.test_contrast import contrast
from tests.unit.ui.matrix.test_model import ADELE, MEGAN, SPEC, outcome

AA = 4.5


@pytest.fixture(params=["light", "dark"])
def scheme(request, qapp):  # type: ignore[no-untyped-def]
    """The app's style with the scheme's palette, as theme.follow_colour_scheme sets it."""
    app = QApplication.instance()
    old_style, old_palette = app.style().name(), QPalette(app.palette())
    app.setStyle(ContrastStyle())
    app.setPalette(dark_palette() if request.param == "dark" else app.style().standardPalette())
    yield request.param
    app.setStyle(QStyleFactory.create(old_style or "Fusion"))
    app.setPalette(old_palette)


def test_every_cell_word_is_readable_on_its_tint(scheme, qtbot):
    model = MatrixModel()
    configs = SPEC.configurations()
    model.set_grid(SPEC, [ADELE, MEGAN])
    kinds = list(Kind)
    cells = [(Cell(a, c), outcome(kinds[i % len(kinds)])) for i, (c, a) in
             enumerate((c, a) for c in configs for a in (ADELE, MEGAN))]  # fmt: skip
    model.set_outcomes(cells)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    ratio = image.width() / view.viewport().width()
    seen = set()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            text = index.data(Qt.ItemDataRole.ForegroundRole)
            corner = view.visualRect(index).topLeft()
            painted = image.pixelColor(int((corner.x() + 3) * ratio), int((corner.y() + 3) * ratio))
            kind = model.outcome(index).kind
            assert text == kind_colour(kind)  # the scheme's own colour
            assert contrast(text, painted) >= AA, (scheme, kind, text.name(), painted.name())
            seen.add(kind)
    assert seen == set(Kind)


def test_every_state_colour_in_the_accounts_list_is_readable(scheme):
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    for kind in [*Kind, None]:
        assert contrast(kind_colour(kind), base) >= AA, (scheme, kind)
    assert (scheme == "dark") == (kind_colour(Kind.TOKEN) != QColor("#236b27"))
