"""Results of Maestro calls, as dataclasses whose fields have the names of the JSON the gateway sends."""

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Type, TypeVar

T = TypeVar("T")


def _from_dict(cls: Type[T], data: Dict[str, Any], **nested: Any) -> T:
    """Builds ``cls`` from a JSON object: known fields only (a newer gateway may send more), missing ones ``None``."""
    values = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init:
            continue
        value = data.get(f.name)
        if f.name in nested and value is not None:
            value = nested[f.name](value)
        values[f.name] = value
    return cls(**values)  # type: ignore[call-arg]


@dataclass
class PredictResult:
    """One prediction of the seed API (``POST /api/v1/models/{name}/predict``)."""

    prediction: float
    probability: float
    model_version: str
    request_id: str
    processing_time_ms: float

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "PredictResult":
        return _from_dict(cls, data)


@dataclass
class BatchPredictResult:
    predictions: List[PredictResult]
    total_processing_time_ms: float

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "BatchPredictResult":
        return _from_dict(cls, data, predictions=lambda items: [PredictResult.from_dict(i) for i in items])


@dataclass
class ModelHealth:
    status: str
    uptime_seconds: float
    model_loaded: bool
    model_version: str

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelHealth":
        return _from_dict(cls, data)


@dataclass
class Tensor:
    """An input tensor for :meth:`MaestroClient.infer` when the datatype or shape must be given explicitly."""

    name: str
    data: Any
    datatype: Optional[str] = None
    shape: Optional[Sequence[int]] = None


@dataclass
class OutputTensor:
    """One V2 output tensor: ``data`` is flat, in row-major order, as the protocol sends it."""

    name: str
    datatype: str
    shape: List[int]
    data: List[Any]
    parameters: Optional[Dict[str, Any]] = None

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "OutputTensor":
        return _from_dict(cls, data)

    def as_numpy(self) -> Any:
        """The tensor as a numpy array of its shape (needs numpy)."""
        import numpy  # optional dependency

        from ._tensors import NUMPY_DTYPES

        return numpy.asarray(self.data, dtype=NUMPY_DTYPES.get(self.datatype)).reshape(self.shape)


@dataclass
class InferResult:
    """The answer of ``POST /v2/models/{name}/infer``."""

    model_name: str
    model_version: str
    id: Optional[str]
    outputs: List[OutputTensor]

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "InferResult":
        return _from_dict(cls, data, outputs=lambda items: [OutputTensor.from_dict(i) for i in items])

    def output(self, name: str) -> OutputTensor:
        """The output called ``name``."""
        for tensor in self.outputs:
            if tensor.name == name:
                return tensor
        raise KeyError(f"no output named {name!r}; the outputs are {[t.name for t in self.outputs]}")


@dataclass
class TensorSpec:
    name: str
    datatype: str
    shape: List[int]

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "TensorSpec":
        return _from_dict(cls, data)


@dataclass
class ModelSignature:
    inputs: List[TensorSpec]
    outputs: List[TensorSpec]

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelSignature":
        specs = lambda items: [TensorSpec.from_dict(i) for i in items]  # noqa: E731
        return _from_dict(cls, data, inputs=specs, outputs=specs)


@dataclass
class ModelVersion:
    name: str
    version: int
    current_stage: str
    description: Optional[str]
    sha256: str
    size_bytes: int
    producer: Optional[str]
    signature: Optional[ModelSignature]
    creation_timestamp: int
    last_updated_timestamp: int
    tags: Dict[str, str] = field(default_factory=dict)
    aliases: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelVersion":
        return _from_dict(cls, data, signature=ModelSignature.from_dict, version=int)


@dataclass
class RegisteredModel:
    name: str
    description: Optional[str]
    tags: Dict[str, str]
    creation_timestamp: int
    last_updated_timestamp: int
    latest_versions: List[ModelVersion]
    aliases: Dict[str, int]

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "RegisteredModel":
        return _from_dict(cls, data, latest_versions=lambda items: [ModelVersion.from_dict(i) for i in items])


@dataclass
class ModelAlias:
    name: str
    alias: str
    version: int

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelAlias":
        return _from_dict(cls, data, version=int)


@dataclass
class ModelCard:
    name: str
    version: int
    model_description: Optional[str]
    description: Optional[str]
    signature: Optional[ModelSignature]
    tags: Dict[str, str]
    version_tags: Dict[str, str]
    current_stage: str
    sha256: str
    size_bytes: int
    producer: Optional[str]
    creation_timestamp: int
    last_updated_timestamp: int
    sections: Dict[str, Any]

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelCard":
        return _from_dict(cls, data, signature=ModelSignature.from_dict, version=int)


@dataclass
class ApiKey:
    """An API key as ``/admin/api-keys`` describes it; ``key`` (the secret) only in the answer that created it."""

    id: str
    name: str
    scopes: List[str]
    plan: str
    created: str
    key: Optional[str] = None
    owner: Optional[str] = None
    rate_limit: Optional[Dict[str, int]] = None
    last_used: Optional[str] = None
    revoked: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ApiKey":
        return _from_dict(cls, data)


@dataclass
class Tokens:
    """A bearer token, the refresh token that renews it, and when the bearer token expires (epoch seconds)."""

    access_token: str
    refresh_token: Optional[str]
    expires_at: Optional[float]

    @classmethod
    def from_response(cls, data: Dict[str, Any], now: Optional[float] = None) -> "Tokens":
        issued = time.time() if now is None else now
        expires_in = data.get("expires_in")
        return cls(data["access_token"], data.get("refresh_token"), issued + expires_in if expires_in else None)
