"""Credentials of a client: an API key, or a bearer token that is renewed through its refresh token."""

import base64
import json
import threading
import time
from typing import Any, Callable, Dict, Optional

from .models import Tokens

# A token that expires within this many seconds is renewed before it is sent.
REFRESH_MARGIN_SECONDS = 30.0


def jwt_expiry(token: str) -> Optional[float]:
    """The ``exp`` of a JWT (read, not verified: the gateway verifies), or ``None``."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, KeyError, ValueError, TypeError):
        return None


class Credentials:
    """What a :class:`MaestroClient` sends, and how it renews a bearer token.

    With ``use_tokens`` and an API key, the key is exchanged at ``POST /auth/token`` for a bearer token
    and a refresh token; afterwards the bearer token is renewed at ``POST /auth/refresh`` shortly before
    it expires, or once when the gateway answers 401. Refreshes are serialized: a refresh token is good
    once, so two threads must never spend the same one.
    """

    def __init__(
        self,
        api_key: Optional[str],
        token: Optional[str],
        refresh_token: Optional[str],
        use_tokens: bool,
        on_tokens: Optional[Callable[[Tokens], None]],
    ) -> None:
        self.api_key = api_key
        self.use_tokens = use_tokens or (token is None and refresh_token is not None)
        self.on_tokens = on_tokens
        self._lock = threading.Lock()
        self.tokens: Optional[Tokens] = None
        if token is not None or refresh_token is not None:
            self.tokens = Tokens(token or "", refresh_token, jwt_expiry(token) if token else 0.0)

    @property
    def uses_bearer(self) -> bool:
        return self.tokens is not None or (self.use_tokens and self.api_key is not None)

    def can_renew(self) -> bool:
        return (self.tokens is not None and self.tokens.refresh_token is not None) or (self.use_tokens and self.api_key is not None)

    def headers(self, exchange: Callable[[str, Dict[str, str], Optional[Dict[str, Any]]], Dict[str, Any]]) -> Dict[str, str]:
        """The authentication headers for the next request, renewing the bearer token first when it is (nearly) expired."""
        if not self.uses_bearer:
            return {"X-API-Key": self.api_key} if self.api_key else {}
        tokens = self.tokens
        if tokens is None or not tokens.access_token or (
            tokens.expires_at is not None and tokens.expires_at - time.time() < REFRESH_MARGIN_SECONDS and self.can_renew()
        ):
            tokens = self.renew(exchange, stale=tokens.access_token if tokens else None)
        return {"Authorization": "Bearer " + tokens.access_token}

    def renew(self, exchange: Callable[[str, Dict[str, str], Optional[Dict[str, Any]]], Dict[str, Any]], stale: Optional[str]) -> Tokens:
        """New tokens: through the refresh token, or the API key when there is none or it is refused.

        ``stale`` is the bearer token the caller found wanting; when another thread has already replaced it,
        its successor is used as it is.
        """
        from .errors import AuthenticationError

        with self._lock:
            current = self.tokens
            if current is not None and current.access_token and current.access_token != stale:
                return current
            fresh: Optional[Tokens] = None
            if current is not None and current.refresh_token:
                try:
                    fresh = Tokens.from_response(exchange("/auth/refresh", {}, {"refresh_token": current.refresh_token}))
                except AuthenticationError:
                    if not (self.use_tokens and self.api_key):
                        raise
            if fresh is None:
                if not self.api_key:
                    raise AuthenticationError("the bearer token has expired and there is no refresh token or API key to renew it", status=401)
                fresh = Tokens.from_response(exchange("/auth/token", {"X-API-Key": self.api_key}, None))
            self.tokens = fresh
            if self.on_tokens is not None:
                self.on_tokens(fresh)
            return fresh
