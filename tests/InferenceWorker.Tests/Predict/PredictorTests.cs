using Maestro.InferenceWorker.Predict;

namespace Maestro.InferenceWorker.Tests.Predict;

public sealed class PredictorTests
{
    [Fact]
    public void Predict_FraudDetectorBatch_ReturnsClassAndItsConfidencePerRow()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");
        var rows = ExpectedOutputs.Rows("fraud-detector.onnx", 0, "features");
        var positives = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs("fraud-detector.onnx", 0)["probability"]!.AsObject());

        var outcomes = Predictor.Predict(model, rows);

        Assert.Equal(rows.Length, outcomes.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(positives[i] >= 0.5 ? 1 : 0, outcomes[i].Prediction);
            Assert.Equal(Math.Max(positives[i], 1 - positives[i]), outcomes[i].Probability, 1e-5);
        }
    }

    [Fact]
    public void Predict_IrisClassifier_ReturnsLabelOutputAndMaxProbability()
    {
        var model = SampleSessions.Load("iris-classifier.onnx");
        var rows = ExpectedOutputs.Rows("iris-classifier.onnx", 0, "features");
        var outputs = ExpectedOutputs.Outputs("iris-classifier.onnx", 0);
        var labels = ExpectedOutputs.Doubles(outputs["label"]!.AsObject());
        var probabilities = ExpectedOutputs.Doubles(outputs["probabilities"]!.AsObject());

        var outcomes = Predictor.Predict(model, rows);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(labels[i], outcomes[i].Prediction);
            Assert.Equal(probabilities.Skip(i * 3).Take(3).Max(), outcomes[i].Probability, 1e-5);
        }
    }

    [Fact]
    public void Predict_ZipMapClassifier_ReturnsLabelOutputAndMaxOfTheRowsMap()
    {
        var model = SampleSessions.Load("zipmap-classifier.onnx");
        var rows = ExpectedOutputs.Rows("zipmap-classifier.onnx", 0, "features");
        var outputs = ExpectedOutputs.Outputs("zipmap-classifier.onnx", 0);
        var labels = ExpectedOutputs.Doubles(outputs["output_label"]!.AsObject());
        var probabilities = ExpectedOutputs.Doubles(outputs["output_probability"]!.AsObject());

        var outcomes = Predictor.Predict(model, rows);

        Assert.Equal(rows.Length, outcomes.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(labels[i], outcomes[i].Prediction);
            Assert.Equal(probabilities.Skip(i * 3).Take(3).Max(), outcomes[i].Probability, 1e-5);
        }
    }

    [Fact]
    public void Predict_StringInputModel_ThrowsPointingToV2()
    {
        var model = SampleSessions.Load("species-encoder.onnx");

        var error = Assert.Throws<PredictInputException>(() => Predictor.Predict(model, [[1]]));

        Assert.Contains("POST /v2/models/species-encoder/infer", error.Message);
    }

    [Fact]
    public void Predict_MlpWithoutLabelOutput_ReturnsArgmaxClassAndItsProbability()
    {
        var model = SampleSessions.Load("mlp.onnx");
        var rows = ExpectedOutputs.Rows("mlp.onnx", 0, "input");
        var scores = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs("mlp.onnx", 0)["output"]!.AsObject());

        var outcomes = Predictor.Predict(model, rows);

        for (var i = 0; i < rows.Length; i++)
        {
            var row = scores.Skip(i * 2).Take(2).ToArray();
            Assert.Equal(Array.IndexOf(row, row.Max()), outcomes[i].Prediction);
            Assert.Equal(row.Max(), outcomes[i].Probability, 1e-5);
        }
    }

    [Fact]
    public void Predict_OneRowOrBatch_GivesSameOutcomeForTheRow()
    {
        var model = SampleSessions.Load("iris-classifier.onnx");
        var rows = ExpectedOutputs.Rows("iris-classifier.onnx", 0, "features");

        var batch = Predictor.Predict(model, rows);
        var single = Predictor.Predict(model, [rows[1]]);

        Assert.Equal(batch[1].Prediction, single[0].Prediction);
        Assert.Equal(batch[1].Probability, single[0].Probability, 1e-6);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Predict_WrongFeatureCount_ThrowsNamingExpectedCount(int count)
    {
        var model = SampleSessions.Load("fraud-detector.onnx");

        var error = Assert.Throws<PredictInputException>(() => Predictor.Predict(model, [new double[count]]));

        Assert.Equal($"Model 'fraud-detector' takes 3 features; 'features' holds {count}.", error.Message);
    }

    [Fact]
    public void Predict_WrongCountInBatch_ThrowsNamingTheRequest()
    {
        var model = SampleSessions.Load("fraud-detector.onnx");

        var error = Assert.Throws<PredictInputException>(() => Predictor.Predict(model, [new double[3], new double[3], new double[5]]));

        Assert.Contains("(request 2)", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Predictor.MaxFeatures + 1)]
    public void Predict_FeatureCountOutsideLimits_Throws(int count)
    {
        var model = SampleSessions.Load("fraud-detector.onnx");

        var error = Assert.Throws<PredictInputException>(() => Predictor.Predict(model, [new double[count]]));

        Assert.Contains($"1 to {Predictor.MaxFeatures} numbers; it holds {count}", error.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e39)]
    public void Predict_NonFiniteFeature_Throws(double value)
    {
        var model = SampleSessions.Load("fraud-detector.onnx");

        var error = Assert.Throws<PredictInputException>(() => Predictor.Predict(model, [[0, value, 0]]));

        Assert.Contains("'features'[1]", error.Message);
    }

    [Fact]
    public void Predict_ModelWithSeveralInputs_ThrowsPointingToV2()
    {
        var model = SampleSessions.Load("multi-type.onnx");

        var error = Assert.Throws<PredictInputException>(() => Predictor.Predict(model, [[1, 2]]));

        Assert.Contains("POST /v2/models/multi-type/infer", error.Message);
    }
}
