"""Stand-ins for unit tests of the session's own logic, which needs control over when a call
finishes and what it answers: the order of calls, what is captured when, what a late answer
does. The real runtime, broker and Qt are exercised end to end by tests/integration."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from app.core.broker import platform
from app.core.broker.errors import BrokerError
from app.core.broker.limits import Probed
from app.core.broker.records import Account, AccountListing, TokenResult
from app.core.configurations.profile import Profile


def account(name: str, tenant: str = "4c5aa37b-6bdb-5753-8e91-ca41367d74b3") -> Account:
    oid = f"00000000-0000-0000-0000-{abs(hash(name)) % 10**12:012d}"
    return Account(
        account_id=oid,
        home_account_id=f"{oid}.{tenant}",
        username=f"{name}@contoso.example",
        display_name=name.title(),
        realm=tenant,
        environment="login.microsoftonline.com",
    )


def token(for_account: Account) -> TokenResult:
    return TokenResult(for_account, "not-a-jwt", "not-a-jwt", 2_000_000_000, ("scope",))


class FakeBroker:
    """Answers from what a test set; remembers what it was asked, with the profile."""

    def __init__(self, accounts: list[Account] | None = None) -> None:
        self.platform = platform.LINUX
        self.accounts = accounts or []
        self.by_client: dict[str, list[Account]] = {}  # a client id's own listing, if set
        self.picked: Account | None = None  # what the picker returns
        self.errors: dict[str, BaseException] = {}  # method name -> what it raises
        self.asked: list[tuple[str, Profile, Account | None]] = []
        self.known_unavailable = None
        self.limits = Probed(None)  # no limits: what a broker with every probe passed says
        self.stopped = 0

    def _ask(self, method: str, profile: Profile, who: Account | None = None) -> None:
        self.asked.append((method, profile, who))
        if method in self.errors:
            raise self.errors[method]

    def stop_waiting(self) -> None:
        self.stopped += 1

    def list_accounts(self, profile: Profile) -> AccountListing:
        self._ask("list_accounts", profile)
        return AccountListing(list(self.by_client.get(profile.client_id, self.accounts)))

    def acquire_token_silently(
        self, who: Account, profile: Profile, scopes: Any = None
    ) -> TokenResult:
        self._ask("acquire_token_silently", profile, who)
        return token(who)

    def sign_in_interactively(
        self, handle: int, profile: Profile, scopes: Any = None
    ) -> TokenResult:
        self._ask("sign_in_interactively", profile)
        assert self.picked is not None
        return token(self.picked)

    def sign_in_default_account(self, profile: Profile, scopes: Any = None) -> TokenResult:
        self._ask("sign_in_default_account", profile)
        assert self.picked is not None
        return token(self.picked)

    def acquire_token_interactively(
        self, handle: int, who: Account, profile: Profile, scopes: Any = None
    ) -> TokenResult:
        self._ask("acquire_token_interactively", profile, who)
        return token(who)

    def sign_out(self, who: Account, profile: Profile) -> None:
        self._ask("sign_out", profile, who)


@dataclasses.dataclass
class Job:
    label: str
    fn: Callable[[], Any]
    on_success: Callable[[Any], None]
    on_failure: Callable[[BaseException], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualRunner:
    """Runs nothing until the test says so: `finish()` runs the oldest job's function and
    delivers its value or exception, as the UI's runner does on the GUI thread (a cancelled
    job's answer is dropped)."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def run(self, label: str, fn: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None]) -> Job:  # fmt: skip
        job = Job(label, fn, on_success, on_failure)
        self.jobs.append(job)
        return job

    @property
    def waiting(self) -> list[str]:
        return [j.label for j in self.jobs]

    def finish(self) -> Job:
        job = self.jobs.pop(0)
        try:
            value, error = job.fn(), None
        except BaseException as exc:
            value, error = None, exc
        if not job.cancelled:
            job.on_success(value) if error is None else job.on_failure(error)
        return job

    def finish_all(self) -> None:
        while self.jobs:
            self.finish()


@dataclasses.dataclass
class SessionProbes:
    """app.core.broker.limits.Probes answering as a test sets them (an OSError instance is
    raised instead): each condition where WAM cannot work, on any OS. The real probes run on
    Windows (tests/unit/core/broker/test_winprobes.py)."""

    is_elevated: bool | OSError = False
    user: str | OSError = "CONTOSO\\adele"
    desktop: str | OSError | None = "contoso\\Adele"  # the same user: names ignore case
    version: tuple[int, int, int, bool] | OSError = (10, 0, 22631, False)
    service: str | OSError = "enabled"
    desktop_shown: bool | OSError = True
    asked: list[str] = dataclasses.field(default_factory=list)

    def _answer(self, name: str, value: object) -> object:
        self.asked.append(name)
        if isinstance(value, OSError):
            raise value
        return value

    def elevated(self) -> bool:
        return self._answer("elevated", self.is_elevated)  # type: ignore[return-value]

    def process_user(self) -> str:
        return self._answer("process_user", self.user)  # type: ignore[return-value]

    def desktop_user(self) -> str | None:
        return self._answer("desktop_user", self.desktop)  # type: ignore[return-value]

    def windows_version(self) -> tuple[int, int, int, bool]:
        return self._answer("windows_version", self.version)  # type: ignore[return-value]

    def wam_service(self) -> str:
        return self._answer("wam_service", self.service)  # type: ignore[return-value]

    def interactive_desktop(self) -> bool:
        return self._answer("interactive_desktop", self.desktop_shown)  # type: ignore[return-value]


def user_cancel() -> BrokerError:
    return BrokerError("Response_Status.Status_UserCanceled")
