using System.Buffers;
using System.Text;
using System.Text.Json;
using Maestro.InferenceWorker.Extensions;
using Maestro.InferenceWorker.Predict;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Tests.Predict;

/// <summary>
/// The predict body's fast path reads what every client sends, and agrees with the serializer — with the worker's own
/// JSON options — on every body, read or declined, in one piece or in many.
/// </summary>
public sealed class PredictBodyTests
{
    private static readonly JsonSerializerOptions Options = WorkerJsonOptions();

    /// <summary>Bodies of the common shape: the fast path reads them itself.</summary>
    public static TheoryData<string> CommonBodies() =>
    [
        """{"features":[1,0,1]}""",
        """ { "features" : [ 0.5, -1.25e-3, 3E2, 0, -0 ] }  """,
        "{\n\t\"features\": [1.5,\r\n 2]\n}\n",
        """{"features":[]}""",
        """{"features":null}""",
        """{}""",
        """{"metadata":{"request_id":"x"}}""",
        """{"features":[1],"metadata":null}""",
        """{"features":[1],"metadata":{}}""",
        """{"features":[1],"metadata":{"request_id":"order-42","timestamp":"2026-12-06T19:00:00Z"}}""",
        """{"metadata":{"timestamp":null,"request_id":null},"features":[2]}""",
        """{"features":[1],"metadata":{"request_id":"a\u0022b\\c"}}""",
        """{"features":[1e308,-1e308,5e-324]}""",
        """{"features":[1e400]}""",
        $$"""{"features":[{{string.Join(",", Enumerable.Range(0, 200).Select(i => i * 0.25))}}]}""",
    ];

    /// <summary>Bodies the fast path declines: the serializer reads them, or says what is wrong with them.</summary>
    public static TheoryData<string> OtherBodies() =>
    [
        """{"Features":[1,0,1]}""",
        """{"features":["1","2"]}""",
        """{"features":[1],"extra":true}""",
        """{"features":[1],"features":[2]}""",
        """{"features":[1],"metadata":{"request_id":5}}""",
        """{"features":[1],"metadata":{"requestId":"x"}}""",
        """{"features":[1],"metadata":{"timestamp":"yesterday"}}""",
        """{"features":[1],"metadata":[]}""",
        """{"features":[1,null]}""",
        """{"features":[1,[2]]}""",
        """{"features":{"a":1}}""",
        """{"features":"1, 0, 1"}""",
        """{"features":[1]} x""",
        """{"features":[1]}{}""",
        """{"features":[1,0,1],}""",
        """/* note */ {"features":[1]}""",
        """{"features":[1, 0""",
        """[1, 0, 1]""",
        """null""",
        """42""",
        "",
        "not json",
    ];

    [Theory]
    [MemberData(nameof(CommonBodies))]
    public void CommonShape_IsReadByTheFastPath_AsTheSerializerReadsIt(string json)
    {
        Assert.True(PredictBody.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out var body));

        Assert.Equal(Serializer(json), Describe(body));
    }

    [Theory]
    [MemberData(nameof(OtherBodies))]
    public void AnyOtherBody_IsDeclinedByTheFastPath(string json)
    {
        Assert.False(PredictBody.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out var body));
        Assert.Null(body);
    }

    [Theory]
    [MemberData(nameof(CommonBodies))]
    [MemberData(nameof(OtherBodies))]
    public void EveryBody_ParsesAsTheSerializerReadsIt_InOnePieceAndByteByByte(string json)
    {
        var expected = Serializer(json);
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Equal(expected, Outcome(() => PredictBody.Parse(new ReadOnlySequence<byte>(bytes), Options)));
        Assert.Equal(expected, Outcome(() => PredictBody.Parse(ByteByByte(bytes), Options)));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("Application/JSON", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/json; charset=UTF-8", true)]
    [InlineData("application/json;charset=utf-8", false)]
    [InlineData("application/json; charset=utf-16", false)]
    [InlineData("application/problem+json", false)]
    [InlineData("text/plain", false)]
    [InlineData(null, false)]
    public void IsPlainJson_OnlyForUtf8Json_WrittenTheCommonWay(string? contentType, bool plain) =>
        Assert.Equal(plain, PredictBody.IsPlainJson(contentType));

    private static string Serializer(string json) => Outcome(() => JsonSerializer.Deserialize<PredictRequest>(json, Options));

    private static string Outcome(Func<PredictRequest?> parse)
    {
        try
        {
            return Describe(parse());
        }
        catch (JsonException)
        {
            return "invalid JSON";
        }
    }

    private static string Describe(PredictRequest? body) => body is null
        ? "null"
        : $"features={(body.Features is null ? "null" : string.Join(",", body.Features.Select(f => f.ToString("R"))))}" +
          $" metadata={(body.Metadata is null ? "null" : $"{body.Metadata.RequestId ?? "(null)"}|{body.Metadata.Timestamp?.ToString("O") ?? "(null)"}")}";

    private static JsonSerializerOptions WorkerJsonOptions()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddApplicationServices();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
    }

    private static ReadOnlySequence<byte> ByteByByte(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
