#!/usr/bin/python3
"""Writes a valid ONNX model of about SIZE bytes: y = x + w, with w a float32 initializer of SIZE/4 values.

    /usr/bin/python3 bench/RegistryBench/make_large_model.py OUTPUT SIZE

Debian's python with python3-onnx. bench/run.sh uploads it to the registry (group `registry`).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

output, size = sys.argv[1], int(sys.argv[2])
count = size // 4
weights = numpy_helper.from_array(np.random.default_rng(7).standard_normal(count, dtype=np.float32), "w")
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "w"], ["y"])],
    "large",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [count])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [count])],
    [weights],
)
model = helper.make_model(graph, producer_name="bench/run.sh", opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.save(model, output)
