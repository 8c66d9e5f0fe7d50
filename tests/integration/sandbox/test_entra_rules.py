"""Entra ID's rules where the sandbox used to be more generous, through the real runtime (and a
raw D-Bus client for the PRT SSO cookie, which the runtime never asks for): MFA is satisfied
only by a sign-in that did it, a guest is its own object in the inviting tenant, tokens of the
device's tenant carry its device id, Graph `.default` names Graph permissions, and a personal
account has no PRT to make a cookie from."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from app.core.broker.errors import BrokerError
from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.sandbox.broker.service import BUS_NAME, INTERFACE, OBJECT_PATH
from tests.helpers import CONTOSO, FABRIKAM, claims

VAULT = ("https://vault.azure.net/.default",)
STORAGE = ("https://storage.azure.com/.default",)
DEVICE = "5a8e42d1-7c3b-5f69-9e20-b4d1c7a3e6f8"
LEE_IN_CONTOSO = "7d0f5b2e-3a94-5c61-b8e7-1f2c4d6a9b03"
PLAYGROUND = "d7b530a4-7680-4c23-a8bf-c52c121d2e87"


def accounts_of(broker: Broker, profile: Profile) -> dict[str, Any]:
    return {a.username.split("@")[0]: a for a in broker.discover_accounts(profile)}


def test_only_a_sign_in_with_mfa_satisfies_the_vaults_mfa(control, fresh_profile: Profile) -> None:  # type: ignore[no-untyped-def]
    broker = Broker(timeout=20, interactive_timeout=20)
    megan = accounts_of(broker, fresh_profile)["megan"]
    control.script_picker("megan@contoso.example")
    signed_in = broker.sign_in_interactively(5, fresh_profile, STORAGE)  # no MFA asked for this
    assert claims(signed_in.access_token)["amr"] == ["pwd"]
    with pytest.raises(BrokerError) as caught:
        broker.acquire_token_silently(megan, fresh_profile, VAULT)
    assert caught.value.status == "InteractionRequired"
    control.script_picker({"username": "megan@contoso.example", "mfa": True})
    broker.acquire_token_interactively(5, megan, fresh_profile, STORAGE)  # with MFA this time
    vault = broker.acquire_token_silently(megan, fresh_profile, VAULT)
    assert claims(vault.access_token)["amr"] == ["pwd", "mfa"]
    assert control.state()["mfa"] == {"megan@contoso.example": ["https://storage.azure.com"]}


def test_a_guest_is_its_own_object_in_the_inviting_tenant(fresh_profile: Profile) -> None:
    broker = Broker(timeout=20)
    lee = accounts_of(broker, fresh_profile)["lee"]
    home = claims(broker.acquire_token_silently(lee, fresh_profile, STORAGE).access_token)
    there = Profile(client_id=fresh_profile.client_id, tenant=CONTOSO)
    guest = claims(broker.acquire_token_silently(lee, there, STORAGE).access_token)
    assert (home["tid"], guest["tid"]) == (FABRIKAM, CONTOSO)
    assert guest["oid"] == LEE_IN_CONTOSO != home["oid"]
    assert guest["idp"] == f"https://sts.windows.net/{FABRIKAM}/"


def test_tokens_of_the_devices_tenant_carry_its_device_id(fresh_profile: Profile) -> None:
    broker = Broker(timeout=20)
    accounts = accounts_of(broker, fresh_profile)
    adele = claims(
        broker.acquire_token_silently(accounts["adele"], fresh_profile, STORAGE).access_token
    )
    diego = claims(
        broker.acquire_token_silently(accounts["diego"], fresh_profile, STORAGE).access_token
    )
    assert adele["deviceid"] == DEVICE and "deviceid" not in diego


def test_a_graph_default_token_lists_graph_permissions(fresh_profile: Profile) -> None:
    broker = Broker(timeout=20)
    adele = accounts_of(broker, fresh_profile)["adele"]
    graph = ("https://graph.microsoft.com/.default",)
    token = broker.acquire_token_silently(adele, fresh_profile, graph)
    assert claims(token.access_token)["scp"] == "email openid profile User.Read"
    assert token.granted_scopes == graph


def test_a_personal_account_gets_no_prt_sso_cookie(sandbox, control) -> None:  # type: ignore[no-untyped-def]
    conn = open_dbus_connection(bus=sandbox.env["DBUS_SESSION_BUS_ADDRESS"])
    broker = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)

    def call(method: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = ("0.0", str(uuid.uuid4()), json.dumps(payload))
        reply = conn.send_and_get_reply(new_method_call(broker, method, "sss", body), timeout=20)
        return json.loads(reply.body[0])  # type: ignore[no-any-return]

    try:
        listed = call("getAccounts", {"clientId": PLAYGROUND})
        for username, refused in (("alex@outlook.example", True), ("adele@contoso.example", False)):
            account = next(a for a in listed["accounts"] if a["username"] == username)
            params = {"account": account, "authority": "https://login.microsoftonline.com/common",
                      "authorizationType": 8, "clientId": PLAYGROUND}  # fmt: skip
            sso = "https://login.microsoftonline.com/"
            reply = call(
                "acquirePrtSsoCookie", {"account": account, "authParameters": params, "ssoUrl": sso}
            )
            assert ("error" in reply) is refused, reply
        assert reply["cookieItems"][0]["cookieName"] == "x-ms-RefreshTokenCredential"
    finally:
        conn.close()
