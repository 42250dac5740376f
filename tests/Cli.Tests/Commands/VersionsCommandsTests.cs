using Maestro.Testing;

namespace Maestro.Cli.Tests.Commands;

[Collection(PlatformCollection.Name)]
public sealed class VersionsCommandsTests(MaestroPlatform platform) : IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task UploadStageAliasPredict_SampleModel_ServesTheNewVersion()
    {
        await _cli.LoginAsync(platform);
        var name = "cli-fraud-" + Guid.NewGuid().ToString("N")[..8];
        var file = TestPaths.SampleModel("fraud-detector-v2.onnx");
        Assert.Equal(0, (await _cli.RunAsync("models", "create", name)).ExitCode);

        var upload = await _cli.RunAsync("versions", "upload", name, file);
        var stage = await _cli.JsonAsync("stage", name, "1", "Production", "--archive-existing");
        var alias = await _cli.JsonAsync("alias", name, "champion", "1");
        var versions = await _cli.JsonAsync("versions", "list", name);
        var predicted = await _cli.JsonAsync("predict", name, "0.5", "1.2", "3.4");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Contains("100%", upload.Error); // the progress bar, on stderr
        Assert.Contains("Production", (await _cli.RunAsync("versions", "list", name)).Out);
        Assert.Equal("Production", stage.GetProperty("current_stage").GetString());
        Assert.Equal(1, alias.GetProperty("version").GetInt32());
        var version = Assert.Single(versions.GetProperty("model_versions").EnumerateArray());
        Assert.Equal(new FileInfo(file).Length, version.GetProperty("size_bytes").GetInt64());
        // fraud-detector-v2.onnx: sigmoid(x · [-0.6, 0.9, 0.4] + 0.1)
        var expected = 1 / (1 + Math.Exp(-(-0.6 * 0.5 + 0.9 * 1.2 + 0.4 * 3.4 + 0.1)));
        Assert.Equal(expected, predicted.GetProperty("probability").GetDouble(), 5);
        Assert.Equal("1", predicted.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Upload_FileThatIsNotOnnx_Exits1WithTheRegistrysReason()
    {
        await _cli.LoginAsync(platform);
        var name = "cli-bad-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await _cli.RunAsync("models", "create", name)).ExitCode);
        var notOnnx = Path.Combine(_cli.ConfigHome, "model.onnx");
        await File.WriteAllTextAsync(notOnnx, "this is not an ONNX model");

        var result = await _cli.RunAsync("versions", "upload", name, notOnnx);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("422", result.Error);
        Assert.Contains("ONNX Runtime cannot load the file", result.Error);
    }

    [Fact]
    public async Task Stage_UnknownStage_IsAUsageError()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("stage", "fraud-detector", "1", "Live");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Production", result.Error);
    }

    public void Dispose() => _cli.Dispose();
}
