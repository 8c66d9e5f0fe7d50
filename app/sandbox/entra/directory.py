"""The simulated directory and the Entra ID rules the sandbox broker applies to requests.

Pure functions over data (`directory.json`) plus a little session state (consents granted,
the sign-ins that did multi-factor authentication, accounts signed in on this "device"), so
the rules are testable without D-Bus. The session state survives a broker restart (`state`,
`restore`), as the real broker keeps its accounts on disk. Where each rule comes from:
app/sandbox/BEHAVIOUR.md.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.sandbox.entra.requests import NOTHING, POP_TOKEN_TYPE, Asked, PopSigner
from app.sandbox.entra.tokens import TokenMinter, split_scopes
from app.sandbox.entra.users import User, find, for_account

__all__ = ["User"]

DATA = Path(__file__).with_name("directory.json")
# Another directory for the broker to serve (Sandbox(directory=...): benchmarks/accounts.py's
# 500 accounts, or someone's own users); the same schema as directory.json.
DIRECTORY_ENV = "BROKER_SANDBOX_DIRECTORY"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CLOUD_HOSTS = {"login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn"}

# Response_Status names; app/sandbox/broker/wire.py turns them into the numbers the runtime reads.
INTERACTION_REQUIRED, INCORRECT_CONFIGURATION = "InteractionRequired", "IncorrectConfiguration"
AUTHORITY_UNTRUSTED, ACCOUNT_UNUSABLE = "AuthorityUntrusted", "AccountUnusable"


def tenant_names(path: Path = DATA) -> dict[str, str]:
    """The simulated tenants' names by id (for display)."""
    return {t["id"]: t["name"] for t in json.loads(path.read_text())["tenants"]}


class Refusal(Exception):
    """A request Entra ID (or the broker) would refuse: becomes a brokerTokenResponse error.

    `code` is the AADSTS number when Entra ID refused (0 for the broker's own refusals), with
    the OAuth `error` and `suberror` Entra ID sends beside it: the real brokers relay these,
    each generation in its own words (app/sandbox/broker/generations.py)."""

    def __init__(
        self,
        status: str,
        code: int,
        context: str,
        error: str = "",
        suberror: str = "",
        scripted: bool = False,  # Control.fail: sent as given, code and context included
    ) -> None:
        super().__init__(context)
        self.status, self.code, self.context = status, code, context
        self.error = error or ("invalid_grant" if code else "")
        self.suberror = suberror
        self.scripted = scripted


@dataclass
class Directory:
    data: dict[str, Any]
    users: list[User]
    known: set[str] = field(default_factory=set)  # the ids (User.id) of accounts on device
    consents: set[tuple[str, str, str]] = field(default_factory=set)
    # account id → the resources whose sign-ins did multi-factor authentication. Entra ID puts
    # the MFA claim into the PRT, so from then on it satisfies every resource's MFA policy.
    mfa_sessions: dict[str, list[str]] = field(default_factory=dict)
    token_age: float = 0.0  # seconds: tokens are minted as if this long ago
    step_ups: set[tuple[str, str]] = field(default_factory=set)  # (account id, auth context)
    pop: PopSigner = field(default_factory=PopSigner)
    minter: TokenMinter = field(default_factory=TokenMinter)

    @classmethod
    def load(cls, path: Path | None = None) -> Directory:
        path = path or Path(os.environ.get(DIRECTORY_ENV) or DATA)
        data = json.loads(path.read_text())
        consumers = data["consumers_tenant"]
        users = []
        for raw in data["users"]:
            raw = {k: v for k, v in raw.items() if k != "known"}
            raw.setdefault("home", consumers)
            raw["guest_in"] = tuple(sorted(dict(raw.get("guest_in", {})).items()))
            users.append(User(**raw))
        known = {u.id for u, raw in zip(users, data["users"], strict=True) if raw.get("known")}
        return cls(data=data, users=users, known=known)

    # ---- session state (kept across a broker restart) ---------------------------------------
    def state(self) -> dict[str, Any]:
        """What this device's users did (JSON): it outlives the broker process."""
        return {
            "known": sorted(self.known),
            "consents": sorted(list(c) for c in self.consents),
            "mfa_sessions": self.mfa_sessions,
            "step_ups": sorted(list(s) for s in self.step_ups),
            "token_age": self.token_age,
            "applications": self.data["applications"],
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.known = set(state["known"])
        self.consents = {(a, b, c) for a, b, c in state["consents"]}
        self.mfa_sessions = {k: list(v) for k, v in state["mfa_sessions"].items()}
        self.step_ups = {(a, b) for a, b in state["step_ups"]}
        self.token_age = float(state["token_age"])
        self.data["applications"] = list(state["applications"])

    def register_application(self, name: str) -> str:
        """A new app registration with its own client id: the native runtime keeps tokens and
        sign-outs per client id for the life of a process, so a fresh one starts clean."""
        client_id = str(uuid.uuid4())
        self.data["applications"].append({"client_id": client_id, "name": name or "Registered"})
        return client_id

    # ---- lookups -------------------------------------------------------------------------
    def user(self, wanted: str) -> User | None:
        """By account id, or by a username only one account has (users.Ambiguous if two)."""
        return find(self.users, wanted)

    def user_for_account(self, account: dict[str, Any] | None) -> User | None:
        return for_account(self.users, account)

    def tenant_id(self, tenant: str) -> str | None:
        for t in self.data["tenants"]:
            if tenant.lower() in [t["id"], *t["domains"]]:
                return str(t["id"])
        return None

    def picker_entry(self, user: User, scopes: list[str]) -> dict[str, Any]:
        """An account the picker offers: its id, and what tells it from another account with
        the username (personal or work, and where it lives, as the account picker shows)."""
        tenant = next((t["name"] for t in self.data["tenants"] if t["id"] == user.home), "")
        return {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "personal": user.personal,
            "tenant": "Microsoft account" if user.personal else tenant,
            "mfaRequired": self.needs_mfa(user, scopes),
        }

    def account_json(self, user: User) -> dict[str, Any]:
        client_info = json.dumps({"uid": user.oid, "utid": user.home}).encode()
        return {
            "name": user.name,
            "givenName": user.given,
            "familyName": user.family,
            "username": user.username,
            "homeAccountId": f"{user.oid}.{user.home}",
            "localAccountId": user.oid,
            "realm": user.home,
            "environment": self.data["environment"],
            "clientInfo": base64.urlsafe_b64encode(client_info).rstrip(b"=").decode(),
            # The 2.0.1 interface's account carries it; strict clients (sso-mib) refuse an
            # account without it. himmelblau sends 0: no password expiry known.
            "passwordExpiry": 0,
        }

    # ---- the rules -----------------------------------------------------------------------
    def offered(self, authority: str, passthrough: bool) -> list[User]:
        """Who the account picker lists for this request (Entra's rules for personal accounts)."""
        tenant = urlsplit(authority).path.strip("/").split("/")[0].lower()
        admits_consumers = tenant in ("common", "consumers")
        return [
            u
            for u in self.users
            if (u.personal and (admits_consumers or passthrough))
            or (not u.personal and tenant != "consumers")
        ]

    def resolve(self, user: User, client_id: str, authority: str, passthrough: bool) -> str:
        """The tenant the token is issued in, or a Refusal as Entra ID would word it."""
        if client_id not in {a["client_id"] for a in self.data["applications"]}:
            raise Refusal(
                INCORRECT_CONFIGURATION,
                700016,
                f"AADSTS700016: Application with identifier '{client_id}' was not found in the "
                "directory. This can happen if the application has not been installed by the "
                "administrator of the tenant or consented to by any user in the tenant.",
                error="unauthorized_client",
            )
        parts = urlsplit(authority)
        if parts.hostname not in CLOUD_HOSTS:
            raise Refusal(AUTHORITY_UNTRUSTED, 0, f"Authority '{authority}' is not trusted")
        tenant = parts.path.strip("/").split("/")[0].lower()
        named = None
        if tenant not in ("common", "organizations", "consumers"):
            named = self.tenant_id(tenant)
            if named is None:
                raise Refusal(
                    INCORRECT_CONFIGURATION,
                    90002,
                    f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the "
                    "correct tenant ID and are signing into the correct cloud.",
                    error="invalid_request",
                )
        if user.personal:
            if tenant in ("common", "consumers"):
                return str(self.data["consumers_tenant"])
            if passthrough:
                return named or str(self.data["msa_passthrough_tenant"])
            raise self._not_in_tenant(user, "live.com", tenant)
        if tenant == "consumers":
            raise self._not_in_tenant(user, "sts.windows.net", tenant)
        if named is None or named == user.home:
            return user.home
        if named in user.guest_tenants:
            return named
        raise self._not_in_tenant(user, f"https://sts.windows.net/{user.home}/", tenant)

    @staticmethod
    def _not_in_tenant(user: User, idp: str, tenant: str) -> Refusal:
        return Refusal(
            INCORRECT_CONFIGURATION,
            50020,
            f"AADSTS50020: User account '{user.username}' from identity provider '{idp}' does "
            f"not exist in tenant '{tenant}' and cannot access the application in that tenant. "
            "The account needs to be added as an external user in the tenant first.",
        )

    def check_silent(
        self, user: User, client_id: str, scopes: list[str], asked: Asked = NOTHING
    ) -> None:
        """What only an interactive sign-in can satisfy, in the order Entra ID evaluates it."""
        if user.blocked_by_conditional_access:
            raise self.blocked()
        if self.needs_mfa(user, scopes) and user.id not in self.mfa_sessions:
            raise Refusal(
                INTERACTION_REQUIRED,
                50076,
                "AADSTS50076: Due to a configuration change made by your administrator, or "
                "because you moved to a new location, you must use multi-factor "
                "authentication to access the resource.",
                suberror="basic_action",
            )
        missing = self._needs_consent(user, client_id, scopes)
        if missing:
            raise Refusal(
                INTERACTION_REQUIRED,
                65001,
                f"AADSTS65001: The user or administrator has not consented to use the application "
                f"with ID '{client_id}'. Send an interactive authorization request for this user "
                f"and resource. Scopes: {' '.join(missing)}",
                suberror="consent_required",
            )
        stepped = [c for c in asked.contexts if (user.id, c) not in self.step_ups]
        if stepped:  # a claims challenge asked for an authentication context: step up
            names = self.data.get("authentication_contexts", {})
            what = ", ".join(f"{c} ({names.get(c, {}).get('name', 'unknown')})" for c in stepped)
            raise Refusal(
                INTERACTION_REQUIRED,
                50076,
                "AADSTS50076: The resource requires the Conditional Access authentication "
                f"context {what}: sign in interactively to satisfy it.",
                suberror="basic_action",
            )

    def needs_mfa(self, user: User, scopes: list[str]) -> bool:
        """A Conditional Access policy demands MFA of this user for one of these resources."""
        return user.mfa and any(s in self.data["mfa_scopes"] for s in scopes)

    def amr(self, user: User) -> list[str]:
        """How the session authenticated (the amr claim): a password, and MFA once done."""
        return ["pwd", "mfa"] if user.id in self.mfa_sessions else ["pwd"]

    def _needs_consent(self, user: User, client_id: str, scopes: list[str]) -> list[str]:
        return [
            s
            for s in scopes
            if (s in self.data["consent_scopes"] or s.endswith("/Mail.Read"))
            and (user.oid, client_id, s) not in self.consents
        ]

    @staticmethod
    def blocked() -> Refusal:
        return Refusal(
            ACCOUNT_UNUSABLE,
            53003,
            "AADSTS53003: Access has been blocked by Conditional Access policies. The access "
            "policy does not allow token issuance.",
            suberror="message_only",
        )

    def complete_interactive(
        self,
        user: User,
        client_id: str,
        scopes: list[str],
        asked: Asked = NOTHING,
        mfa: bool | None = None,
    ) -> None:
        """The user finished the broker's dialog: consent given, the authentication contexts
        asked for stepped up to, account on device. Entra ID prompts for MFA only where a
        policy demands it (`mfa` None: the user completes that prompt); `mfa` True: the user
        did MFA anyway, False: the user gave up at the MFA prompt."""
        if user.blocked_by_conditional_access:
            raise self.blocked()
        did_mfa = self.needs_mfa(user, scopes) if mfa is None else mfa
        if self.needs_mfa(user, scopes) and not did_mfa:
            raise Refusal(
                "UserCanceled",
                0,
                "The user closed the sign-in window at the multi-factor authentication prompt",
            )
        if did_mfa:
            resources = self.mfa_sessions.setdefault(user.id, [])
            resources.extend(r for r in (split_scopes(scopes)[0],) if r not in resources)
        self.step_ups.update((user.id, c) for c in asked.contexts)
        self.consents.update((user.oid, client_id, s) for s in scopes)
        self.known.add(user.id)

    def token_response(
        self, user: User, tenant_id: str, client_id: str, scopes: list[str], asked: Asked = NOTHING
    ) -> dict[str, Any]:
        """The token, with the capabilities (xms_cc) and contexts (acrs) asked for; a PoP
        request gets a signed HTTP request whose access token names the key (cnf)."""
        now = time.time() - self.token_age
        extra: dict[str, Any] = {"amr": self.amr(user)}
        device = self.data["device"]
        if not user.personal and user.home == tenant_id == device["tenant"]:
            extra["deviceid"] = device["id"]  # the PRT behind it is bound to this device
        if tenant_id != user.home and not user.personal:
            extra["idp"] = f"https://sts.windows.net/{user.home}/"  # a guest's home tenant
        if asked.capabilities:
            extra["xms_cc"] = list(asked.capabilities)
        if asked.contexts:
            extra["acrs"] = list(asked.contexts)
        if asked.pop:
            extra["cnf"] = {"kid": self.pop.kid}
        graph = self.data["graph_permissions"]
        access, expires_on = self.minter.access_token(
            user,
            tenant_id,
            client_id,
            scopes,
            now,
            extra,
            oid=user.oid_in(tenant_id),
            graph_permissions=graph.get(client_id, graph["default"]),
        )
        account = self.account_json(user)
        return {
            "brokerTokenResponse": {
                "accessToken": self.pop.shr(access, asked.pop) if asked.pop else access,
                "accessTokenType": POP_TOKEN_TYPE if asked.pop else 0,
                "idToken": self.minter.id_token(
                    user, tenant_id, client_id, now, oid=user.oid_in(tenant_id)
                ),
                "account": account,
                "clientInfo": account["clientInfo"],
                "expiresOn": expires_on * 1000,
                "extendedExpiresOn": (expires_on + 3600) * 1000,
                # One space-separated string, as the real brokers send it: libmsalruntime
                # 0.20.7 reads only this form (an array is ignored: measured).
                "grantedScopes": " ".join(scopes),
            }
        }
