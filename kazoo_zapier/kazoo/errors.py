"""What can go wrong when talking to Kazoo, as types the callers can act on.

Each error keeps Kazoo's own words (`kazoo_message`, `data`) beside a sentence of ours, so that a
user sees "Kazoo could not reach the destination (DESTINATION_OUT_OF_ORDER)" rather than "500".
"""

from typing import Any


class KazooError(Exception):
    """Kazoo did not do what was asked."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        kazoo_message: str | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.kazoo_message = kazoo_message
        self.data = data

    def __str__(self) -> str:
        if self.kazoo_message and self.kazoo_message not in self.message:
            return f"{self.message} (Kazoo: {self.kazoo_message})"
        return self.message


class KazooUnreachable(KazooError):
    """No answer: connection refused, name not resolved, or a timeout."""


class KazooAuthError(KazooError):
    """401 or 403: bad credentials, an expired token, or an account out of reach."""


class KazooNotFound(KazooError):
    """404: the account, user, device or call does not exist (or is not visible)."""


class KazooValidationError(KazooError):
    """400: Kazoo refused the input; `data` holds Kazoo's errors per field."""


class KazooRateLimited(KazooError):
    """429: Kazoo's token buckets are empty; `retry_after` is in seconds when Kazoo said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class KazooServerError(KazooError):
    """5xx, or an answer that is not Kazoo's envelope."""
