using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Maestro.Deploy.Tests.Tools;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Containers;

/// <summary>
/// The other way to an image: the .NET SDK's own container publishing, configured in the worker's
/// project. Its base image must come from a registry, so the test serves the local ASP.NET base from
/// Debian's docker-registry on a free loopback port, publishes the worker from a clean copy of the
/// sources (the solution's own build output is left alone), and runs the image beside the platform.
/// </summary>
[Collection(ContainersCollection.Name)]
public sealed class SdkContainerTests(ContainerPlatform platform)
{
    [Fact]
    public async Task PublishContainer_Worker_ImageServesPredictAsNonRoot()
    {
        var podman = platform.Podman;
        var port = FreePorts.Next();
        var registry = $"localhost:{port}";
        using var registryProcess = StartDockerRegistry(podman.StorageRoot, port);
        var sources = CopySources();
        var container = platform.RunId + "-sdk-worker";
        var image = $"{registry}/maestro/worker:{DeployFiles.ImageTag}";
        try
        {
            await WaitForRegistryAsync(port, registryProcess);
            await podman.MustAsync("push", "--tls-verify=false", "localhost/maestro/aspnet:10.0", $"{registry}/maestro/aspnet:10.0");

            var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
            var publish = await CommandLine.RunAsync("dotnet",
                [
                    "publish", "src/InferenceWorker/InferenceWorker.csproj", "-c", "Release", "-a", arch, "-t:PublishContainer", "-nologo",
                    $"-p:ContainerBaseImage={registry}/maestro/aspnet:10.0", $"-p:ContainerRegistry={registry}",
                ],
                TimeSpan.FromMinutes(10), workingDirectory: sources);
            Assert.True(publish.Succeeded, publish.Describe());

            await podman.MustAsync("pull", "--tls-verify=false", image);
            var config = JsonNode.Parse(await podman.MustAsync("inspect", image, "--format", "{{json .Config}}"))!;
            Assert.Equal("1654", config["User"]!.GetValue<string>());
            var environment = config["Env"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
            Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", environment);
            Assert.Contains("Worker__DataDirectory=/data", environment);
            Assert.NotNull(config["ExposedPorts"]?["8080/tcp"]);

            await platform.Gateway.RegisterAsync("sdk-fraud", "fraud-detector.onnx");
            var workerPort = FreePorts.Next();
            await podman.MustAsync(
            [
                "run", "-d", "--name", container, "--network", platform.Network, "--read-only", "--tmpfs", "/data:rw,mode=1777",
                "-p", $"127.0.0.1:{workerPort}:8080",
                .. ContainerPlatform.ServiceEnvironment.SelectMany(variable => new[] { "-e", variable }),
                image,
            ]);

            // Straight to this worker, not through the gateway: the answer must come from the SDK's image.
            using var worker = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{workerPort}"), Timeout = TimeSpan.FromSeconds(30) };
            var prediction = await PredictWhenUpAsync(worker, container);
            Assert.Equal(1, prediction["prediction"]!.GetValue<int>());
            var uid = await podman.MustAsync("exec", container, "id", "-u");
            Assert.Equal("1654", uid);
        }
        finally
        {
            await podman.RemoveQuietlyAsync("rm", "-f", "-v", "-t", "5", container);
            await podman.RemoveQuietlyAsync("rmi", image);
            registryProcess.Kill(entireProcessTree: true);
            await registryProcess.WaitForExitAsync();
            Directory.Delete(sources, recursive: true);
        }
    }

    private async Task<JsonObject> PredictWhenUpAsync(HttpClient worker, string container)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await IsAliveAsync(worker))
        {
            if (DateTime.UtcNow >= deadline)
            {
                var logs = await platform.Podman.RunAsync("logs", container);
                throw new TimeoutException($"The SDK-built worker did not come up.\n{logs.StandardOutput}{logs.StandardError}");
            }

            await Task.Delay(500);
        }

        return await GatewayClient.PredictAsync(worker, "sdk-fraud", 0.5f, 1.2f, 3.4f);
    }

    private static async Task<bool> IsAliveAsync(HttpClient client)
    {
        try
        {
            using var alive = await client.GetAsync("/alive");
            return alive.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Debian's docker-registry on 127.0.0.1:<paramref name="port"/>, its blobs kept under podman's storage root.</summary>
    private static Process StartDockerRegistry(string storageRoot, int port)
    {
        var root = Path.Combine(storageRoot, "sdk-registry");
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, $"config-{port}.yml");
        File.WriteAllText(config, $"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root}/data\nhttp:\n  addr: 127.0.0.1:{port}\n");
        var start = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start (apt-get install docker-registry).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForRegistryAsync(int port, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/v2/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.False(process.HasExited, "docker-registry exited at start");
            await Task.Delay(100);
        }

        throw new TimeoutException($"docker-registry did not answer on port {port}.");
    }

    /// <summary>What a worker publish reads, without anyone's bin/ or obj/.</summary>
    private static string CopySources()
    {
        var target = TestPaths.NewTempDirectory("sdk-publish");
        var root = TestPaths.RepositoryRoot;
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "deploy/containers/Maestro.Containers.props" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, file))!);
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        }

        foreach (var project in new[] { "src/Contracts", "src/ServiceDefaults", "src/InferenceWorker" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, project), "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
                File.Copy(file, Path.Combine(target, relative));
            }
        }

        return target;
    }
}
