"""Predict, batch predict, per-model health and V2 inference against the seeded fraud-detector."""

import math

import pytest

from maestro import InferResult, PredictResult, Tensor

SEEDED = "fraud-detector"


def fraud_probability(x):
    """The seeded model: sigmoid(x · [0.8, -0.5, 1.2] - 0.3) (samples/models/README.md)."""
    return 1 / (1 + math.exp(-(0.8 * x[0] - 0.5 * x[1] + 1.2 * x[2] - 0.3)))


def predicted(x):
    """The seed API's (prediction, probability): the class and that class's probability."""
    p = fraud_probability(x)
    return (1, p) if p >= 0.5 else (0, 1 - p)


def test_predict_seeded_model_returns_seed_shape_and_the_models_answer(admin):
    result = admin.predict(SEEDED, [0.5, 1.2, 3.4], request_id="py-req-1")

    assert isinstance(result, PredictResult)
    assert result.request_id == "py-req-1"
    assert result.probability == pytest.approx(fraud_probability([0.5, 1.2, 3.4]), abs=1e-5)
    assert result.prediction == 1
    assert result.model_version
    assert result.processing_time_ms >= 0


def test_batch_predict_rows_each_answered_in_order(admin):
    rows = [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]

    result = admin.batch_predict(SEEDED, rows)

    assert [p.prediction for p in result.predictions] == [predicted(r)[0] for r in rows]
    assert [p.probability for p in result.predictions] == pytest.approx([predicted(r)[1] for r in rows], abs=1e-5)
    assert result.total_processing_time_ms >= 0


def test_health_seeded_model_is_loaded(admin):
    health = admin.health(SEEDED)

    assert health.model_loaded is True
    assert health.status
    assert health.model_version


def test_infer_plain_lists_take_the_models_datatype(admin):
    result = admin.infer(SEEDED, {"features": [[0.0, 0.0, 0.0], [2.5, -1.0, 0.5]]})

    assert isinstance(result, InferResult)
    assert result.model_name == SEEDED
    probability = result.output("probability")
    assert probability.datatype == "FP32"
    assert probability.shape == [2, 1]
    assert probability.data == pytest.approx([0.4255575, 0.9426758], abs=1e-5)


def test_infer_explicit_tensor_and_version(admin):
    version = admin.health(SEEDED).model_version

    result = admin.infer(SEEDED, [Tensor("features", [1.0, 0.0, 1.0], datatype="FP32", shape=[1, 3])], version=version)

    assert result.model_version == version
    assert result.output("probability").data == pytest.approx([0.8455348], abs=1e-5)


def test_infer_numpy_array_comes_back_as_numpy(admin):
    numpy = pytest.importorskip("numpy")

    result = admin.infer(SEEDED, {"features": numpy.array([[0.0, 2.0, 0.0]], dtype=numpy.float64)})

    array = result.output("probability").as_numpy()
    assert array.shape == (1, 1)
    assert array.dtype == numpy.float32
    assert float(array[0, 0]) == pytest.approx(0.21416503, abs=1e-5)
