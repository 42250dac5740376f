"""Errors of the Maestro client: one exception per kind of answer, each carrying what the gateway said."""

from typing import Any, Optional


class MaestroError(Exception):
    """A call the gateway (or a service behind it) refused or could not serve.

    ``status`` is the HTTP status (``None`` when no answer came), ``detail`` the problem document's
    ``detail`` (or the V2 ``error``), ``request_id`` the id to quote when asking for help.
    """

    def __init__(
        self,
        message: str,
        status: Optional[int] = None,
        detail: Optional[str] = None,
        request_id: Optional[str] = None,
        title: Optional[str] = None,
        retry_after: Optional[float] = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail
        self.request_id = request_id
        self.title = title
        self.retry_after = retry_after
        self.body = body


class ValidationError(MaestroError):
    """400, 413, 415 or 422: the request itself is wrong (see ``detail``)."""


class AuthenticationError(MaestroError):
    """401: no credentials, or a key or token the gateway does not accept."""


class PermissionDeniedError(MaestroError):
    """403: the credentials are valid but lack the scope this call needs."""


class NotFoundError(MaestroError):
    """404: no such model, version, alias or key."""


class RateLimitError(MaestroError):
    """429 still refused after the client's retries; ``retry_after`` says how long to wait."""


class ServiceUnavailableError(MaestroError):
    """503: a part of the platform is not ready or is overloaded."""


class MaestroConnectionError(MaestroError):
    """The gateway could not be reached (connection refused, reset or timed out)."""


_BY_STATUS = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    413: ValidationError,
    415: ValidationError,
    422: ValidationError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def error_for_status(status: int) -> type:
    """The exception class for an HTTP status."""
    return _BY_STATUS.get(status, MaestroError)
