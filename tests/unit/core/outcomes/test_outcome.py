"""What a token says that matters for comparing configurations (app.core.outcomes.outcome)."""

from __future__ import annotations

from app.core.broker.records import TokenResult
from app.core.outcomes.outcome import COMPARED_CLAIMS, Kind, token_facts
from tests.helpers import CONTOSO, FABRIKAM
from tests.unit.core.outcomes.test_classify import LEE
from tests.unit.core.tokens.helpers import make_jwt


def result(claims: dict[str, object], pop: bool = False) -> TokenResult:
    return TokenResult(
        LEE, make_jwt(claims), make_jwt({"tid": FABRIKAM}), 2_000_000_000, ("x",), pop
    )


def test_a_token_issued_in_another_tenant_is_a_guests():
    facts = token_facts(LEE, result({"tid": CONTOSO, "aud": "https://storage.azure.com"}))
    assert facts.guest and facts.tenant == CONTOSO and facts.home_tenant == FABRIKAM
    assert facts.audience == "https://storage.azure.com"


def test_the_token_in_the_home_tenant_is_not_a_guests_and_scopes_come_from_scp():
    facts = token_facts(LEE, result({"tid": FABRIKAM, "scp": "a b", "secret": "x"}))
    assert not facts.guest and facts.scopes == ("a", "b")
    assert set(facts.claims) <= set(COMPARED_CLAIMS)  # only the claims worth comparing


def test_an_opaque_access_token_falls_back_to_the_id_token_and_the_granted_scopes():
    opaque = TokenResult(LEE, "opaque", make_jwt({"tid": FABRIKAM}), 2_000_000_000, ("g",))
    facts = token_facts(LEE, opaque)
    assert facts.tenant == FABRIKAM and facts.scopes == ("g",)


def test_every_kind_has_a_label_and_a_short_word():
    assert all(k.label and k.word and len(k.word) <= len(k.label) for k in Kind)
