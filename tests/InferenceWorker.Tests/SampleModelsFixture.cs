namespace Maestro.InferenceWorker.Tests;

/// <summary>One worker host for a test class, with every sample model registered under its file's name.</summary>
public sealed class SampleModelsFixture : IAsyncLifetime
{
    internal WorkerHost Host { get; } = new();

    public HttpClient Client => Host.Client;

    public async Task InitializeAsync()
    {
        foreach (var file in ExpectedOutputs.ModelFiles)
        {
            await Host.UploadAsync(Path.GetFileNameWithoutExtension(file), file);
        }
    }

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}
