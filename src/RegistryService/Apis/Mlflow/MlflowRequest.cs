using System.Globalization;
using System.Text;
using System.Text.Json;
using Maestro.RegistryService.Model;
using Microsoft.Extensions.Primitives;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>
/// The parameters of one MLflow API call. Like MLflow's server, a GET reads them from the query
/// string (a repeated field is a repeated key) and every other verb from the JSON body; a body-less
/// call of another verb falls back to its query string. Readers throw
/// <see cref="MlflowParameterException"/> for a missing or ill-typed value.
/// </summary>
internal sealed class MlflowRequest
{
    /// <summary>Largest JSON body read, in characters: MLflow's calls carry names, tags and descriptions, never files.</summary>
    public const int MaxBodyChars = 1024 * 1024;

    private readonly IQueryCollection _query;
    private readonly JsonElement? _body;
    private readonly string? _bodyProblem;

    private MlflowRequest(HttpRequest request, JsonElement? body, string? bodyProblem)
    {
        _query = request.Query;
        _body = body;
        _bodyProblem = bodyProblem;
        Origin = OriginOf(request);
    }

    /// <summary>
    /// <c>scheme://host</c> as the caller reached us: through the gateway its forwarded host, so the
    /// URIs we hand out are ones the caller can fetch.
    /// </summary>
    public string Origin { get; }

    /// <summary>Minimal APIs bind a handler's <see cref="MlflowRequest"/> parameter through this.</summary>
    public static async ValueTask<MlflowRequest> BindAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method))
        {
            return new MlflowRequest(request, null, null);
        }

        var text = await ReadBodyAsync(request.Body, context.RequestAborted);
        if (text is null)
        {
            return new MlflowRequest(request, null, $"The request body is longer than {MaxBodyChars} characters.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return new MlflowRequest(request, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new MlflowRequest(request, document.RootElement.Clone(), null)
                : new MlflowRequest(request, null, $"The request body must be a JSON object; it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
        }
        catch (JsonException ex)
        {
            return new MlflowRequest(request, null, $"The request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>The body as text; <c>null</c> when it is longer than <see cref="MaxBodyChars"/>.</summary>
    private static async Task<string?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (text.Length + read > MaxBodyChars)
            {
                return null;
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }

    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } value ? value : throw Missing(name);

    public string? String(string name) => Value(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } element => element.GetString(),
        { ValueKind: JsonValueKind.Null } => null,
        { } element => throw WrongType(name, "a string", element),
    };

    /// <summary>The version number, sent as a string (<c>"3"</c>) by MLflow's clients; a JSON number is accepted too.</summary>
    public int Version()
    {
        var element = Value("version") ?? throw Missing("version");
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new MlflowParameterException($"Parameter 'version' must be a positive whole number such as \"3\"; got {Describe(element)}.");
    }

    public long? Long(string name)
    {
        if (Value(name) is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return element.ValueKind switch
        {
            JsonValueKind.Number when element.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw WrongType(name, "a whole number", element),
        };
    }

    public bool? Bool(string name)
    {
        if (Value(name) is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(element.GetString(), out var flag) => flag,
            _ => throw WrongType(name, "true or false", element),
        };
    }

    /// <summary>A repeated string field: a JSON array (or one string) in a body, repeated keys in a query string.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (_body is null && _bodyProblem is null)
        {
            return [.. _query[name].OfType<string>()];
        }

        return Value(name) switch
        {
            null or { ValueKind: JsonValueKind.Null } => [],
            { ValueKind: JsonValueKind.String } single => [single.GetString()!],
            { ValueKind: JsonValueKind.Array } array when array.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String) =>
                [.. array.EnumerateArray().Select(item => item.GetString()!)],
            { } element => throw WrongType(name, "a list of strings", element),
        };
    }

    /// <summary>The <c>tags</c> field: <c>[{"key": …, "value": …}]</c>, each checked against the registry's tag rules.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags()
    {
        if (Value("tags") is not { ValueKind: not JsonValueKind.Null } element)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WrongType("tags", "a list of {\"key\": …, \"value\": …} objects", element);
        }

        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in element.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("tags", "a list of {\"key\": …, \"value\": …} objects", element);
            }

            var key = tag.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            var value = tag.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (ModelLabels.TagProblem(key, value) is { } problem)
            {
                throw new MlflowParameterException(problem);
            }

            tags.Add(new(key!, value!));
        }

        return tags;
    }

    /// <summary>A parameter as JSON: from the body, or a query string value as a JSON string.</summary>
    private JsonElement? Value(string name)
    {
        if (_bodyProblem is not null)
        {
            throw new MlflowParameterException(_bodyProblem);
        }

        if (_body is { } body)
        {
            return body.TryGetProperty(name, out var value) ? value : null;
        }

        return _query.TryGetValue(name, out var values) && values.Count > 0 ? QueryValue(values) : null;
    }

    private static JsonElement QueryValue(StringValues values) => JsonSerializer.SerializeToElement(values[0]);

    private static MlflowParameterException Missing(string name) =>
        new($"Missing value for required parameter '{name}'.");

    private static MlflowParameterException WrongType(string name, string expected, JsonElement element) =>
        new($"Parameter '{name}' must be {expected}; got {Describe(element)}.");

    private static string Describe(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length > 60 ? text[..60] + "…" : text;
    }

    /// <summary><c>scheme://host</c> of <paramref name="request"/>, preferring the gateway's <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>.</summary>
    public static string OriginOf(HttpRequest request)
    {
        static string? First(StringValues values) =>
            values.FirstOrDefault()?.Split(',')[0].Trim() is { Length: > 0 } first ? first : null;

        var scheme = First(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value;
        return $"{scheme}://{host}";
    }
}
