using System.Net;

namespace Maestro.Cli.Gateway;

/// <summary>A file sent as it is read from disk, with its length known and every chunk reported to <see cref="Progress"/>.</summary>
internal sealed class ProgressContent(string path, Action<long, long> progress) : HttpContent
{
    private const int ChunkBytes = 64 * 1024;

    public Action<long, long> Progress { get; } = progress;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, useAsync: true);
        var total = file.Length;
        var buffer = new byte[ChunkBytes];
        long sent = 0;
        Progress(0, total);
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            sent += read;
            Progress(sent, total);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = new FileInfo(path).Length;
        return true;
    }
}
