"""A matrix run (app.core.matrix.run): every cell asked in order, Cancel between cells, the
answers taken as they come. The broker is the stand-in of tests/stubs.py; through the real
runtime: tests/integration/matrix."""

from __future__ import annotations

import dataclasses

from app.core.broker.errors import BrokerError
from app.core.configurations.configuration import Configuration
from app.core.matrix.run import MatrixRun
from app.core.matrix.spec import cells
from app.core.outcomes.outcome import Kind
from tests.stubs import FakeBroker, account

ADELE, MEGAN = account("adele"), account("megan")
CONFIGS = [Configuration(), dataclasses.replace(Configuration(), tenant="common")]


def test_every_cell_is_asked_row_by_row_and_taken_once():
    broker = FakeBroker([ADELE, MEGAN])
    run = MatrixRun(cells([ADELE, MEGAN], CONFIGS))
    assert run.run(broker) == 4 == run.total
    asked = [(p.tenant, who) for _, p, who in broker.asked]
    assert asked == [("organizations", ADELE), ("organizations", MEGAN),
                     ("common", ADELE), ("common", MEGAN)]  # fmt: skip
    answers = run.take()
    assert [o.kind for _, o in answers] == [Kind.TOKEN] * 4 and run.take() == []


def test_a_refusal_is_a_cell_not_the_end_of_the_run():
    broker = FakeBroker([ADELE])
    broker.errors["acquire_token_silently"] = BrokerError("InteractionRequired")
    run = MatrixRun(cells([ADELE], CONFIGS))
    run.run(broker)
    assert [o.kind for _, o in run.take()] == [Kind.INTERACTION, Kind.INTERACTION]


def test_cancel_stops_before_the_next_cell_and_keeps_what_was_answered():
    broker = FakeBroker([ADELE, MEGAN])
    run = MatrixRun(cells([ADELE, MEGAN], CONFIGS))
    real = broker.acquire_token_silently

    def then_cancel(*args, **kwargs):  # type: ignore[no-untyped-def]
        run.cancel()  # the user presses Cancel while the first cell is asked
        return real(*args, **kwargs)

    broker.acquire_token_silently = then_cancel  # type: ignore[method-assign]
    assert run.run(broker) == 1 and run.cancelled and run.current is None
    assert len(run.take()) == 1
