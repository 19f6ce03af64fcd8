"""The one seam for outbound HTTP to hook targets: URL policy, SSRF guard, signing, timeouts.

Every send has one total deadline, HOOKS_TIMEOUT_SECONDS, for DNS, connect, TLS, the request
and the whole answer: `requests`' own read timeout restarts with every byte, so a target that
drips a byte a second would hold a sender for ever. A watchdog thread shuts the socket of a send
that passes its deadline; DNS runs in a small pool and is waited for no longer than what is left.

The guard runs twice: when a hook subscribes (a clear error for the Zapier user) and inside every
new connection (DNS can change after subscribing). The connection is made to the very address
that was checked, so a name that resolves to a public address for the check and to a private
one a moment later cannot slip through.
"""

import contextlib
import heapq
import ipaddress
import itertools
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
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
# --- The total deadline ---------------------------------------------------------------------------
class Watchdog:
    """One thread for all senders: runs an action when its deadline passes, unless disarmed."""

    def __init__(self) -> None:
        self._heap: list[list[Any]] = []
        self._cond = threading.Condition()
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, at: float, action: Any) -> list[Any]:
        entry = [at, next(self._numbers), action]
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="send-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        return entry

    def disarm(self, entry: list[Any]) -> None:
        with self._cond:
            entry[2] = None

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                at, _, action = self._heap[0]
                if action is not None and at > time.monotonic():
                    self._cond.wait(at - time.monotonic())
                    continue
                heapq.heappop(self._heap)
            if action is not None:
                with contextlib.suppress(OSError):  # a socket already gone is what we wanted
                    action()


class SendDeadline:
    """The deadline of the send running in this thread, and the connections it used."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.connections: list[HTTPConnection] = []
        self.expired = False
        self.lock = threading.Lock()

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def cut(self) -> None:
        """Past the deadline: shut the sockets down, which ends any blocked read or write."""
        with self.lock:
            self.expired = True
            for conn in self.connections:
                sock = getattr(conn, "sock", None)
                if sock is not None:
                    # The plain socket's shutdown, under TLS too: no TLS close_notify dance.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)


_watchdog = Watchdog()
_current = threading.local()
_resolver = ThreadPoolExecutor(max_workers=8, thread_name_prefix="hook-dns")


def _current_deadline() -> SendDeadline | None:
    return getattr(_current, "deadline", None)


def _resolve_in_time(policy: "TargetPolicy", conn: HTTPConnection) -> list[tuple[Any, ...]]:
    """getaddrinfo has no timeout of its own: wait for it no longer than the send may last.

    Running out of time is a timeout (retried), not a refusal."""
    host, port = conn._dns_host, conn.port
    deadline = _current_deadline()
    if deadline is None:
        return policy.resolve(host, port)
    future = _resolver.submit(policy.resolve, host, port)
    try:
        return future.result(timeout=deadline.remaining())
    except FutureTimeout:
        raise ConnectTimeoutError(conn, f"{host} did not resolve in time") from None


def _guarded_socket(conn: HTTPConnection) -> socket.socket:
    """Resolve, check every address, then connect to a checked one (not to the name again)."""
    policy = TargetPolicy.from_settings()
    infos = _resolve_in_time(policy, conn)  # raises TargetNotAllowed
    deadline = _current_deadline()
    error: OSError | None = None
    for family, socktype, proto, _name, address in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            timeout = conn.timeout if isinstance(conn.timeout, int | float) else None
            if deadline is not None:
                timeout = min(timeout or deadline.remaining(), deadline.remaining()) or 0.001
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(address)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out") from exc
        except OSError as exc:
            sock.close()
            error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


def _watch(conn: HTTPConnection) -> None:
    """Put the connection a request is about to use under the current send's deadline."""
    deadline = _current_deadline()
    if deadline is not None:
        with deadline.lock:
            deadline.connections.append(conn)


class GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


class GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self)
        super().request(*args, **kwargs)


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
    """POST one signed delivery within the total deadline; never raises for what the network or
    the target does."""
    started_at = datetime.now(UTC)
    clock = time.monotonic()
    total = settings.HOOKS_TIMEOUT_SECONDS
    deadline = SendDeadline(clock + total)
    _current.deadline = deadline
    entry = _watchdog.arm(deadline.at, deadline.cut)
    try:
        return _post(session, url, secret, msg_id, body, started_at, clock, deadline)
    finally:
        _watchdog.disarm(entry)
        _current.deadline = None


def _post(
    session: requests.Session,
    url: str,
    secret: str,
    msg_id: str,
    body: str,
    started_at: datetime,
    clock: float,
    deadline: SendDeadline,
) -> SendResult:
    total = settings.HOOKS_TIMEOUT_SECONDS
    too_long = f"no complete answer within {total:g} s"

    def elapsed_ms() -> int:
        return int((time.monotonic() - clock) * 1000)

    headers = signed_headers(secret, msg_id, body, started_at)
    try:
        response = session.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=(min(settings.HOOKS_CONNECT_TIMEOUT_SECONDS, total), total),
            allow_redirects=False,
            stream=True,
        )
    except TargetNotAllowed as exc:
        return SendResult(started_at, elapsed_ms(), error=str(exc), refused=True)
    except requests.Timeout:
        return SendResult(started_at, elapsed_ms(), error=too_long)
    except requests.RequestException as exc:
        error = too_long if deadline.expired else _short_error(exc)
        return SendResult(started_at, elapsed_ms(), error=error)

    error = ""
    body_bytes = b""
    try:
        for chunk in response.iter_content(4096):
            body_bytes += chunk
            if len(body_bytes) >= MAX_BODY_BYTES:
                break  # a large body is not worth reading; the connection goes
            if deadline.expired:
                break
    except requests.RequestException as exc:
        error = _short_error(exc)
    finally:
        response.close()
    if deadline.expired:
        error = too_long
    return SendResult(
        started_at,
        elapsed_ms(),
        status_code=response.status_code,
        excerpt=body_bytes[: EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS],
        error=error,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def parse_retry_after(value: str | None, *, at_most: float | None = None) -> float | None:
    """Retry-After as seconds, read as Svix and Stripe do: delta-seconds or an HTTP date.

    Bounded: never more than `at_most` (the retry window by default), whatever the target says,
    so a hostile or broken header cannot overflow a date or park a hook for ever; a date in the
    past means "now". Anything else is ignored (None): the usual backoff applies.
    """
    if not value:
        return None
    limit = settings.HOOKS_RETRY_HOURS * 3600.0 if at_most is None else at_most
    value = value.strip()
    if value.isdigit():
        return min(float(value), limit)  # a huge number of digits is inf here, then the limit
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - datetime.now(UTC)).total_seconds()), limit)


def _short_error(exc: Exception) -> str:
    # requests nests the useful reason several levels deep; the innermost cause says it best.
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = f"{type(exc).__name__}: {cause}" if cause is not exc else f"{type(exc).__name__}: {exc}"
    return text[:500]
