using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.InferenceWorker.Tests;

/// <summary>
/// Triton's binary tensor data extension as a client speaks it, written here from the protocol
/// description so the tests do not share the worker's code: requests are a JSON header followed by
/// raw little-endian tensors, responses the same way round.
/// </summary>
internal static class BinaryTensors
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    /// <summary>A flat V2 <c>data</c> array as the raw bytes of <paramref name="datatype"/>.</summary>
    public static byte[] Encode(string datatype, JsonArray data)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream); // little-endian
        foreach (var item in data)
        {
            switch (datatype)
            {
                case "BOOL": writer.Write(item!.GetValue<bool>()); break;
                case "INT32": writer.Write(item!.GetValue<int>()); break;
                case "INT64": writer.Write(item!.GetValue<long>()); break;
                case "FP16": writer.Write((Half)item!.GetValue<double>()); break;
                case "FP32": writer.Write(item!.GetValue<float>()); break;
                case "FP64": writer.Write(item!.GetValue<double>()); break;
                case "BYTES":
                    var text = Encoding.UTF8.GetBytes(item!.GetValue<string>());
                    writer.Write(text.Length);
                    writer.Write(text);
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(datatype), datatype, "no encoder in the test");
            }
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Raw bytes of <paramref name="datatype"/> as a flat V2 <c>data</c> array.</summary>
    public static JsonArray Decode(string datatype, byte[] bytes)
    {
        var data = new JsonArray();
        for (var offset = 0; offset < bytes.Length;)
        {
            var span = bytes.AsSpan(offset);
            switch (datatype)
            {
                case "BOOL": data.Add(span[0] != 0); offset += 1; break;
                case "INT32": data.Add(BinaryPrimitives.ReadInt32LittleEndian(span)); offset += 4; break;
                case "INT64": data.Add(BinaryPrimitives.ReadInt64LittleEndian(span)); offset += 8; break;
                case "FP16": data.Add((double)BinaryPrimitives.ReadHalfLittleEndian(span)); offset += 2; break;
                case "FP32": data.Add((double)BinaryPrimitives.ReadSingleLittleEndian(span)); offset += 4; break;
                case "FP64": data.Add(BinaryPrimitives.ReadDoubleLittleEndian(span)); offset += 8; break;
                case "BYTES":
                    var length = BinaryPrimitives.ReadInt32LittleEndian(span);
                    data.Add(Encoding.UTF8.GetString(span.Slice(4, length)));
                    offset += 4 + length;
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(datatype), datatype, "no decoder in the test");
            }
        }

        return data;
    }

    /// <summary>A request body: <paramref name="header"/> as JSON, then <paramref name="binary"/> in order.</summary>
    public static HttpContent Request(JsonObject header, params byte[][] binary) =>
        Request(Encoding.UTF8.GetBytes(header.ToJsonString()), binary);

    public static HttpContent Request(byte[] json, params byte[][] binary)
    {
        var content = new ByteArrayContent([.. json, .. binary.SelectMany(b => b)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLength, json.Length.ToString());
        return content;
    }

    /// <summary>
    /// Reads a binary response: its JSON header, and every output as a V2 JSON tensor with <c>data</c>
    /// (decoded from the bytes after the header for binary outputs) by name.
    /// </summary>
    public static async Task<(JsonElement Header, Dictionary<string, JsonElement> Outputs)> ReadAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var headerLength = int.Parse(Assert.Single(response.Headers.GetValues(HeaderLength)));

        using var document = JsonDocument.Parse(bytes.AsMemory(0, headerLength));
        var header = document.RootElement.Clone();
        var outputs = new Dictionary<string, JsonElement>();
        var offset = headerLength;
        foreach (var output in header.GetProperty("outputs").EnumerateArray())
        {
            var name = output.GetProperty("name").GetString()!;
            if (!output.TryGetProperty("parameters", out var parameters) || !parameters.TryGetProperty("binary_data_size", out var size))
            {
                outputs[name] = output;
                continue;
            }

            Assert.False(output.TryGetProperty("data", out _), $"Binary output '{name}' also has JSON data.");
            var datatype = output.GetProperty("datatype").GetString()!;
            var tensor = new JsonObject
            {
                ["name"] = name,
                ["datatype"] = datatype,
                ["shape"] = JsonNode.Parse(output.GetProperty("shape").GetRawText()),
                ["data"] = Decode(datatype, bytes[offset..(offset + size.GetInt32())]),
            };
            offset += size.GetInt32();
            outputs[name] = JsonSerializer.SerializeToElement(tensor);
        }

        Assert.Equal(bytes.Length, offset);
        return (header, outputs);
    }
}
