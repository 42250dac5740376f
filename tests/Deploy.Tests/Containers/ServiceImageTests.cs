using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Maestro.Deploy.Tests.Tools;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Containers;

/// <summary>The three images, really running together: what a user of them gets.</summary>
[Collection(ContainersCollection.Name)]
public sealed class ServiceImageTests(ContainerPlatform platform)
{
    public static TheoryData<string> Services => new(DeployFiles.Services.Keys);

    [Fact]
    public async Task Gateway_UploadPromotePredict_WorkerImageServesTheModel()
    {
        await platform.Gateway.RegisterAsync("fraud-detector", "fraud-detector.onnx");

        var prediction = await GatewayClient.PredictAsync(platform.Gateway.Http, "fraud-detector", 0.5f, 1.2f, 3.4f);
        Assert.Equal(1, prediction["prediction"]!.GetValue<int>());
        Assert.Equal("1", prediction["model_version"]!.GetValue<string>());

        // The V2 protocol through the gateway, against the outputs the sample's script recorded.
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(TestPaths.SampleModel("expected.json")))!["fraud-detector.onnx"]![0]!;
        var input = expected["inputs"]!["features"]!;
        using var response = await platform.Gateway.Http.PostAsJsonAsync("/v2/models/fraud-detector/infer", new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "features",
                ["datatype"] = "FP32",
                ["shape"] = input["shape"]!.DeepClone(),
                ["data"] = input["data"]!.DeepClone(),
            }),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var output = JsonNode.Parse(body)!["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "probability")!;
        var want = expected["outputs"]!["probability"]!["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var got = output["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(want.Length, got.Length);
        Assert.All(want.Zip(got), pair => Assert.Equal(pair.First, pair.Second, 5));
    }

    [Fact]
    public async Task RegistryImage_GenerateModelCard_WritesAPdfWithTheImagesFonts()
    {
        await platform.Gateway.RegisterAsync("card-fraud", "fraud-detector.onnx");

        using var response = await platform.Gateway.Http.PostAsJsonAsync("/api/v1/model-cards/card-fraud/versions/1/generate", new { });
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("%PDF-"u8.ToArray(), body[..5]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Image_Healthcheck_ProbesAliveAndReportsHealthy(string service)
    {
        var container = platform.ContainerName(service);
        var configured = await platform.Podman.MustAsync("inspect", container, "--format", "{{json .Config.Healthcheck.Test}}");
        Assert.Contains("/alive", configured);

        var run = await platform.Podman.RunAsync("healthcheck", "run", container);
        Assert.True(run.Succeeded, run.Describe());
        Assert.Equal("healthy", await platform.Podman.MustAsync("inspect", container, "--format", "{{.State.Health.Status}}"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Image_Process_RunsAsTheNonRootAppUser(string service)
    {
        // The service's own process (pid 1 in the container), not a shell started for the test.
        var status = await platform.ExecAsync(service, "cat", "/proc/1/status");
        Assert.True(status.Succeeded, status.Describe());
        var uids = status.StandardOutput.Split('\n').Single(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.All(uids, uid => Assert.Equal("1654", uid));

        var command = await platform.ExecAsync(service, "cat", "/proc/1/cmdline");
        Assert.Contains($"Maestro.{DeployFiles.Services[service]}.dll", command.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Image_RootFilesystem_IsReadOnlyWhileDataAndTmpAreWritable(string service)
    {
        Assert.Equal("true", await platform.Podman.MustAsync("inspect", platform.ContainerName(service), "--format", "{{.HostConfig.ReadonlyRootfs}}"));

        var app = await platform.ExecAsync(service, "touch", "/app/written-by-test");
        Assert.False(app.Succeeded, "/app was writable");
        Assert.Contains("Read-only file system", app.StandardError);
        var root = await platform.ExecAsync(service, "touch", "/written-by-test");
        Assert.Contains("Read-only file system", root.StandardError);

        foreach (var writable in new[] { "/data", "/tmp" })
        {
            var written = await platform.ExecAsync(service, "touch", $"{writable}/written-by-test");
            Assert.True(written.Succeeded, written.Describe());
        }
    }
}
