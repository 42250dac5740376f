using System.Globalization;
using Maestro.RegistryService.Extensions;
using Maestro.RegistryService.Infrastructure;
using Maestro.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Maestro.RegistryService.Tests.Extensions;

/// <summary>
/// The registry's Kestrel receives a request body into <see cref="LargeBlockMemoryPool"/>'s 64 KiB
/// blocks. The host is built the way the registry's <c>Program</c> builds it (Kestrel's services
/// first, then <c>AddServiceDefaults</c> and <c>AddApplicationServices</c>; a WebApplicationFactory
/// with UseKestrel adds Kestrel's again after them), on a real port, with one probe endpoint that
/// reads a 4 MB body and reports its largest buffer segment — 4 KiB with Kestrel's own pool.
/// </summary>
public sealed class ReceiveBlocksTests
{
    private const string Probe = "/test/largest-receive-segment";

    [Fact]
    public async Task LargeBody_RegistryWiringOnARealPort_ReceivedInBlocksLargerThanKestrelsOwn()
    {
        var port = FreePorts.Next();
        var dataDirectory = TestPaths.NewTempDirectory("receive-blocks");
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Configuration["Registry:DataDirectory"] = dataDirectory;
            builder.AddServiceDefaults();
            builder.AddApplicationServices();
            await using var app = builder.Build();
            app.MapPost(Probe, LargestSegmentAsync);
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            using var response = await client.PostAsync(Probe, new ByteArrayContent(new byte[4 * 1024 * 1024]));

            response.EnsureSuccessStatusCode();
            var largest = int.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
            Assert.InRange(largest, 4096 + 1, LargeBlockMemoryPool.BlockBytes);
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public void Rent_MoreThanABlock_ThrowsAndABlockIsGivenBackOnce()
    {
        using var pool = new LargeBlockMemoryPool.Factory().Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockBytes + 1));
        var block = pool.Rent();
        Assert.True(block.Memory.Length >= LargeBlockMemoryPool.BlockBytes);
        block.Dispose();
        block.Dispose();
        Assert.Throws<ObjectDisposedException>(() => block.Memory);
    }

    private static async Task<string> LargestSegmentAsync(HttpRequest request)
    {
        var largest = 0;
        while (true)
        {
            var read = await request.BodyReader.ReadAsync();
            foreach (var segment in read.Buffer)
            {
                largest = Math.Max(largest, segment.Length);
            }

            request.BodyReader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return largest.ToString(CultureInfo.InvariantCulture);
            }
        }
    }
}
