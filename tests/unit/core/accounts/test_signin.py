"""Adding an account (app.core.accounts.signin): with the profile's "use the OS default
account", the OS account is tried first without UI and any broker failure of that attempt
opens the picker, as azure-identity-broker's use_default_broker_account does; a broker that
cannot be used stays an error. The broker is the stand-in of tests/stubs.py (the real one:
tests/integration/ui)."""

from __future__ import annotations

import pytest

from app.core.accounts.signin import sign_in
from app.core.broker.errors import BrokerError, BrokerUnavailable, BrokerUnavailableError
from app.core.configurations.profile import Profile
from tests.stubs import FakeBroker, account

ADELE, MEGAN = account("adele"), account("megan")
DEFAULT = Profile(name="Work", use_default_account=True)


def asked(broker: FakeBroker) -> list[str]:
    return [method for method, _, _ in broker.asked]


def test_without_the_default_account_the_picker_is_asked() -> None:
    broker = FakeBroker()
    broker.picked = MEGAN
    assert sign_in(broker, 7, Profile()).account == MEGAN  # type: ignore[arg-type]
    assert asked(broker) == ["sign_in_interactively"]


def test_the_default_account_that_signs_in_opens_no_picker() -> None:
    broker = FakeBroker()
    broker.picked = ADELE
    assert sign_in(broker, 7, DEFAULT).account == ADELE  # type: ignore[arg-type]
    assert asked(broker) == ["sign_in_default_account"]


@pytest.mark.parametrize(
    "status", ["InteractionRequired", "AccountUnusable", "ApiContractViolation"]
)
def test_any_broker_failure_of_the_default_account_opens_the_picker(status: str) -> None:
    broker = FakeBroker()
    broker.picked = MEGAN
    broker.errors["sign_in_default_account"] = BrokerError(status)
    assert sign_in(broker, 7, DEFAULT).account == MEGAN  # type: ignore[arg-type]
    assert asked(broker) == ["sign_in_default_account", "sign_in_interactively"]
    assert all(profile is DEFAULT for _, profile, _ in broker.asked)


def test_a_broker_that_cannot_be_used_stays_an_error() -> None:
    broker = FakeBroker()
    broker.picked = MEGAN
    reason = BrokerUnavailable("no-broker", "no broker here", "install one")
    broker.errors["sign_in_default_account"] = BrokerUnavailableError(reason)
    with pytest.raises(BrokerUnavailableError):
        sign_in(broker, 7, DEFAULT)  # type: ignore[arg-type]
    assert asked(broker) == ["sign_in_default_account"]
