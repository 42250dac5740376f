#!/usr/bin/python3
"""Build the small sample ONNX models used by Maestro's tests, plus expected.json.

Run with Debian's python (packages python3-onnx python3-sklearn):
    /usr/bin/python3 samples/models/make_models.py
Output is written next to this script and is deterministic (byte-identical on re-run).
"""
import json
import os
import re

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17
ML_OPSET = 1  # ai.onnx.ml: ZipMap, LinearClassifier, LabelEncoder
IR_VERSION = 8
NP_TYPES = {TensorProto.FLOAT: np.float32, TensorProto.DOUBLE: np.float64, TensorProto.INT64: np.int64,
            TensorProto.INT32: np.int32, TensorProto.BOOL: np.bool_, TensorProto.FLOAT16: np.float16,
            TensorProto.STRING: np.object_}
V2_TYPES = {np.float32: "FP32", np.float64: "FP64", np.int64: "INT64", np.int32: "INT32", np.bool_: "BOOL",
            np.float16: "FP16", np.object_: "BYTES"}


def tensor(name, elem_type, *dims):
    return helper.make_tensor_value_info(name, elem_type, ["batch", *dims])


def init(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def sequence_of_maps(name, key_type):
    """A graph output of type seq(map(key_type, float)), as sklearn's ZipMap produces."""
    value_type = onnx.TypeProto()
    value_type.sequence_type.elem_type.map_type.key_type = key_type
    value_type.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
    return helper.make_value_info(name, value_type)


def make_model(name, nodes, inputs, outputs, initializers, doc, ml=False):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("ai.onnx.ml", ML_OPSET)] if ml else [])
    model = helper.make_model(graph, opset_imports=opsets,
                              producer_name="maestro-samples", producer_version="1", doc_string=doc)
    model.ir_version = IR_VERSION
    check(model)
    return model


def check(model):
    # onnx 1.12's strict shape inference cannot merge map types (ZipMap's output), so graphs with a
    # sequence-of-maps output get the structural check only; ONNX Runtime's load in the tests covers the rest.
    has_maps = any(o.type.HasField("sequence_type") for o in model.graph.output)
    onnx.checker.check_model(model, full_check=not has_maps)


def fraud_detector():
    """Logistic regression: probability = sigmoid(features . w + b)."""
    w = [[0.8], [-0.5], [1.2]]
    b = [-0.3]
    nodes = [helper.make_node("Gemm", ["features", "w", "b"], ["logit"]),
             helper.make_node("Sigmoid", ["logit"], ["probability"])]
    model = make_model("fraud-detector", nodes,
                       [tensor("features", TensorProto.FLOAT, 3)],
                       [tensor("probability", TensorProto.FLOAT, 1)],
                       [init("w", w), init("b", b)],
                       "Logistic regression, w=[0.8,-0.5,1.2], b=-0.3")
    samples = [{"features": [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]},
               {"features": [[2.5, -1.0, 0.5]]}]
    return model, samples


def fraud_detector_v2():
    """fraud-detector's signature with other weights, so a promotion from one to the other is visible."""
    w = [[-0.6], [0.9], [0.4]]
    b = [0.1]
    nodes = [helper.make_node("Gemm", ["features", "w", "b"], ["logit"]),
             helper.make_node("Sigmoid", ["logit"], ["probability"])]
    model = make_model("fraud-detector-v2", nodes,
                       [tensor("features", TensorProto.FLOAT, 3)],
                       [tensor("probability", TensorProto.FLOAT, 1)],
                       [init("w", w), init("b", b)],
                       "Logistic regression, w=[-0.6,0.9,0.4], b=0.1")
    samples = [{"features": [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]}]
    return model, samples


def fit_iris():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    x, y = load_iris(return_X_y=True)
    return LogisticRegression(max_iter=1000, random_state=0).fit(x, y)


IRIS_SAMPLES = [{"features": [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5]]},
                {"features": [[5.9, 3.0, 5.1, 1.8]]}]


def iris_classifier():
    """sklearn LogisticRegression fitted on the bundled iris data: label + probabilities."""
    clf = fit_iris()
    nodes = [helper.make_node("Gemm", ["features", "coef", "intercept"], ["logits"], transB=1),
             helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
             helper.make_node("ArgMax", ["logits"], ["label"], axis=1, keepdims=0)]
    model = make_model("iris-classifier", nodes,
                       [tensor("features", TensorProto.FLOAT, 4)],
                       [tensor("label", TensorProto.INT64), tensor("probabilities", TensorProto.FLOAT, 3)],
                       [init("coef", clf.coef_), init("intercept", clf.intercept_)],
                       "Iris LogisticRegression (sklearn); classes 0=setosa 1=versicolor 2=virginica")
    samples = IRIS_SAMPLES
    for s in samples:  # the graph must agree with sklearn itself
        got = evaluate(model, {"features": np.asarray(s["features"], np.float32)})
        assert np.allclose(got["probabilities"], clf.predict_proba(s["features"]), atol=1e-5)
        assert (got["label"] == clf.predict(s["features"])).all()
    return model, samples


def mlp():
    """16 -> 64 -> Relu -> 2 -> Softmax, weights from default_rng(42) * 0.1."""
    rng = np.random.default_rng(42)
    w1, b1 = rng.standard_normal((16, 64)) * 0.1, rng.standard_normal(64) * 0.1
    w2, b2 = rng.standard_normal((64, 2)) * 0.1, rng.standard_normal(2) * 0.1
    nodes = [helper.make_node("Gemm", ["input", "w1", "b1"], ["h"]),
             helper.make_node("Relu", ["h"], ["h_relu"]),
             helper.make_node("Gemm", ["h_relu", "w2", "b2"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["output"], axis=1)]
    model = make_model("mlp", nodes,
                       [tensor("input", TensorProto.FLOAT, 16)],
                       [tensor("output", TensorProto.FLOAT, 2)],
                       [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2)],
                       "Small random MLP for throughput and batching tests")
    samples = [{"input": [[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
                          [1.0] * 16]},
               {"input": [[-1.0, 2.0] * 8]}]
    return model, samples


def mlp_512():
    """64 -> 512 -> Relu -> 512 -> Relu -> 10 -> Softmax, weights from default_rng(512) * 0.05 (about 1.2 MB)."""
    rng = np.random.default_rng(512)
    sizes = [64, 512, 512, 10]
    initializers, nodes, previous = [], [], "input"
    for layer, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        w, b = f"w{layer}", f"b{layer}"
        initializers += [init(w, rng.standard_normal((fan_in, fan_out)) * 0.05), init(b, rng.standard_normal(fan_out) * 0.05)]
        nodes.append(helper.make_node("Gemm", [previous, w, b], [f"h{layer}"]))
        previous = f"h{layer}"
        if layer < len(sizes) - 2:
            nodes.append(helper.make_node("Relu", [previous], [f"h{layer}_relu"]))
            previous = f"h{layer}_relu"
    nodes.append(helper.make_node("Softmax", [previous], ["output"], axis=1))
    model = make_model("mlp-512", nodes,
                       [tensor("input", TensorProto.FLOAT, 64)],
                       [tensor("output", TensorProto.FLOAT, 10)],
                       initializers,
                       "Random MLP 64-512-512-10 for the batching benchmark and memory-budget tests")
    samples = [{"input": [[round(np.sin(i) * 2, 3) for i in range(64)]]}]
    return model, samples


def multi_type():
    """One elementwise op per datatype: FP64, INT64, INT32, BOOL."""
    nodes = [helper.make_node("Mul", ["a", "two"], ["a_out"]),
             helper.make_node("Add", ["b", "one"], ["b_out"]),
             helper.make_node("Mul", ["c", "three"], ["c_out"]),
             helper.make_node("Not", ["flag"], ["flag_out"])]
    types = [("a", TensorProto.DOUBLE), ("b", TensorProto.INT64), ("c", TensorProto.INT32), ("flag", TensorProto.BOOL)]
    model = make_model("multi-type", nodes,
                       [tensor(n, t, 2) for n, t in types],
                       [tensor(n + "_out", t, 2) for n, t in types],
                       [init("two", 2.0, np.float64), init("one", 1, np.int64), init("three", 3, np.int32)],
                       "a_out=a*2 (double), b_out=b+1 (int64), c_out=c*3 (int32), flag_out=not flag (bool)")
    samples = [{"a": [[1.5, -2.25], [0.1, 1e10]], "b": [[0, -1], [41, 3000000000]],
                "c": [[1, -2], [100, 7]], "flag": [[True, False], [False, True]]},
               {"a": [[0.0, -0.5]], "b": [[-7, 9]], "c": [[-1, 0]], "flag": [[False, False]]}]
    return model, samples


def zipmap_classifier():
    """The iris LogisticRegression as skl2onnx exports classifiers: LinearClassifier, then ZipMap."""
    clf = fit_iris()
    classes = [int(c) for c in clf.classes_]
    nodes = [helper.make_node("LinearClassifier", ["features"], ["output_label", "scores"], domain="ai.onnx.ml",
                              coefficients=[float(v) for v in clf.coef_.astype(np.float32).ravel()],
                              intercepts=[float(v) for v in clf.intercept_.astype(np.float32)],
                              classlabels_ints=classes, multi_class=0, post_transform="SOFTMAX"),
             helper.make_node("ZipMap", ["scores"], ["output_probability"], domain="ai.onnx.ml",
                              classlabels_int64s=classes)]
    model = make_model("zipmap-classifier", nodes,
                       [tensor("features", TensorProto.FLOAT, 4)],
                       [tensor("output_label", TensorProto.INT64),
                        sequence_of_maps("output_probability", TensorProto.INT64)],
                       [],
                       "Iris LogisticRegression (sklearn) exported the skl2onnx way: label + ZipMap "
                       "probabilities, a sequence of maps class -> probability",
                       ml=True)
    samples = IRIS_SAMPLES
    for s in samples:  # the graph must agree with sklearn itself
        got = evaluate(model, {"features": np.asarray(s["features"], np.float32)})
        probabilities = [[row[c] for c in classes] for row in got["output_probability"]]
        assert np.allclose(probabilities, clf.predict_proba(s["features"]), atol=1e-5)
        assert (got["output_label"] == clf.predict(s["features"])).all()
    return model, samples


SPECIES = ["setosa", "versicolor", "virginica"]


def species_encoder():
    """String tensors in and out: species name -> class code (-1 when unknown) -> canonical name."""
    nodes = [helper.make_node("LabelEncoder", ["species"], ["code"], domain="ai.onnx.ml",
                              classes_strings=SPECIES, default_int64=-1),
             helper.make_node("LabelEncoder", ["code"], ["name"], domain="ai.onnx.ml",
                              classes_strings=SPECIES, default_string="unknown")]
    model = make_model("species-encoder", nodes,
                       [tensor("species", TensorProto.STRING)],
                       [tensor("code", TensorProto.INT64), tensor("name", TensorProto.STRING)],
                       [],
                       "LabelEncoder string -> int64 (setosa 0, versicolor 1, virginica 2, else -1), "
                       "and back to the name ('unknown' for -1)",
                       ml=True)
    samples = [{"species": ["versicolor", "setosa", "tulip", "virginica"]},
               {"species": ["", "vïrginica", "Setosa"]}]
    return model, samples


def fp16_scaler():
    """Half precision in and out, and two inputs of different datatypes: y = half(float(x) * scale)."""
    nodes = [helper.make_node("Cast", ["x"], ["x_float"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["x_float", "scale"], ["y_float"]),
             helper.make_node("Cast", ["y_float"], ["y"], to=TensorProto.FLOAT16)]
    model = make_model("fp16-scaler", nodes,
                       [tensor("x", TensorProto.FLOAT16, 3), tensor("scale", TensorProto.FLOAT, 1)],
                       [tensor("y", TensorProto.FLOAT16, 3)],
                       [],
                       "y = Cast<FP16>(Cast<FP32>(x) * scale), scale broadcast along each row")
    samples = [{"x": [[1.5, -0.25, 3.0], [0.1, 100.0, -7.5]], "scale": [[2.0], [1.1]]},
               {"x": [[65504.0, 0.0009765625, -2.0]], "scale": [[0.5]]}]
    return model, samples


# A tiny interpreter for the ops above (onnx.reference is not in Debian bookworm's onnx 1.12).
# It walks the saved graph node by node, computing in each tensor's own dtype like ONNX Runtime.
def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gemm(a, b, c, alpha=1.0, beta=1.0, transA=0, transB=0):
    a, b = (a.T if transA else a), (b.T if transB else b)
    return (np.asarray(alpha, a.dtype) * (a @ b) + np.asarray(beta, a.dtype) * c).astype(a.dtype)


OPS = {
    "Gemm": lambda x, **k: _gemm(*x, **k),
    "Sigmoid": lambda x: (1 / (1 + np.exp(-x[0]))).astype(x[0].dtype),
    "Relu": lambda x: np.maximum(x[0], np.zeros((), x[0].dtype)),
    "Softmax": lambda x, axis=-1: _softmax(x[0], axis),
    "ArgMax": lambda x, axis=0, keepdims=1: np.argmax(x[0], axis=axis, keepdims=bool(keepdims)).astype(np.int64),
    "Mul": lambda x: x[0] * x[1],
    "Add": lambda x: x[0] + x[1],
    "Not": lambda x: np.logical_not(x[0]),
    "Cast": lambda x, to: x[0].astype(NP_TYPES[to]),
}


def _linear_classifier(x, coefficients, intercepts, classlabels_ints, multi_class, post_transform):
    assert multi_class == 0 and post_transform == b"SOFTMAX"
    coef = np.asarray(coefficients, np.float32).reshape(len(classlabels_ints), -1)
    scores = x[0] @ coef.T + np.asarray(intercepts, np.float32)
    labels = np.asarray(classlabels_ints, np.int64)[np.argmax(scores, axis=1)]
    return labels, _softmax(scores, 1).astype(np.float32)


def _label_encoder(x, classes_strings, default_int64=None, default_string=None):
    classes = [c.decode() for c in classes_strings]
    if x[0].dtype == np.object_:  # string -> index
        return np.asarray([classes.index(v) if v in classes else default_int64 for v in x[0].ravel()],
                          np.int64).reshape(x[0].shape)
    return np.asarray([classes[v] if 0 <= v < len(classes) else default_string.decode() for v in x[0].ravel()],
                      np.object_).reshape(x[0].shape)


MULTI_OUTPUT_OPS = {
    "LinearClassifier": lambda x, **k: _linear_classifier(x, **k),
    # A sequence of maps (one per row) from class label to probability, as a list of dicts.
    "ZipMap": lambda x, classlabels_int64s: [dict(zip(classlabels_int64s, map(np.float32, row))) for row in x[0]],
    "LabelEncoder": lambda x, **k: _label_encoder(x, **k),
}


def evaluate(model, feeds):
    env = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        inputs = [env[i] for i in node.input]
        if node.op_type in MULTI_OUTPUT_OPS:
            results = MULTI_OUTPUT_OPS[node.op_type](inputs, **attrs)
            for name, value in zip(node.output, results if isinstance(results, tuple) else (results,)):
                env[name] = value
        else:
            env[node.output[0]] = OPS[node.op_type](inputs, **attrs)
    return {o.name: env[o.name] for o in model.graph.output}


def flat(a):
    # FP32 and FP16 values are written as the shortest decimal that round-trips to the same value
    # (5.1, not 5.099999904632568).
    return [float(str(v)) for v in a.ravel()] if a.dtype in (np.float32, np.float16) else a.ravel().tolist()


def as_v2_tensor(value):
    """A sequence of maps (ZipMap) is served by V2 as an FP32 tensor [batch, classes], keys sorted."""
    if isinstance(value, list):
        keys = sorted(value[0]) if value else []
        return np.asarray([[row[k] for k in keys] for row in value], np.float32).reshape(len(value), len(keys))
    return value


def record(arrays):
    return {name: {"datatype": V2_TYPES[a.dtype.type], "shape": list(a.shape), "data": flat(a)}
            for name, a in ((n, as_v2_tensor(v)) for n, v in arrays.items())}


def main():
    expected = {}
    for build in (fraud_detector, fraud_detector_v2, iris_classifier, mlp, mlp_512, multi_type, zipmap_classifier, species_encoder, fp16_scaler):
        model, samples = build()
        file_name = model.graph.name + ".onnx"
        with open(os.path.join(HERE, file_name), "wb") as f:
            f.write(model.SerializeToString(deterministic=True))
        model = onnx.load(os.path.join(HERE, file_name))
        check(model)
        input_types = {i.name: NP_TYPES[i.type.tensor_type.elem_type]
                       for i in model.graph.input}
        cases = []
        for sample in samples:
            feeds = {name: np.asarray(data, input_types[name]) for name, data in sample.items()}
            outputs = evaluate(model, feeds)
            for o in model.graph.output:  # outputs must carry the declared dtype
                if o.type.HasField("tensor_type"):
                    assert outputs[o.name].dtype == NP_TYPES[o.type.tensor_type.elem_type]
            cases.append({"inputs": record(feeds), "outputs": record(outputs)})
        expected[file_name] = cases
        print("wrote", file_name)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        text = json.dumps(expected, indent=2)  # then put each flat list of numbers on one line
        text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
        f.write(text + "\n")
    print("wrote expected.json")


if __name__ == "__main__":
    main()
