"""Turning Python values (lists, numbers, numpy arrays) into Open Inference Protocol v2 input tensors."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

try:  # numpy is optional: plain lists work without it
    import numpy
except ImportError:  # pragma: no cover - exercised where numpy is missing
    numpy = None  # type: ignore[assignment]

NUMPY_DTYPES = {
    "BOOL": "bool",
    "UINT8": "uint8",
    "UINT16": "uint16",
    "UINT32": "uint32",
    "UINT64": "uint64",
    "INT8": "int8",
    "INT16": "int16",
    "INT32": "int32",
    "INT64": "int64",
    "FP16": "float16",
    "FP32": "float32",
    "FP64": "float64",
    "BYTES": "object",
}

_DATATYPES_BY_KIND = {"b": "BOOL", "f": "FP32", "i": "INT64", "u": "UINT64", "U": "BYTES", "S": "BYTES", "O": "BYTES"}


def is_numpy(value: Any) -> bool:
    return numpy is not None and isinstance(value, numpy.ndarray)


def shape_and_flat(data: Any) -> Tuple[List[int], List[Any]]:
    """The shape of a (nested) list or numpy array and its elements in row-major order."""
    if is_numpy(data):
        return list(data.shape), data.reshape(-1).tolist()
    if not isinstance(data, (list, tuple)):
        return [], [data]
    shape: List[int] = []
    level: Any = data
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        if not level:
            break
        level = level[0]
    flat: List[Any] = []

    def walk(value: Any, depth: int) -> None:
        if depth == len(shape):
            if isinstance(value, (list, tuple)):
                raise ValueError("the nested lists are ragged: every row must have the same length")
            flat.append(value)
            return
        if not isinstance(value, (list, tuple)) or len(value) != shape[depth]:
            raise ValueError("the nested lists are ragged: every row must have the same length")
        for item in value:
            walk(item, depth + 1)

    walk(data, 0)
    return shape, flat


def guess_datatype(data: Any, flat: Sequence[Any]) -> str:
    """A V2 datatype from the values themselves, when neither the caller nor the model says."""
    if is_numpy(data):
        if data.dtype == numpy.float64:
            return "FP64"
        if data.dtype == numpy.float16:
            return "FP16"
        name = data.dtype.name.upper().replace("FLOAT", "FP")
        return name if name in NUMPY_DTYPES else _DATATYPES_BY_KIND.get(data.dtype.kind, "FP32")
    if flat and all(isinstance(v, bool) for v in flat):
        return "BOOL"
    if flat and all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
        return "INT64"
    if flat and all(isinstance(v, (str, bytes)) for v in flat):
        return "BYTES"
    return "FP32"


def input_tensor(name: str, data: Any, datatype: Optional[str], shape: Optional[Sequence[int]]) -> Dict[str, Any]:
    """One V2 input tensor; ``datatype`` ``None`` means guess from the values."""
    actual_shape, flat = shape_and_flat(data)
    if datatype is None:
        datatype = guess_datatype(data, flat)
    if datatype == "BYTES":
        flat = [v.decode("utf-8") if isinstance(v, bytes) else v for v in flat]
    elif datatype.startswith("FP"):
        flat = [float(v) for v in flat]
    return {"name": name, "shape": list(shape) if shape is not None else actual_shape, "datatype": datatype, "data": flat}
