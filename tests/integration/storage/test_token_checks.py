"""The sandbox's storage checks tokens as Azure Storage does, met through the real
azure-storage-blob: a forged token (unsigned, signed with another key, its claims changed), an
expired one, one another tenant or cloud issued and one for another audience each get Azure's
401 InvalidAuthenticationInfo with the bearer challenge and the AuthenticationErrorDetail
that names the check; the broker's own token works. The emulator behind it opens nothing to
a bearer token or to its documented public key, for this user or another local one.

The variations start from a token the sandbox broker minted through the real pymsalruntime;
the test re-signs changed claims with the run's key where the signature is not the point
(the sandbox's key file, which only the sandbox's owner can read).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.storage.blob import BlobServiceClient

from app.core.broker.runtime import Broker
from app.core.configurations.profile import Profile
from app.core.credentials.account import BrokerAccountCredential
from app.core.guidance.explain import explain
from app.sandbox.entra.tokens import TokenMinter, b64url, load_signing_key
from app.sandbox.storage import authentication
from app.sandbox.storage.azurite import ACCOUNT, PUBLIC_KEY
from tests.helpers import CONTOSO, claims

ROOT = Path(__file__).resolve().parents[3]
STORAGE_SCOPE = "https://storage.azure.com/.default"
FABRIKAM = "e5ee36fe-9da9-5ff8-81da-b4d64ed573cc"
CHALLENGE = (
    f"Bearer authorization_uri=https://login.microsoftonline.com/{CONTOSO}/oauth2/authorize "
    "resource_id=https://storage.azure.com"
)
NOBODY = 65534  # another local user (nobody)


class Static:
    """A credential that presents one given token, whatever it is asked for."""

    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.fixture(scope="module")
def real_token(storage) -> str:  # type: ignore[no-untyped-def]
    """adele's storage token, as the broker mints it (she is a data contributor)."""
    adele = next(
        a for a in Broker().discover_accounts(Profile()) if a.username.startswith("adele@")
    )
    return BrokerAccountCredential(Broker(), adele, Profile()).get_token(STORAGE_SCOPE).token


@pytest.fixture(scope="module")
def run_key(sandbox_session) -> TokenMinter:  # type: ignore[no-untyped-def]
    return TokenMinter(key=load_signing_key(sandbox_session.signing_key))


@pytest.fixture(scope="module")
def container(storage) -> Iterator[str]:  # type: ignore[no-untyped-def]
    seeder = storage.shared_key_client()
    name = f"tokens-{os.getpid()}"
    seeder.create_container(name).upload_blob("secret.txt", b"for adele's eyes")
    yield name
    seeder.delete_container(name)
    seeder.close()


def listing(storage, token: str) -> list[str]:  # type: ignore[no-untyped-def]
    with BlobServiceClient(
        storage.account_url, Static(token), connection_verify=str(storage.ca_path), retry_total=0
    ) as client:
        return [c.name for c in client.list_containers()]


def refused(storage, token: str) -> ClientAuthenticationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientAuthenticationError) as caught:
        listing(storage, token)
    error = caught.value
    assert error.status_code == 401 and error.error_code == "InvalidAuthenticationInfo"
    headers = error.response.headers
    assert headers["x-ms-error-code"] == "InvalidAuthenticationInfo"
    assert headers["WWW-Authenticate"] == CHALLENGE
    assert "Please refer to the information in the www-authenticate header." in str(error)
    assert token not in str(error)
    return error


def detail(error: HttpResponseError) -> str:
    body = error.response.text()
    return body.split("<AuthenticationErrorDetail>")[1].split("</AuthenticationErrorDetail>")[0]


def changed(real: str, key: TokenMinter, **claims_changed: Any) -> str:
    return key.sign({**claims(real), **claims_changed})


def test_the_brokers_token_and_one_re_signed_with_the_runs_key_both_work(
    storage, real_token, run_key, container
):
    """The baseline of every refusal below: the same claims, signed as the broker signs."""
    assert container in listing(storage, real_token)
    assert container in listing(storage, changed(real_token, run_key))


def test_an_unsigned_token_is_refused(storage, real_token):
    header = b64url(json.dumps({"typ": "JWT", "alg": "none"}).encode())
    payload = real_token.split(".")[1]
    error = refused(storage, f"{header}.{payload}.")
    assert detail(error) == authentication.SIGNATURE
    assert explain(error).code == "AuthenticationFailed"


def test_a_token_signed_with_another_key_is_refused(storage, real_token):
    other = TokenMinter()  # a key of the forger's own, under the run key's kid too
    other.kid = json.loads(base64.urlsafe_b64decode(real_token.split(".")[0] + "=="))["kid"]
    assert detail(refused(storage, changed(real_token, other))) == authentication.SIGNATURE


def test_a_token_whose_claims_were_changed_is_refused(storage, real_token, sandbox):
    head, _, signature = real_token.split(".")
    another = {**claims(real_token), "oid": "7d0b0ab4-0000-4000-8000-000000000000"}
    forged = f"{head}.{b64url(json.dumps(another).encode())}.{signature}"
    mark = len(sandbox.journal())
    assert detail(refused(storage, forged)) == authentication.SIGNATURE
    # azure-storage-blob answered the challenge once, with the same token: refused twice.
    assert [e["kind"] for e in sandbox.journal()[mark:]] == ["denied", "denied"]


def test_a_token_that_is_no_jwt_is_refused(storage):
    assert detail(refused(storage, "not-a-jwt")) == authentication.MALFORMED


def test_an_expired_token_is_refused_and_explained(storage, real_token, run_key):
    past = int(time.time()) - 3600 - authentication.CLOCK_SKEW_S
    error = refused(storage, changed(real_token, run_key, iat=past - 3600, nbf=past - 3600,
                                     exp=past))  # fmt: skip
    assert detail(error) == "Lifetime validation failed. The token is expired."
    assert explain(error).code == "TokenExpired"


def test_a_token_within_the_clock_skew_still_works(storage, real_token, run_key, container):
    just_expired = int(time.time()) - authentication.CLOCK_SKEW_S // 2
    assert container in listing(storage, changed(real_token, run_key, exp=just_expired))


def test_a_token_not_yet_valid_is_refused(storage, real_token, run_key):
    future = int(time.time()) + 2 * authentication.CLOCK_SKEW_S
    error = refused(storage, changed(real_token, run_key, nbf=future, exp=future + 3600))
    assert detail(error) == authentication.NOT_YET_VALID
    assert explain(error).code == "TokenExpired"


@pytest.mark.parametrize(
    "issuer",
    [
        f"https://sts.windows.net/{FABRIKAM}/",  # another tenant of the same cloud
        f"https://sts.chinacloudapi.cn/{CONTOSO}/",  # the right tenant id, another cloud
        f"https://login.microsoftonline.com/{CONTOSO}/v2.0",  # v2: storage tokens are v1
    ],
)
def test_a_token_another_issuer_issued_is_refused(storage, real_token, run_key, issuer):
    error = refused(storage, changed(real_token, run_key, iss=issuer))
    assert detail(error) == "Issuer validation failed. Issuer did not match."
    assert explain(error).code == "InvalidTokenIssuer"


@pytest.mark.parametrize(
    "audience",
    ["https://management.azure.com", "https://otheraccount.blob.core.windows.net", "api://x"],
)
def test_a_token_for_another_audience_is_refused(storage, real_token, run_key, audience):
    error = refused(storage, changed(real_token, run_key, aud=audience))
    assert detail(error) == "Audience validation failed. Audience did not match."
    assert explain(error).code == "InvalidTokenAudience"


def test_the_accounts_own_audience_is_accepted(storage, real_token, run_key, container):
    own = f"https://{ACCOUNT}.blob.core.windows.net"
    assert container in listing(storage, changed(real_token, run_key, aud=own))


def direct(storage, credential: Any) -> BlobServiceClient:  # type: ignore[no-untyped-def]
    return BlobServiceClient(
        storage.direct_url, credential, connection_verify=str(storage.ca_path), retry_total=0
    )


def test_the_emulator_itself_opens_nothing_to_a_good_token(storage, real_token, container):
    with direct(storage, Static(real_token)) as client, pytest.raises(HttpResponseError) as caught:
        client.get_blob_client(container, "secret.txt").download_blob().readall()
    assert caught.value.status_code == 403
    with direct(storage, Static(real_token)) as client, pytest.raises(HttpResponseError):
        list(client.list_containers())


def test_the_emulator_refuses_its_documented_public_key(storage, container):
    public = {"account_name": ACCOUNT, "account_key": PUBLIC_KEY}
    with direct(storage, public) as client, pytest.raises(HttpResponseError) as caught:
        list(client.list_containers())
    assert caught.value.status_code == 403 and caught.value.error_code == "AuthorizationFailure"
    own = {"account_name": ACCOUNT, "account_key": storage.account_key}
    with direct(storage, own) as client:  # the run's key, which only its owner holds, works
        assert container in [c.name for c in client.list_containers()]


# As another local user: only the standard library and this repository's shared_key module.
AS_NOBODY = r"""
import base64, http.client, json, os, ssl, sys
sys.path.insert(0, sys.argv[1])
from app.sandbox.storage import shared_key

job = json.load(sys.stdin)
insecure = ssl.create_default_context()
insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE  # the CA is not theirs

def status(port, path, headers):
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=insecure, timeout=30)
    connection.request("GET", path, headers={"x-ms-version": "2025-11-05", **headers})
    response = connection.getresponse()
    return [response.status, response.getheader("x-ms-error-code"), response.read().decode()]

def bearer(token):
    return {"Authorization": "Bearer " + token}

claims = json.loads(base64.urlsafe_b64decode(job["token"].split(".")[1] + "=="))
unsigned = ".".join([base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("="),
                     job["token"].split(".")[1], ""])
listing = "/devstoreaccount1/?comp=list"
secret = f"/devstoreaccount1/{job['container']}/secret.txt"
signed = {"x-ms-date": "Wed, 02 Dec 2026 00:00:00 GMT", "x-ms-version": "2025-11-05"}
signed["Authorization"] = shared_key.authorization(
    "GET", listing, signed.items(), "devstoreaccount1", job["public_key"])
readable = {}
for name in ("signing-key.pem", "gateway.json"):
    try:
        open(os.path.join(job["workdir"], name)).read(1)
        readable[name] = True
    except OSError:
        readable[name] = False
print(json.dumps({
    "uid": os.getuid(),
    "front_unsigned": status(job["front"], listing, bearer(unsigned)),
    "front_good": status(job["front"], secret, bearer(job["token"])),
    "direct_good": status(job["direct"], secret, bearer(job["token"])),
    "direct_unsigned": status(job["direct"], listing, bearer(unsigned)),
    "direct_public_key": status(job["direct"], listing, signed),
    "readable": readable,
}))
"""


def test_another_local_user_gets_no_further(sandbox, storage, real_token, container):
    """uid 65534 reaches both ports on loopback: a forged token fails at the endpoint, the
    emulator answers neither a token nor its public key, and the keys' files are closed to
    it. A real token still works for it through the endpoint (as a stolen bearer token does
    in Azure): the refusals are the checks', not the network's."""
    front = int(storage.account_url.split(":")[2].split("/")[0])
    job = {"token": real_token, "container": container, "front": front, "direct": storage.port,
           "public_key": PUBLIC_KEY, "workdir": str(sandbox.workdir)}  # fmt: skip
    done = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         sys.executable, "-I", "-c", AS_NOBODY, str(ROOT)],
        input=json.dumps(job), capture_output=True, text=True, timeout=60, cwd="/",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["uid"] == NOBODY
    status, code, body = seen["front_unsigned"]
    assert (status, code) == (401, "InvalidAuthenticationInfo")
    assert authentication.SIGNATURE in body
    assert seen["front_good"][0] == 200 and seen["front_good"][2] == "for adele's eyes"
    for refusal in ("direct_good", "direct_unsigned", "direct_public_key"):
        assert seen[refusal][0] == 403, refusal
        assert "for adele's eyes" not in seen[refusal][2] and container not in seen[refusal][2]
    assert seen["readable"] == {"signing-key.pem": False, "gateway.json": False}
