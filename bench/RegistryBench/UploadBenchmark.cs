using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Maestro.RegistryBench;

/// <summary>
/// A large model uploaded through the registry's HTTP endpoint (multipart, streamed from disk)
/// against copying the same file on the same disk with a flush to it, as the registry flushes its
/// copy. A and B alternate, one pair per round, so a slow moment of the machine hits both. Each round
/// also uploads content the registry has not seen (the same file with four bytes of its weights
/// changed in place, a new SHA-256 each round): a repeat of stored content skips validation, new
/// content pays for it; both are flushed (whether content is stored is known only once it is hashed,
/// which happens during the flush).
/// </summary>
internal static class UploadBenchmark
{
    public static async Task<int> RunAsync(Uri registry, string modelFile, string scratchDirectory, int rounds)
    {
        using var client = new HttpClient { BaseAddress = registry, Timeout = TimeSpan.FromMinutes(10) };
        const string Model = "bench-upload";
        using (var created = await client.PostAsJsonAsync("/api/v1/models", new { name = Model }))
        {
            if (created.StatusCode != HttpStatusCode.Created)
            {
                Console.Error.WriteLine($"Creating the model answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
                return 1;
            }
        }

        Directory.CreateDirectory(scratchDirectory);
        var variant = Path.Combine(scratchDirectory, "variant.onnx");
        File.Copy(modelFile, variant, overwrite: true);
        var copies = new List<double>();
        var uploads = new List<double>();
        var fresh = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            var copy = await CopyAsync(modelFile, Path.Combine(scratchDirectory, "copy.onnx"));
            var upload = await UploadAsync(client, Model, modelFile);
            ChangeWeights(variant, round);
            var freshUpload = await UploadAsync(client, Model, variant);
            if (upload is null || freshUpload is null)
            {
                return 1;
            }

            if (round > 0)
            {
                // Round 0 warms up (page cache, JIT, ONNX Runtime).
                copies.Add(copy);
                uploads.Add(upload.Value);
                fresh.Add(freshUpload.Value);
            }
        }

        File.Delete(variant);

        var size = new FileInfo(modelFile).Length;
        Console.WriteLine($"upload_bytes={size}");
        Console.WriteLine($"upload_rounds={rounds}");
        Medians.Print("copy_median_s", Medians.Of(copies));
        Medians.Print("upload_median_s", Medians.Of(uploads));
        Medians.Print("upload_vs_copy", Medians.Of(copies) / Medians.Of(uploads));
        Medians.Print("fresh_upload_median_s", Medians.Of(fresh));
        Medians.Print("fresh_vs_copy", Medians.Of(copies) / Medians.Of(fresh));
        return 0;
    }

    /// <summary>Writes the round number into the middle of the file: inside the weights of the bench's model, so it stays a valid model.</summary>
    private static void ChangeWeights(string path, int round)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, BitConverter.GetBytes(round + 1), RandomAccess.GetLength(handle) / 2);
    }

    private static async Task<double> CopyAsync(string source, string target)
    {
        var watch = Stopwatch.StartNew();
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await input.CopyToAsync(output);
            await output.FlushAsync();
            output.Flush(flushToDisk: true);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        File.Delete(target);
        return seconds;
    }

    private static async Task<double?> UploadAsync(HttpClient client, string model, string modelFile)
    {
        var watch = Stopwatch.StartNew();
        await using var file = new FileStream(modelFile, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var content = new MultipartFormDataContent();
        var part = new StreamContent(file, 81920);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(part, "file", Path.GetFileName(modelFile));
        using var response = await client.PostAsync($"/api/v1/models/{model}/versions", content);
        var seconds = watch.Elapsed.TotalSeconds;
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Console.Error.WriteLine($"The upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return null;
        }

        return seconds;
    }
}
