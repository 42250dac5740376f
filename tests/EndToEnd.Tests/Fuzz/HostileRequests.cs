using System.Text;

namespace Maestro.EndToEnd.Tests.Fuzz;

/// <summary>
/// Generates hostile requests for documented operations from one seed: hostile path values (traversal,
/// invalid UTF-8, huge numbers, long names), query values, bodies (random JSON, wrong types, huge
/// numbers, deep nesting, invalid UTF-8, truncation, wrong media types, truncated multipart, traversal
/// in file names) and headers (oversized, many, invalid UTF-8). The same seed makes the same requests.
/// </summary>
internal sealed class HostileRequests(int seed, string apiKey, IReadOnlyList<string> names, byte[] onnxModel)
{
    private static readonly string[] PathValues =
    [
        "1", "0", "-1", "2147483648", "99999999999999999999999999", "1e308", "..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f",
        "....%2F%2F", "a%00b", "%C3%28", "%FF%FE%FD", "%E2%82", "%25", "x%20y", "%F0%9F%94%91", "Production", "latest", "@champion",
        "'%20OR%201=1%20--", "%3Cscript%3E", "CON", "a.b-c_d", "-", ".", "_",
    ];

    private static readonly string[] QueryValues =
    [
        "", "1", "-1", "0", "1000000", "99999999999999999999999", "1e400", "NaN", "true", "null", "[]", "%C3%28", "%FF",
        "name%20LIKE%20'%25", "tags.%60x%60%20%3D%201", "((((((((", "name%20%3D%20'a'%20AND%20(", "json", "markdown", "pdf",
        "AAAAAAAAAAAA", "bm90LWEtdG9rZW4", "..%2F..%2F", "%00",
    ];

    private static readonly string[] FileNames =
        ["model.onnx", "../../../etc/passwd", "..\\..\\windows\\system32\\x.onnx", "", "a/b/c.onnx", "/abs/path.onnx", "con", "x\u0000.onnx", "名前.onnx", ".onnx"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    /// <summary>Request <paramref name="index"/>, for <paramref name="operation"/>.</summary>
    public FuzzRequest Next(int index, FuzzOperation operation)
    {
        var kinds = new List<string>();
        var url = Path(operation.Template, kinds) + Query(operation, kinds);
        var headers = new List<(string, string)> { ("X-API-Key", apiKey) };
        Headers(headers, kinds);
        var (body, contentType) = operation.MediaType switch
        {
            null when _random.Next(10) == 0 => Json(operation, kinds),
            null => (null, null),
            "multipart/form-data" => Multipart(kinds),
            _ => Json(operation, kinds),
        };
        return new FuzzRequest(index, operation, string.Join(',', kinds), url, headers, body, contentType);
    }

    private string Path(string template, List<string> kinds)
    {
        var builder = new StringBuilder();
        var at = 0;
        while (template.IndexOf('{', at) is var open and >= 0)
        {
            var close = template.IndexOf('}', open);
            builder.Append(template, at, open - at);
            var roll = _random.Next(100);
            builder.Append(roll switch
            {
                < 45 => names[_random.Next(names.Count)],
                < 55 => "1",
                < 62 => new string('a', _random.Next(2) == 0 ? 300 : 5000),
                _ => PathValues[_random.Next(PathValues.Length)],
            });
            if (roll >= 55)
            {
                kinds.Add("path:hostile");
            }

            at = close + 1;
        }

        return builder.Append(template, at, template.Length - at).ToString();
    }

    private string Query(FuzzOperation operation, List<string> kinds)
    {
        var parameters = new List<string>();
        foreach (var name in operation.Query.Where(_ => _random.Next(2) == 0))
        {
            parameters.Add($"{name}={QueryValues[_random.Next(QueryValues.Length)]}");
        }

        if (_random.Next(8) == 0)
        {
            parameters.Add(_random.Next(2) == 0 ? "unknown=%FF" : $"max_results={QueryValues[_random.Next(QueryValues.Length)]}&max_results=2");
        }

        if (parameters.Count > 0)
        {
            kinds.Add("query");
        }

        return parameters.Count == 0 ? "" : "?" + string.Join('&', parameters);
    }

    private void Headers(List<(string, string)> headers, List<string> kinds)
    {
        switch (_random.Next(40))
        {
            case 0:
                headers.Add(("X-Padding", new string('h', 40 * 1024)));
                kinds.Add("header:oversized");
                break;
            case 1:
                for (var i = 0; i < 150; i++)
                {
                    headers.Add(($"X-Many-{i}", "v"));
                }

                kinds.Add("header:many");
                break;
            case 2:
                // Sent as Latin-1 bytes: 0xC3 0x28 and 0xFF are not UTF-8.
                headers.Add(("X-Request-Id", "\u00c3\u0028\u00ff-id"));
                kinds.Add("header:invalid-utf8");
                break;
            case 3:
                headers.Add(("If-Match", _random.Next(2) == 0 ? "\"not-an-etag\"" : "W/\"" + new string('9', 400) + "\""));
                kinds.Add("header:if-match");
                break;
            case 4:
                headers.Add(("Accept", "application/x-nonsense;q=abc, */*;q=2"));
                kinds.Add("header:accept");
                break;
            case 5:
                headers.Add(("X-Request-Id", new string('r', 5000)));
                kinds.Add("header:request-id");
                break;
        }
    }

    private (byte[]? Body, string? ContentType) Json(FuzzOperation operation, List<string> kinds)
    {
        const string json = "application/json";
        var roll = _random.Next(13);
        kinds.Add("body:" + roll switch
        {
            0 => "random-json", 1 => "wrong-types", 2 => "huge-numbers", 3 => "deep-nesting", 4 => "invalid-utf8", 5 => "truncated",
            6 => "empty", 7 => "wrong-media-type", 8 => "large-string", 9 => "number-edges", 10 => "duplicate-keys", 11 => "top-level-scalar",
            _ => "near-valid",
        });
        return roll switch
        {
            0 => (Utf8(RandomValue(4)), json),
            1 => (Utf8(Object(operation, () => RandomValue(2))), json),
            2 => (Utf8(Object(operation, () => _random.Next(2) == 0 ? "123456789012345678901234567890" : "-1e400")), json),
            3 => (Utf8(Nested(_random.Next(3) switch { 0 => 65, 1 => 1000, _ => 20000 })), json),
            4 => (InvalidUtf8(operation), json),
            5 => (Truncated(Utf8(Object(operation, () => RandomValue(2)))), json),
            6 => ([], json),
            7 => (Utf8(Object(operation, () => RandomValue(1))), _random.Next(2) == 0 ? "text/plain" : "application/xml"),
            8 => (Utf8($"{{\"{Property(operation)}\": \"{new string('x', _random.Next(2) == 0 ? 100_000 : 1_100_000)}\"}}"), json),
            9 => (Utf8(Object(operation, () => new[] { "NaN", "Infinity", "-0", "1e309", "18446744073709551616", "0x10", "01", ".5" }[_random.Next(8)])), json),
            10 => (Utf8($"{{\"{Property(operation)}\": 1, \"{Property(operation)}\": \"two\", \"{Property(operation)}\": null}}"), json),
            11 => (Utf8(new[] { "null", "[]", "1", "\"s\"", "true", "[{}]" }[_random.Next(6)]), json),
            _ => (Utf8(NearValid(operation)), _random.Next(3) == 0 ? "application/json; charset=utf-99" : json),
        };
    }

    private (byte[]? Body, string? ContentType) Multipart(List<string> kinds)
    {
        var boundary = "fuzz" + _random.Next(1_000_000);
        var fileName = FileNames[_random.Next(FileNames.Length)];
        var file = _random.Next(12) == 0 ? onnxModel : RandomBytes(_random.Next(4) == 0 ? 0 : _random.Next(1, 4096));
        var roll = _random.Next(6);
        kinds.Add("multipart:" + roll switch { 0 => "valid-shape", 1 => "truncated", 2 => "no-file", 3 => "wrong-boundary", 4 => "not-multipart", _ => "two-files" });
        var part = Part(boundary, "file", fileName, file);
        var body = roll switch
        {
            0 => Concat(part, Part(boundary, "description", null, Encoding.UTF8.GetBytes("fuzz")), Close(boundary)),
            1 => Truncated(Concat(part, Close(boundary))),
            2 => Concat(Part(boundary, "description", null, RandomBytes(64)), Close(boundary)),
            3 => Concat(part, Close(boundary)),
            4 => RandomBytes(512),
            _ => Concat(part, Part(boundary, "file", "second.onnx", file), Close(boundary)),
        };
        var contentType = roll == 3 ? "multipart/form-data; boundary=other" : $"multipart/form-data; boundary={boundary}";
        return (body, contentType);
    }

    private static byte[] Part(string boundary, string name, string? fileName, byte[] content)
    {
        var disposition = fileName is null ? $"form-data; name=\"{name}\"" : $"form-data; name=\"{name}\"; filename=\"{fileName}\"";
        return Concat(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n"),
            content, "\r\n"u8.ToArray());
    }

    private static byte[] Close(string boundary) => Encoding.UTF8.GetBytes($"--{boundary}--\r\n");

    private string Object(FuzzOperation operation, Func<string> value)
    {
        var properties = operation.Properties.Count > 0 && _random.Next(4) > 0 ? operation.Properties : ["name", "features", "inputs", "x"];
        return "{" + string.Join(", ", properties.Select(p => $"\"{p}\": {value()}")) + "}";
    }

    /// <summary>The documented properties with plausible values, one of them spoiled.</summary>
    private string NearValid(FuzzOperation operation) => operation.Properties.Count == 0
        ? "{\"features\": [0.5, 1.2, 3.4]}"
        : "{" + string.Join(", ", operation.Properties.Select((p, i) => $"\"{p}\": {(i == 0 ? RandomValue(1) : PlausibleValue(p))}")) + "}";

    private string PlausibleValue(string property) => property switch
    {
        "features" => "[0.5, 1.2, 3.4]",
        "requests" => "[{\"features\": [0.5, 1.2, 3.4]}]",
        "inputs" => "[{\"name\": \"features\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [0.5, 1.2, 3.4]}]",
        "scopes" => "[\"predict\"]",
        "tags" => "{\"team\": \"fuzz\"}",
        "version" => "1",
        "stage" => "\"Production\"",
        _ => $"\"fuzz-{_random.Next(1000)}\"",
    };

    private string Property(FuzzOperation operation) =>
        operation.Properties.Count > 0 ? operation.Properties[_random.Next(operation.Properties.Count)] : "name";

    private string RandomValue(int depth)
    {
        var roll = _random.Next(depth <= 0 ? 6 : 8);
        return roll switch
        {
            0 => "null",
            1 => _random.Next(2) == 0 ? "true" : "false",
            2 => (_random.NextDouble() * Math.Pow(10, _random.Next(-5, 30)) * (_random.Next(2) == 0 ? 1 : -1)).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            3 => _random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            4 => "\"" + RandomText() + "\"",
            5 => "\"\"",
            6 => "[" + string.Join(", ", Enumerable.Range(0, _random.Next(5)).Select(_ => RandomValue(depth - 1))) + "]",
            _ => "{" + string.Join(", ", Enumerable.Range(0, _random.Next(4)).Select(_ => $"\"{RandomText()}\": {RandomValue(depth - 1)}")) + "}",
        };
    }

    private string RandomText()
    {
        const string alphabet = "abcXYZ019 _-./\\%'<>{}[]:,@é名🔑\u0001\n\"";
        var length = _random.Next(0, 24);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[_random.Next(alphabet.Length)]);
        }

        return builder.ToString().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private byte[] InvalidUtf8(FuzzOperation operation) =>
        Concat(Encoding.UTF8.GetBytes($"{{\"{Property(operation)}\": \""), [0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80], "\"}"u8.ToArray());

    private byte[] Truncated(byte[] whole) => whole.Length <= 1 ? whole : whole[..(_random.Next(1, whole.Length))];

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(part => part)];
}
