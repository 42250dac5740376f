"""MaestroClient: every call of the Maestro gateway that a model's user or owner makes."""

import os
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union
from urllib.parse import quote

import requests

from . import _tensors
from ._auth import Credentials
from ._http import error_from, retry_after
from ._multipart import MultipartFile, content_type, new_boundary
from .errors import MaestroConnectionError
from .models import (
    ApiKey,
    BatchPredictResult,
    InferResult,
    ModelAlias,
    ModelCard,
    ModelHealth,
    ModelVersion,
    PredictResult,
    RegisteredModel,
    Tensor,
    Tokens,
)

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def _segment(value: Any) -> str:
    return quote(str(value), safe="")


class MaestroClient:
    """A client of one Maestro gateway.

    Authenticate with ``api_key`` (sent as ``X-API-Key``), or with a bearer ``token`` and optionally its
    ``refresh_token``; with ``use_tokens=True`` an API key is exchanged for tokens first. Bearer tokens are
    renewed transparently (before they expire, or once on a 401); ``on_tokens`` is told each new pair.

    A 429 is retried after its ``Retry-After`` up to ``retries`` times, as is a 503 that carries one;
    connection failures are retried only for idempotent calls (GET, PUT, DELETE). Nothing else is retried.
    """

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 30.0,
        retries: int = 3,
        *,
        refresh_token: Optional[str] = None,
        use_tokens: bool = False,
        on_tokens: Optional[Callable[[Tokens], None]] = None,
        max_retry_wait: float = 60.0,
        session: Optional[requests.Session] = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self._credentials = Credentials(api_key, token, refresh_token, use_tokens, on_tokens)
        self._session = session or requests.Session()
        self._datatypes: Dict[Tuple[str, Optional[str]], Tuple[float, Dict[str, str]]] = {}

    def __enter__(self) -> "MaestroClient":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    @property
    def tokens(self) -> Optional[Tokens]:
        """The bearer and refresh tokens in use, when the client authenticates with tokens."""
        return self._credentials.tokens

    # ---- inference -------------------------------------------------------------------------

    def predict(self, model: str, features: Sequence[float], request_id: Optional[str] = None) -> PredictResult:
        body: Dict[str, Any] = {"features": [float(f) for f in features]}
        if request_id is not None:
            body["metadata"] = {"request_id": request_id}
        return PredictResult.from_dict(self._json("POST", f"/api/v1/models/{_segment(model)}/predict", json=body))

    def batch_predict(self, model: str, rows: Sequence[Union[Sequence[float], Dict[str, Any]]]) -> BatchPredictResult:
        """Predicts each row (a list of features, or ``{"features": [...], "metadata": {...}}``) in one call (at most 100)."""
        requests_ = [row if isinstance(row, dict) else {"features": [float(f) for f in row]} for row in rows]
        return BatchPredictResult.from_dict(self._json("POST", f"/api/v1/models/{_segment(model)}/batch_predict", json={"requests": requests_}))

    def health(self, model: str) -> ModelHealth:
        return ModelHealth.from_dict(self._json("GET", f"/api/v1/models/{_segment(model)}/health"))

    def infer(
        self,
        model: str,
        inputs: Union[Dict[str, Any], Sequence[Union[Tensor, Dict[str, Any]]]],
        version: Optional[Union[int, str]] = None,
        outputs: Optional[Sequence[str]] = None,
        request_id: Optional[str] = None,
    ) -> InferResult:
        """Open Inference Protocol v2 inference.

        ``inputs`` maps each input's name to its data — nested lists, or numpy arrays when numpy is
        installed — or lists :class:`Tensor` objects (or raw V2 tensor dicts). A datatype not given is the
        model's own (from its V2 metadata), so plain Python floats reach an FP32 input as FP32.
        """
        tensors: List[Dict[str, Any]] = []
        items: List[Union[Tensor, Dict[str, Any]]] = [Tensor(n, d) for n, d in inputs.items()] if isinstance(inputs, dict) else list(inputs)
        declared: Optional[Dict[str, str]] = None
        for item in items:
            if isinstance(item, dict):
                tensors.append(item)
                continue
            datatype = item.datatype
            if datatype is None:
                declared = declared if declared is not None else self._input_datatypes(model, version)
                datatype = declared.get(item.name)
            tensors.append(_tensors.input_tensor(item.name, item.data, datatype, item.shape))
        body: Dict[str, Any] = {"inputs": tensors}
        if outputs is not None:
            body["outputs"] = [{"name": name} for name in outputs]
        if request_id is not None:
            body["id"] = request_id
        return InferResult.from_dict(self._json("POST", self._v2_model_path(model, version) + "/infer", json=body))

    def model_metadata(self, model: str, version: Optional[Union[int, str]] = None) -> Dict[str, Any]:
        """V2 model metadata: ``name``, ``versions``, ``platform``, ``inputs`` and ``outputs``."""
        return self._json("GET", self._v2_model_path(model, version))

    # ---- registry --------------------------------------------------------------------------

    def create_model(self, name: str, description: Optional[str] = None, tags: Optional[Dict[str, str]] = None) -> RegisteredModel:
        body = {"name": name, "description": description, "tags": tags or {}}
        return RegisteredModel.from_dict(self._json("POST", "/api/v1/models", json=body))

    def get_model(self, name: str) -> RegisteredModel:
        return RegisteredModel.from_dict(self._json("GET", f"/api/v1/models/{_segment(name)}"))

    def delete_model(self, name: str) -> None:
        self._request("DELETE", f"/api/v1/models/{_segment(name)}")

    def list_models(self, filter_string: Optional[str] = None, page_size: Optional[int] = None) -> Iterator[RegisteredModel]:
        """Every model (matching ``filter_string``), fetched page by page as the iteration goes, following ``next_page_token``."""
        token: Optional[str] = None
        while True:
            params: Dict[str, Any] = {}
            if filter_string:
                params["filter_string"] = filter_string
            if page_size:
                params["max_results"] = page_size
            if token:
                params["page_token"] = token
            page = self._json("GET", "/api/v1/models", params=params)
            for item in page.get("models", []):
                yield RegisteredModel.from_dict(item)
            token = page.get("next_page_token")
            if not token:
                return

    def list_versions(self, name: str) -> List[ModelVersion]:
        page = self._json("GET", f"/api/v1/models/{_segment(name)}/versions")
        return [ModelVersion.from_dict(v) for v in page.get("model_versions", [])]

    def upload_version(self, name: str, path: Union[str, "os.PathLike[str]"], progress: Optional[Callable[[int, int], None]] = None) -> ModelVersion:
        """Uploads an ``.onnx`` file as the model's next version, streaming it from disk; ``progress(sent, total)`` follows the bytes."""
        file_path = os.fspath(path)
        if not os.path.isfile(file_path):
            raise FileNotFoundError(f"{file_path} is not a file")

        boundary = new_boundary()

        def body() -> MultipartFile:
            return MultipartFile("file", file_path, boundary, progress)

        headers = {"Content-Type": content_type(boundary)}
        response = self._request("POST", f"/api/v1/models/{_segment(name)}/versions", body_factory=body, headers=headers)
        return ModelVersion.from_dict(response.json())

    def get_version(self, name: str, version: Union[int, str]) -> ModelVersion:
        return ModelVersion.from_dict(self._json("GET", f"/api/v1/models/{_segment(name)}/versions/{_segment(version)}"))

    def set_stage(self, name: str, version: Union[int, str], stage: str, archive_existing_versions: bool = False) -> ModelVersion:
        """Moves a version to ``None``, ``Staging``, ``Production`` or ``Archived``."""
        body = {"stage": stage, "archive_existing_versions": archive_existing_versions}
        return ModelVersion.from_dict(self._json("POST", f"/api/v1/models/{_segment(name)}/versions/{_segment(version)}/stage", json=body))

    def set_alias(self, name: str, alias: str, version: Union[int, str]) -> ModelAlias:
        body = {"version": int(version)}
        return ModelAlias.from_dict(self._json("PUT", f"/api/v1/models/{_segment(name)}/aliases/{_segment(alias)}", json=body))

    def get_model_card(self, name: str, version: Union[int, str], format: str = "json") -> Union[ModelCard, str]:
        """The version's model card: a :class:`ModelCard`, or its Markdown text with ``format="markdown"``."""
        path = f"/api/v1/model-cards/{_segment(name)}/versions/{_segment(version)}"
        if format == "markdown":
            return self._request("GET", path, params={"format": "markdown"}).text
        return ModelCard.from_dict(self._json("GET", path))

    # ---- API keys (scope admin) ------------------------------------------------------------

    def create_api_key(self, name: str, scopes: Sequence[str], plan: Optional[str] = None, rate_limit: Optional[Dict[str, int]] = None) -> ApiKey:
        """A new key; its secret, ``key``, is shown in this answer only. ``rate_limit``: ``{"requests_per_minute", "burst"}``."""
        body = {"name": name, "scopes": list(scopes), "plan": plan, "rate_limit": rate_limit}
        return ApiKey.from_dict(self._json("POST", "/admin/api-keys", json=body))

    def list_api_keys(self) -> List[ApiKey]:
        return [ApiKey.from_dict(k) for k in self._json("GET", "/admin/api-keys").get("api_keys", [])]

    def revoke_api_key(self, key_id: str) -> None:
        self._request("DELETE", f"/admin/api-keys/{_segment(key_id)}")

    # ---- transport -------------------------------------------------------------------------

    def _v2_model_path(self, model: str, version: Optional[Union[int, str]]) -> str:
        path = f"/v2/models/{_segment(model)}"
        return path if version is None else f"{path}/versions/{_segment(version)}"

    def _input_datatypes(self, model: str, version: Optional[Union[int, str]]) -> Dict[str, str]:
        """Each input's datatype from the model's V2 metadata, remembered for a minute."""
        key = (model, None if version is None else str(version))
        cached = self._datatypes.get(key)
        if cached is not None and time.monotonic() - cached[0] < 60:
            return cached[1]
        metadata = self.model_metadata(model, version)
        datatypes = {i["name"]: i["datatype"] for i in metadata.get("inputs", [])}
        self._datatypes[key] = (time.monotonic(), datatypes)
        return datatypes

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._request(method, path, **kwargs).json()

    def _exchange(self, path: str, headers: Dict[str, str], body: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """``POST /auth/token`` or ``/auth/refresh``: never authenticated with the bearer token itself."""
        return self._request("POST", path, json=body, headers=headers, authenticated=False).json()

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
        body_factory: Optional[Callable[[], Any]] = None,
        authenticated: bool = True,
    ) -> requests.Response:
        idempotent = method in _IDEMPOTENT
        url = self.base_url + path
        attempt = 0
        renewed = False
        while True:
            sent = dict(headers or {})
            if authenticated:
                sent.update(self._credentials.headers(self._exchange))
            sent.setdefault("X-Request-Id", uuid.uuid4().hex)
            body = body_factory() if body_factory is not None else None
            try:
                response = self._session.request(method, url, json=json, params=params, data=body, headers=sent, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as e:
                if idempotent and attempt < self.retries:
                    attempt += 1
                    time.sleep(min(0.25 * 2 ** (attempt - 1), 2.0))
                    continue
                raise MaestroConnectionError(f"{method} {url} failed: {e}", request_id=sent["X-Request-Id"]) from e
            finally:
                if body is not None:
                    body.close()

            status = response.status_code
            bearer = sent.get("Authorization", "")
            if status == 401 and authenticated and bearer and not renewed and self._credentials.can_renew():
                renewed = True
                self._credentials.renew(self._exchange, stale=bearer[len("Bearer "):])
                continue
            if status in (429, 503) and attempt < self.retries:
                wait = retry_after(response)
                if wait is not None or status == 429:
                    attempt += 1
                    time.sleep(min(wait if wait is not None else 1.0, self.max_retry_wait))
                    continue
            if status >= 400:
                raise error_from(method, path, response)
            return response
