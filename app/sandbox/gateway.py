"""The sandbox's network edge, one process on loopback: a login proxy and a storage endpoint.

Login proxy. The sandbox exports HTTPS_PROXY/HTTP_PROXY pointing here, and REQUESTS_CA_BUNDLE /
SSL_CERT_FILE naming a bundle with the sandbox's CA, so an unchanged msal / azure-identity
program fetches its login metadata through it: a CONNECT to a login host is answered with TLS
under a certificate from the sandbox's CA, and the two metadata documents (metadata.py) are
served from memory. Every other host is refused at CONNECT, every other path on a login host
with an OAuth-style error, each with a message that says why. Nothing leaves the machine.

Storage endpoint. HTTPS in front of Azurite: each request first meets Azure Storage's checks
(roles.py: the bearer token's signature, lifetime, audience and issuer, then the role
assignments); a request whose token passed them is signed with the emulator's account key,
which only this process holds (shared_key.py), and streamed through in both directions (no
body is held whole). Azurite runs without OAuth: a token sent to it directly opens nothing.

The standard library's HTTP server and ssl module do the work: the one proxy library that
fits (proxy.py) intercepts TLS through the openssl command and its own certificate cache, and
mitmproxy is a large dependency for two documents. `python -m app.sandbox.gateway CONFIG`
prints its ports as one JSON line, then serves until killed.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.sandbox import arm
from app.sandbox.entra import metadata
from app.sandbox.entra.verification import bearer_token, public_keys
from app.sandbox.storage import shared_key
from app.sandbox.storage.roles import MESSAGE, Denial, Roles

logger = logging.getLogger(__name__)
CHUNK = 1 << 20
IDLE_S = 2.0  # reuse an upstream connection idle for less than this (Node closes at 5 s)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te",
              "upgrade", "proxy-authenticate", "proxy-authorization", "trailer"}  # fmt: skip
REFUSED = (
    "Refused by the sandbox: offline, it serves only the login metadata of "
    + ", ".join(metadata.CLOUD_HOSTS)
    + ", Azure Resource Manager's reads (arm.py) and the local storage emulator"
)


class Journal:
    """What the gateway served and refused, one JSON line each (tests read it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()

    def write(self, **entry: Any) -> None:
        with self.lock, self.path.open("a") as out:
            out.write(json.dumps(entry) + "\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None,
                 journal: Journal, **extra: Any) -> None:  # fmt: skip
        super().__init__(("127.0.0.1", 0), handler)
        self.tls, self.journal = tls, journal
        self.__dict__.update(extra)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)

    def reply(self, status: int, body: bytes, content_type: str, reason: str | None = None,
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status, reason)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class LoginProxy(Handler):
    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        host = host.lower()
        if host not in (*metadata.CLOUD_HOSTS, *arm.HOSTS) or port != "443":
            self.server.journal.write(kind="refused", target=self.path)
            self.reply(403, f"{REFUSED}; not {self.path}.\n".encode(), "text/plain", REFUSED)
            self.close_connection = True
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        try:
            tls = self.server.tls.wrap_socket(self.connection, server_side=True)  # type: ignore[union-attr]
        except (ssl.SSLError, OSError) as exc:
            # libmsalruntime's libcurl does this when it looks up a tenant domain: it honours
            # HTTPS_PROXY but trusts only the system's CA store (curl error 60; measured).
            self.server.journal.write(kind="tls-refused", target=self.path, reason=str(exc))
            logger.warning("a client refused the sandbox's certificate for %s (%s): does it "
                           "trust REQUESTS_CA_BUNDLE / SSL_CERT_FILE?", host, exc)  # fmt: skip
            return
        tunnel = ArmHost if host in arm.HOSTS else type("LoginTunnel", (LoginHost,), {"host": host})
        try:
            tunnel(tls, self.client_address, self.server)
        finally:
            tls.close()

    def refuse_plain(self) -> None:
        self.server.journal.write(kind="refused", target=self.path)
        self.reply(403, f"{REFUSED}; not {self.path}.\n".encode(), "text/plain", REFUSED)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = refuse_plain


class LoginHost(Handler):
    """Requests inside the TLS tunnel to a login host."""

    host = ""  # set per tunnel by the CONNECT that opened it

    def do_GET(self) -> None:
        try:
            document = metadata.answer(self.host, self.path, self.server.domains, self.server.jwks)  # type: ignore[attr-defined]
        except metadata.UnknownTenant as unknown:
            url = f"https://{self.host}{self.path}"
            self.server.journal.write(kind="unknown-tenant", url=url)
            body = json.dumps(unknown.document).encode()
            self.reply(400, body, "application/json; charset=utf-8")
            return
        if document is None:
            self.refuse()
            return
        self.server.journal.write(kind="metadata", url=f"https://{self.host}{self.path}")
        self.reply(200, json.dumps(document).encode(), "application/json; charset=utf-8")

    def refuse(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        url = f"https://{self.host}{self.path.split('?')[0]}"
        self.server.journal.write(kind="refused", target=f"{self.command} {url}")
        error = {
            "error": "invalid_request",
            "error_description": f"{REFUSED}: {self.command} {url} is not login metadata. "
            "Sign-ins and tokens come from the sandbox broker.",
        }
        self.reply(400, json.dumps(error).encode(), "application/json; charset=utf-8")

    do_POST = do_PUT = do_DELETE = do_PATCH = refuse


class ArmHost(Handler):
    """Requests inside the TLS tunnel to management.azure.com: answered by arm.py."""

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = self.server.arm.answer(self.command, self.path, self.headers.get("Authorization"))  # type: ignore[attr-defined]
        path = self.path.split("?")[0]
        self.server.journal.write(kind="arm", target=f"{self.command} {path}", status=reply.status)
        self.reply(reply.status, reply.body, "application/json; charset=utf-8", None, reply.headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = answer


class StorageFront(Handler):
    """Role checks in front of Azurite; requests and responses streamed through."""

    def setup(self) -> None:
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)  # type: ignore[union-attr]
        super().setup()
        self.upstream: http.client.HTTPSConnection | None = None
        self.idle_since = time.monotonic()

    def forward(self) -> None:
        roles: Roles = self.server.roles  # type: ignore[attr-defined]
        authorization = self.headers.get("Authorization")
        verdict = roles.verdict(self.command, self.path, authorization)
        length = int(self.headers.get("Content-Length") or 0)
        if verdict.denial is not None:
            self.rfile.read(length)  # drained, so the connection can carry the next request
            self.refuse(verdict.denial)
            return
        headers = [(n, v) for n, v in self.headers.items() if n.lower() not in HOP_BY_HOP]
        if bearer_token(authorization) is not None:  # never shown to the emulator
            headers = [(n, v) for n, v in headers if n.lower() != "authorization"]
            if verdict.verified:
                account, key = self.server.account  # type: ignore[attr-defined]
                signed = shared_key.authorization(self.command, self.path, headers, account, key)
                headers.append(("Authorization", signed))
        try:
            response = self._send_upstream(length, headers)
        except (OSError, http.client.HTTPException) as exc:  # Azurite gone: drop the
            logger.warning("storage emulator unreachable: %s", exc)  # connection, as an
            self.close_connection = True  # unreachable host does
            return
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        chunked = response.getheader("Content-Length") is None and self.command != "HEAD"
        chunked = chunked and response.status not in (204, 304)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while piece := response.read(CHUNK):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException):
            self.close_connection = True  # either side went away mid-body
        self.idle_since = time.monotonic()

    def refuse(self, denial: Denial) -> None:
        self.server.journal.write(kind="denied", method=self.command, path=self.path)
        headers = {"x-ms-error-code": denial.code, "x-ms-request-id": denial.request_id,
                   "x-ms-version": self.headers.get("x-ms-version", "2025-11-05")}  # fmt: skip
        if denial.challenge:
            headers["WWW-Authenticate"] = denial.challenge
        reason = MESSAGE if denial.status == 403 else "Server failed to authenticate the request."
        self.reply(denial.status, denial.body, "application/xml", reason, headers)

    def _send_upstream(
        self, length: int, headers: list[tuple[str, str]]
    ) -> http.client.HTTPResponse:
        """Sends the request, its body streamed. Node closes a keep-alive connection idle for
        5 s: one idle longer than IDLE_S is replaced first, and a request without a body that
        meets a closed one is sent again on a new connection."""
        if self.upstream is not None and time.monotonic() - self.idle_since > IDLE_S:
            self.upstream.close()
            self.upstream = None
        for attempt in (1, 2):
            reused = self.upstream is not None
            if self.upstream is None:
                host, port = self.server.upstream  # type: ignore[attr-defined]
                tls = self.server.upstream_tls  # type: ignore[attr-defined]
                self.upstream = http.client.HTTPSConnection(host, port, context=tls, timeout=60)
            try:
                return self._exchange(self.upstream, length, headers)
            except (OSError, http.client.HTTPException):
                self.upstream.close()
                self.upstream = None
                if not (reused and length == 0 and attempt == 1):
                    raise
        raise AssertionError("unreachable")

    def _exchange(
        self, upstream: http.client.HTTPSConnection, length: int, headers: list[tuple[str, str]]
    ) -> http.client.HTTPResponse:
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            upstream.putheader(name, value)
        upstream.endheaders()
        left = length
        while left > 0:
            piece = self.rfile.read(min(CHUNK, left))
            if not piece:
                raise ConnectionError("the client stopped sending the request body")
            upstream.send(piece)
            left -= len(piece)
        return upstream.getresponse()

    def finish(self) -> None:
        super().finish()
        if self.upstream is not None:
            self.upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = forward


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def serve(config: dict[str, Any]) -> dict[str, int]:
    """Start the servers on threads; returns their ports."""
    journal = Journal(Path(config["journal"]))
    directory = json.loads(Path(config["directory"]).read_text())
    domains = {d.lower(): t["id"] for t in directory["tenants"] for d in t["domains"]}
    jwks = json.loads(Path(config["signing_keys"]).read_text())
    login = tls_context(*config["login_cert"])
    servers = {"proxy": Server(LoginProxy, login, journal, domains=domains, jwks=jwks)}
    if config.get("upstream"):
        upstream = ssl.create_default_context(cafile=config["upstream_ca"])
        host, port = config["upstream"]
        servers["storage"] = Server(
            StorageFront, tls_context(*config["storage_cert"]), journal,
            roles=Roles(directory, public_keys(jwks)), upstream=(host, port),
            upstream_tls=upstream, account=(config["account"], config["account_key"]),
        )  # fmt: skip
    storage_url = (
        f"https://127.0.0.1:{servers['storage'].server_address[1]}"
        if "storage" in servers
        else None
    )
    servers["proxy"].arm = arm.Arm(directory, storage_url, public_keys(jwks))  # type: ignore[attr-defined]
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return {name: server.server_address[1] for name, server in servers.items()}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="sandbox-gateway %(levelname)s %(message)s")
    args = sys.argv[1:] if argv is None else argv
    ports = serve(json.loads(Path(args[0]).read_text()))
    print(json.dumps(ports), flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
