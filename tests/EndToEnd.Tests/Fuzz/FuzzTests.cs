using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Maestro.Testing;
using Microsoft.OpenApi;
using Xunit.Abstractions;

namespace Maestro.EndToEnd.Tests.Fuzz;

/// <summary>
/// 10,000 hostile requests, generated from one seed (<see cref="HostileRequests"/>), through the real
/// gateway of a running platform to every operation of its merged OpenAPI document, with the
/// development admin key: none may answer 5xx, no service process may restart. The seed is fixed
/// (<c>MAESTRO_FUZZ_SEED</c> picks another to explore), so a failure names requests that can be made
/// again. The report (requests, operations, answers by status) goes to the test output and
/// <c>.test-results/fuzz/report.txt</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FuzzTests(FuzzPlatformFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzPlatformFixture>
{
    private const int Requests = 10_000;
    private const int Concurrency = 4;
    private const int DefaultSeed = 14;

    private AppHostProcess Platform => fixture.Platform;

    [Fact]
    public async Task Fuzz_HostileRequestsToEveryDocumentedOperation_No5xxAndNoRestart()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MAESTRO_FUZZ_SEED"), out var chosen) ? chosen : DefaultSeed;
        await RegisterFuzzTargetAsync();
        var operations = await DocumentedOperationsAsync();
        var before = Platform.Services().Select(s => (s.Instance, s.Pid)).ToHashSet();
        var generator = new HostileRequests(seed, Platform.ApiKey, ["fraud-detector", "fuzz-target", "no-such-model"],
            await File.ReadAllBytesAsync(TestPaths.SampleModel("iris-classifier.onnx")));
        // Every operation in turn, so each gets its share; generated up front, so the order of answers changes nothing.
        var requests = Enumerable.Range(0, Requests).Select(i => generator.Next(i, operations[i % operations.Count])).ToArray();

        var byStatus = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var unanswered = new ConcurrentQueue<FuzzRequest>();
        var watch = Stopwatch.StartNew();
        using (var client = NewClient(Concurrency))
        {
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (request, _) =>
            {
                var (status, failure) = await SendAsync(client, request);
                if (status == 0)
                {
                    unanswered.Enqueue(request);
                    return;
                }

                byStatus.AddOrUpdate(status, 1, (_, count) => count + 1);
                if (failure is not null)
                {
                    failures.Enqueue(failure);
                }
            });
        }

        // A connection the server closed (after an oversized header, an unread body) can take a request
        // sent on it at the same moment with it: each such request is sent again, alone, on a connection
        // of its own, and counts by that answer. One that gets no answer even then is a failure. It goes
        // as a careful client sends a body, asking "Expect: 100-continue" first: a request the server
        // refuses from its headers alone — Kestrel answers headers over its limit with 431 and closes, as
        // it cannot read on — then gets that answer before any of its body is sent, instead of a reset.
        var resent = 0;
        foreach (var request in unanswered.OrderBy(r => r.Index))
        {
            using var alone = NewClient(1);
            var (status, failure) = await SendAsync(alone, request, expectContinue: true);
            resent++;
            byStatus.AddOrUpdate(status, 1, (_, count) => count + 1);
            if (failure is not null)
            {
                failures.Enqueue(failure);
            }
        }

        watch.Stop();

        var after = Platform.Services().Select(s => (s.Instance, s.Pid)).ToHashSet();
        var restarted = before.Except(after).Select(s => s.Instance).ToArray();
        var report = Report(seed, requests, operations.Count, byStatus, watch.Elapsed, restarted, resent);
        output.WriteLine(report);
        var reportFile = Path.Combine(TestPaths.RepositoryRoot, ".test-results", "fuzz", "report.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(reportFile)!);
        await File.WriteAllTextAsync(reportFile, report + "\n" + string.Join('\n', failures));

        Assert.True(failures.IsEmpty, $"{failures.Count} requests were answered 5xx or not at all (seed {seed}):\n{string.Join('\n', failures.Take(30))}\n{report}");
        Assert.True(restarted.Length == 0, $"Service processes restarted during the run: {string.Join(", ", restarted)}\n{report}");
        using var health = await Platform.Anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        // Header values go out as Latin-1 bytes, so the invalid UTF-8 ones reach the gateway as such.
        RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
        MaxConnectionsPerServer = connections,
    })
    { BaseAddress = Platform.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>The status (0: no answer) and, for a 5xx or no answer, what to report.</summary>
    private static async Task<(int Status, string? Failure)> SendAsync(HttpClient client, FuzzRequest request, bool expectContinue = false)
    {
        using var message = request.ToMessage();
        message.Headers.ExpectContinue = expectContinue && message.Content is not null ? true : null;
        try
        {
            using var response = await client.SendAsync(message);
            var status = (int)response.StatusCode;
            if (status < 500)
            {
                return (status, null);
            }

            var body = await response.Content.ReadAsStringAsync();
            return (status, $"{request.Describe()} → {status} {(body.Length > 300 ? body[..300] : body)}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, $"{request.Describe()} → no answer: {exception.GetBaseException().Message}");
        }
    }

    private static string Report(int seed, FuzzRequest[] requests, int operations, IDictionary<int, int> byStatus, TimeSpan elapsed, string[] restarted, int resent)
    {
        var text = new StringBuilder();
        text.AppendLine($"Fuzz (seed {seed}): {requests.Length} requests to {requests.Select(r => r.Operation.Name).Distinct().Count()} of {operations} documented operations in {elapsed.TotalSeconds:0} s");
        text.AppendLine("By status: " + string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{(p.Key == 0 ? "no answer" : p.Key)}: {p.Value}")));
        text.AppendLine($"4xx: {byStatus.Where(p => p.Key is >= 400 and < 500).Sum(p => p.Value)}, 5xx: {byStatus.Where(p => p.Key >= 500).Sum(p => p.Value)}, "
            + $"no answer: {(byStatus.TryGetValue(0, out var none) ? none : 0)}, restarts: {restarted.Length} ({resent} sent again alone after their connection closed under them)");
        return text.ToString();
    }

    /// <summary>A model of the fuzz's own beside the demo one, with a version, so hostile requests reach the handlers behind the name checks.</summary>
    private async Task RegisterFuzzTargetAsync()
    {
        using (var created = await Platform.Http.PostAsJsonAsync("/api/v1/models", new { name = "fuzz-target", description = "hostile input target" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.SampleModel("iris-classifier.onnx"))), "file", "iris-classifier.onnx");
        using var uploaded = await Platform.Http.PostAsync("/api/v1/models/fuzz-target/versions", form);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
    }

    private async Task<IReadOnlyList<FuzzOperation>> DocumentedOperationsAsync()
    {
        var json = "";
        await Platform.WaitUntilAsync(async () =>
        {
            json = await Platform.Anonymous.GetStringAsync("/openapi/v1.json");
            return !json.Contains("did not return its document", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "a merged document with every service");
        var document = OpenApiDocumentAssert.ValidOpenApi3(json);
        var operations = document.Paths
            .SelectMany(path => path.Value.Operations!.Select(operation => Describe(path.Key, operation.Key, operation.Value)))
            .OrderBy(operation => operation.Name, StringComparer.Ordinal)
            .ToArray();
        Assert.True(operations.Length >= 30, $"The document lists only {operations.Length} operations.");
        return operations;
    }

    private static FuzzOperation Describe(string path, HttpMethod method, OpenApiOperation operation)
    {
        var query = (operation.Parameters ?? []).Where(p => p.In == ParameterLocation.Query).Select(p => p.Name!).ToArray();
        var (mediaType, content) = operation.RequestBody?.Content?.FirstOrDefault() is { Key: { } key } first ? (key, first.Value) : (null, null);
        var properties = content?.Schema?.Properties?.Keys.ToArray() ?? [];
        return new FuzzOperation(method, path, query, mediaType, properties);
    }
}

/// <summary>
/// A platform of its own for the fuzz run (what it creates and breaks stays out of the other tests), with
/// the failed-authentication limit out of the way: the hostile refresh tokens it sends are not a brute force.
/// </summary>
public sealed class FuzzPlatformFixture : IAsyncLifetime
{
    public AppHostProcess Platform { get; private set; } = null!;

    public async Task InitializeAsync() => Platform = await AppHostProcess.StartAsync(workers: 2, seed: true,
        new Dictionary<string, string> { ["Gateway__AuthFailureLimit__PermitLimit"] = "1000000" });

    public async Task DisposeAsync() => await Platform.DisposeAsync();
}
