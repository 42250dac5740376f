"""Maestro's Python client: ``from maestro import MaestroClient``."""

from .client import MaestroClient
from .errors import (
    AuthenticationError,
    MaestroConnectionError,
    MaestroError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    ValidationError,
)
from .models import (
    ApiKey,
    BatchPredictResult,
    InferResult,
    ModelAlias,
    ModelCard,
    ModelHealth,
    ModelVersion,
    OutputTensor,
    PredictResult,
    RegisteredModel,
    Tensor,
    Tokens,
)

__all__ = [
    "MaestroClient",
    "MaestroError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ValidationError",
    "RateLimitError",
    "ServiceUnavailableError",
    "MaestroConnectionError",
    "ApiKey",
    "BatchPredictResult",
    "InferResult",
    "ModelAlias",
    "ModelCard",
    "ModelHealth",
    "ModelVersion",
    "OutputTensor",
    "PredictResult",
    "RegisteredModel",
    "Tensor",
    "Tokens",
]

__version__ = "0.1.0"
