"""Reading the gateway's answers: Retry-After, and error answers as exceptions."""

import email.utils
import time
from typing import Any, Optional

import requests

from .errors import MaestroError, error_for_status


def retry_after(response: requests.Response) -> Optional[float]:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), or ``None``."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def error_from(method: str, path: str, response: requests.Response) -> MaestroError:
    """The exception for an error answer: its class by status, with the problem's detail and the request id."""
    body: Any = None
    detail: Optional[str] = None
    title: Optional[str] = None
    request_id = response.headers.get("X-Request-Id")
    try:
        body = response.json()
    except ValueError:
        body = response.text or None
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("error") or body.get("message")
        title = body.get("title")
        request_id = request_id or body.get("requestId") or body.get("traceId")
    reason = detail or title or response.reason or "no details"
    message = f"{method} {path} answered {response.status_code}: {reason}"
    if request_id:
        message += f" (request id {request_id})"
    cls = error_for_status(response.status_code)
    return cls(message, status=response.status_code, detail=detail, request_id=request_id, title=title,
               retry_after=retry_after(response), body=body)
