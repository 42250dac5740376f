namespace Maestro.Cli.Tests.Commands;

[Collection(PlatformCollection.Name)]
public sealed class PredictCommandTests(MaestroPlatform platform) : IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task Predict_SeededModel_PrintsTheSeedShape()
    {
        await _cli.LoginAsync(platform);

        var table = await _cli.RunAsync("predict", "fraud-detector", "0.5", "1.2", "3.4");
        var json = await _cli.JsonAsync("predict", "fraud-detector", "0.5", "1.2", "3.4", "--request-id", "cli-req-1");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("PREDICTION", table.Out);
        Assert.Equal(1, json.GetProperty("prediction").GetDouble());
        Assert.Equal("cli-req-1", json.GetProperty("request_id").GetString());
        var expected = 1 / (1 + Math.Exp(-(0.8 * 0.5 - 0.5 * 1.2 + 1.2 * 3.4 - 0.3)));
        Assert.Equal(expected, json.GetProperty("probability").GetDouble(), 5);
    }

    [Fact]
    public async Task Predict_TooFewFeatures_Exits1SayingHowManyTheModelTakes()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("predict", "fraud-detector", "0.5", "1.2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("400", result.Error);
        Assert.Contains("3 features", result.Error);
    }

    [Fact]
    public async Task Predict_MissingModel_Exits1With404()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("predict", "no-such-model-anywhere", "1", "2", "3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404", result.Error);
        Assert.Contains("no-such-model-anywhere", result.Error);
    }

    [Fact]
    public async Task Predict_FeatureThatIsNotANumber_Exits1BeforeCallingTheGateway()
    {
        var result = await _cli.RunAsync("predict", "fraud-detector", "0.5", "abc", "--url", "http://127.0.0.1:1", "--key", "k");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'abc' is not a number", result.Error);
    }

    public void Dispose() => _cli.Dispose();
}
