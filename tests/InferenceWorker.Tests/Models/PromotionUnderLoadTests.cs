using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.InferenceWorker.Tests.Batching;

namespace Maestro.InferenceWorker.Tests.Models;

/// <summary>
/// A promotion while 50 clients predict without pause, against a real registry and ONNX Runtime:
/// version 1 is fraud-detector.onnx, version 2 fraud-detector-v2.onnx — same signature, other
/// weights — so every answer shows which version computed it.
/// </summary>
public sealed class PromotionUnderLoadTests
{
    private const string Name = "promoted";
    private const int Clients = 50;
    private static readonly double[] Features = [1.0, 0.0, 1.0];

    [Fact]
    public async Task Predict_PromotedWhileFiftyClientsPredict_NoRequestFailsAndEveryClientSwitchesToTheNewVersion()
    {
        await using var host = new WorkerHost();
        await host.UploadAsync(Name, "fraud-detector.onnx");
        await host.TransitionAsync(Name, 1, "Production");
        await host.UploadAsync(Name, "fraud-detector-v2.onnx");
        var expected = new Dictionary<string, double> { ["1"] = Confidence("fraud-detector.onnx"), ["2"] = Confidence("fraud-detector-v2.onnx") };
        Assert.NotEqual(expected["1"], expected["2"], 3);

        var failures = new ConcurrentQueue<string>();
        var answers = Enumerable.Range(0, Clients).Select(_ => new ConcurrentQueue<string>()).ToArray();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (version, failure) = await PredictAsync(host.Client, expected);
                if (failure is not null)
                {
                    failures.Enqueue(failure);
                }
                else
                {
                    answers[c].Enqueue(version!);
                }
            }
        })).ToArray();

        try
        {
            await ModelBatcherTests.WaitUntil(() => answers.All(a => !a.IsEmpty) || !failures.IsEmpty);
            await host.TransitionAsync(Name, 2, "Production", archiveExistingVersions: true);
            host.Time.Advance(WorkerHost.RefreshInterval + TimeSpan.FromMilliseconds(1));
            // Every client must see version 2 at least twice: the swap reached every one of them.
            await ModelBatcherTests.WaitUntil(() => answers.All(a => a.Count(v => v == "2") >= 2) || !failures.IsEmpty);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.Empty(failures);
        foreach (var versions in answers.Select(a => a.ToArray()))
        {
            Assert.Equal("1", versions[0]);
            // Requests in flight at the swap finish on version 1; once a client got version 2, it never gets 1 again.
            var switched = Array.IndexOf(versions, "2");
            Assert.True(switched > 0);
            Assert.All(versions[switched..], version => Assert.Equal("2", version));
        }
    }

    /// <summary>The version that answered, or why the request failed (a status other than 200, or a wrong answer).</summary>
    private static async Task<(string? Version, string? Failure)> PredictAsync(HttpClient client, Dictionary<string, double> expected)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{Name}/predict", new { features = Features });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (null, $"{(int)response.StatusCode}: {text}");
        }

        using var body = JsonDocument.Parse(text);
        var version = body.RootElement.GetProperty("model_version").GetString()!;
        var probability = body.RootElement.GetProperty("probability").GetDouble();
        return expected.TryGetValue(version, out var want) && Math.Abs(want - probability) < 1e-5
            ? (version, null)
            : (null, $"version {version} answered {probability}");
    }

    /// <summary>The seed API's probability for <see cref="Features"/>: the larger of p and 1 - p.</summary>
    private static double Confidence(string file)
    {
        var p = ExpectedOutputs.Doubles(ExpectedOutputs.Outputs(file, 0)["probability"]!.AsObject())[1];
        return Math.Max(p, 1 - p);
    }
}
