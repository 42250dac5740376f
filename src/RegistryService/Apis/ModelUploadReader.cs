using Maestro.RegistryService.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// Reads the body of <c>POST /api/v1/models/{name}/versions</c>: multipart/form-data streamed section by
/// section — the file (field <c>file</c>) straight into the artifact store's scratch space, and an
/// optional <c>description</c> — so nothing is held in memory whole. A body that breaks the rules is an
/// <see cref="InvalidUploadException"/> saying how; a file over the limit an <see cref="UploadTooLargeException"/>.
/// Whatever fails, no scratch file is left behind.
/// </summary>
internal static class ModelUploadReader
{
    /// <summary>The request's multipart boundary; <c>null</c> when the body is not multipart/form-data.</summary>
    public static string? Boundary(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
        && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is { Length: > 0 } boundary
            ? boundary
            : null;

    public static async Task<ModelUpload> ReadAsync(
        Stream body, string boundary, ArtifactStore artifacts, long maxBytes, int maxDescriptionLength, CancellationToken cancellationToken)
    {
        ReceivedFile? file = null;
        var received = false;
        try
        {
            string? description = null;
            // Large reads: the file section is hashed and written a megabyte at a time, not 4 KiB.
            var reader = new MultipartReader(boundary, body, ArtifactStore.BufferBytes);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (field == "file" && file is null)
                {
                    file = await artifacts.ReceiveAsync(section.Body, maxBytes, cancellationToken);
                }
                else if (field == "description")
                {
                    description = await ReadTextAsync(section.Body, maxDescriptionLength, cancellationToken)
                        ?? throw new InvalidUploadException($"The description is longer than {maxDescriptionLength} characters.");
                }
            }

            var upload = new ModelUpload(
                file ?? throw new InvalidUploadException("The upload has no field 'file': send the ONNX model as multipart field 'file'."),
                description);
            received = true;
            return upload;
        }
        catch (Exception ex) when (ex is InvalidDataException || (ex is IOException io && IsMultipartReaderError(io)))
        {
            throw new InvalidUploadException(ex is InvalidDataException
                ? $"The multipart body is malformed: {ex.Message}"
                : $"The multipart body ends before its closing boundary '--{boundary}--'.");
        }
        finally
        {
            if (!received && file is not null)
            {
                ArtifactStore.TryDelete(file.Path);
            }
        }
    }

    /// <summary>Reads a text field of at most <paramref name="maxLength"/> characters; <c>null</c> when longer.</summary>
    private static async Task<string?> ReadTextAsync(Stream body, int maxLength, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[maxLength + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > maxLength ? null : new string(buffer, 0, length);
    }

    /// <summary>
    /// <see cref="MultipartReader"/> reports a body that ends before its closing boundary with a plain
    /// <see cref="IOException"/>: thrown by the reader, it is the sender's error, not the disk's.
    /// </summary>
    private static bool IsMultipartReaderError(IOException exception) =>
        exception.Source == typeof(MultipartReader).Assembly.GetName().Name;
}
