using System.Diagnostics;
using Maestro.Testing;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>
/// The registry on a real Kestrel port, driven by <c>mlflow_rest_client.py</c>: a Python script that
/// calls the MLflow API the way MLflow's own Python client does (mlflow cannot be installed here).
/// </summary>
public abstract class MlflowPythonClientTests(StoreBackend backend)
{
    private static readonly string Script = Path.Combine(TestPaths.RepositoryRoot, "tests", "RegistryService.Tests", "Apis", "Mlflow", "mlflow_rest_client.py");

    [Fact]
    public async Task PythonClientScript_AgainstTheRegistryOnARealPort_CompletesEveryStep()
    {
        var port = FreePorts.Next();
        await using var factory = new RegistryFactory(backend);
        factory.UseKestrel(port);
        factory.StartServer();

        var (exitCode, output) = await RunAsync("python3", Script, $"http://127.0.0.1:{port}", TestPaths.SampleModel(RegistryClient.FraudDetector));

        Assert.True(exitCode == 0, $"the script failed ({exitCode}):\n{output}");
        Assert.EndsWith("ok", output.Trim());
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within 3 minutes:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    public sealed class OnSqlite() : MlflowPythonClientTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : MlflowPythonClientTests(StoreBackend.Postgres);
}
