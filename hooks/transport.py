"""The one seam for outbound HTTP to hook targets: URL policy, SSRF guard, signing, timeouts.

The guard runs twice: when a hook subscribes (a clear error for the Zapier user) and inside every
new connection (DNS can change after subscribing). The connection is made to the very address
that was checked, so a name that resolves to a public address for the check and to a private
one a moment later cannot slip through.
"""

import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from standardwebhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

EXCERPT_CHARS = 300
# Read at most this much of a response: enough for an error message, and a small body is read
# whole so that the keep-alive connection can be reused.
MAX_BODY_BYTES = 64 * 1024


class TargetNotAllowed(Exception):
    """The target URL breaks the policy; the message is meant for the person who set it."""


@dataclass(frozen=True)
class TargetPolicy:
    http_hosts: frozenset[str]
    allowed_networks: tuple[IPNetwork, ...]
    target_hosts: tuple[str, ...]

    @classmethod
    def from_settings(cls) -> "TargetPolicy":
        return cls(
            http_hosts=frozenset(h.lower().strip("[]") for h in settings.HOOKS_HTTP_HOSTS),
            allowed_networks=tuple(
                ipaddress.ip_network(n, strict=False) for n in settings.HOOKS_ALLOWED_NETWORKS
            ),
            target_hosts=tuple(h.lower() for h in settings.HOOKS_TARGET_HOSTS),
        )

    def check_url(self, url: str) -> tuple[str, int]:
        """Scheme, host and allowlist (no DNS); returns the host and port to resolve."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise TargetNotAllowed("The target URL is not a valid URL.") from None
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("https", "http") or not host:
            raise TargetNotAllowed("The target URL must be an https:// URL.")
        if parts.username or parts.password:
            raise TargetNotAllowed("The target URL must not contain a user name or password.")
        if parts.scheme == "http" and host not in self.http_hosts:
            raise TargetNotAllowed(
                f"The target URL must use https://; plain http is not allowed for {host}."
            )
        if self.target_hosts and not any(_host_matches(host, p) for p in self.target_hosts):
            raise TargetNotAllowed(
                f"Hooks may only be sent to {', '.join(self.target_hosts)}, not to {host}."
            )
        return host, port or (443 if parts.scheme == "https" else 80)

    def check_address(self, host: str, address: IPAddress) -> None:
        if any(address in network for network in self.allowed_networks):
            return
        if not address.is_global or address.is_multicast:
            raise TargetNotAllowed(
                f"The target host {host} resolves to {address}, a private, loopback or "
                "link-local address, which is not allowed."
            )

    def resolve(self, host: str, port: int) -> list[tuple[Any, ...]]:
        """Every address of host, each checked; one refused address refuses the host."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise TargetNotAllowed(f"The target host {host} cannot be resolved.") from None
        for info in infos:
            self.check_address(host, ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        return infos


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def check_target_url(url: str) -> None:
    """The whole policy, DNS included: raises TargetNotAllowed with a reason a user can act on."""
    policy = TargetPolicy.from_settings()
    host, port = policy.check_url(url)
    policy.resolve(host, port)


# --- Guarded connections --------------------------------------------------------------------------
def _guarded_socket(conn: HTTPConnection) -> socket.socket:
    """Resolve, check every address, then connect to a checked one (not to the name again)."""
    policy = TargetPolicy.from_settings()
    infos = policy.resolve(conn._dns_host, conn.port)  # raises TargetNotAllowed
    error: OSError | None = None
    for family, socktype, proto, _name, address in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if conn.timeout is not None and isinstance(conn.timeout, int | float):
                sock.settimeout(conn.timeout)
            sock.connect(address)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out") from exc
        except OSError as exc:
            sock.close()
            error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


class GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)


class GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }


def new_session() -> requests.Session:
    """A keep-alive session whose every connection goes through the guard."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    adapter = GuardedAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- Sending ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendResult:
    started_at: datetime
    latency_ms: int
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    retry_after: float | None = None
    refused: bool = False  # the guard refused the target: no request was made


def encode_payload(payload: dict[str, Any]) -> str:
    """The exact text sent and signed."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def signed_headers(secret: str, msg_id: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"kazoo-zapier/{settings.VERSION} (REST hooks)",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
    }


def post_signed(
    session: requests.Session, url: str, *, secret: str, msg_id: str, body: str
) -> SendResult:
    """POST one signed delivery; never raises for what the network or the target does."""
    started_at = datetime.now(UTC)
    clock = time.monotonic()
    total = settings.HOOKS_TIMEOUT_SECONDS
    deadline = clock + total

    def elapsed_ms() -> int:
        return int((time.monotonic() - clock) * 1000)

    headers = signed_headers(secret, msg_id, body, started_at)
    try:
        response = session.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=(settings.HOOKS_CONNECT_TIMEOUT_SECONDS, total),
            allow_redirects=False,
            stream=True,
        )
    except TargetNotAllowed as exc:
        return SendResult(started_at, elapsed_ms(), error=str(exc), refused=True)
    except requests.Timeout:
        return SendResult(started_at, elapsed_ms(), error=f"timed out after {total:g} s")
    except requests.RequestException as exc:
        return SendResult(started_at, elapsed_ms(), error=_short_error(exc))

    error = ""
    body_bytes = b""
    try:
        for chunk in response.iter_content(4096):
            body_bytes += chunk
            if len(body_bytes) >= MAX_BODY_BYTES:
                response.close()  # a large body is not worth reading; the connection goes
                break
            if time.monotonic() > deadline:
                response.close()
                error = f"response took longer than {total:g} s"
                break
    except requests.RequestException as exc:
        error = _short_error(exc)
    finally:
        response.close()
    return SendResult(
        started_at,
        elapsed_ms(),
        status_code=response.status_code,
        excerpt=body_bytes[:EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS],
        error=error,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _short_error(exc: Exception) -> str:
    # requests nests the useful reason several levels deep; the innermost cause says it best.
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = f"{type(exc).__name__}: {cause}" if cause is not exc else f"{type(exc).__name__}: {exc}"
    return text[:500]
