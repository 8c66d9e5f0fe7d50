"""The outcome book (app.core.outcomes.book): answers per account and configuration."""

from __future__ import annotations

import dataclasses

from app.core.broker.errors import BrokerError
from app.core.outcomes.book import OutcomeBook
from app.core.outcomes.classify import of_error
from app.core.outcomes.outcome import Kind
from tests.helpers import CONTOSO
from tests.unit.core.outcomes.test_classify import ALEX, LEE, NAMES, ORGS


def test_the_book_keeps_outcomes_per_account_and_configuration():
    book = OutcomeBook()
    contoso = dataclasses.replace(ORGS, tenant=CONTOSO)
    first = of_error(LEE, ORGS, BrokerError("NoNetwork"), NAMES)
    second = of_error(
        LEE, contoso, BrokerError("IncorrectConfiguration", context="AADSTS50020"), NAMES
    )
    book.put(LEE, ORGS, first)
    book.put(LEE, contoso, second)
    assert book.get(LEE, ORGS) is first and book.get(LEE, contoso) is second
    assert book.get(ALEX, ORGS) is None
    assert book.get(LEE, dataclasses.replace(ORGS, scopes=("other",))) is None

    book.settle_by_rules([LEE, ALEX], ORGS, NAMES)
    assert book.get(LEE, ORGS) is first  # an answer is never replaced by the rules
    assert book.get(ALEX, ORGS).kind is Kind.NOT_USABLE

    other_client = dataclasses.replace(contoso, client_id="other")
    book.put(LEE, other_client, first)
    book.forget(LEE, ORGS.client_id)  # signed out of this client id only
    assert book.get(LEE, ORGS) is None and book.get(LEE, contoso) is None
    assert book.get(LEE, other_client) is first
