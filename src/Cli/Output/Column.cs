using System.Text.Json;

namespace Maestro.Cli.Output;

/// <summary>One column of a table: its header and how a row's JSON gives its cell.</summary>
internal sealed record Column(string Header, Func<JsonElement, string> Cell)
{
    /// <summary>The property <paramref name="name"/> of the row, as text (arrays joined by commas, objects as k=v).</summary>
    public static Column Of(string header, string name) => new(header, row => row.TryGetProperty(name, out var value) ? Text(value) : "");

    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(Text)),
        JsonValueKind.Object => string.Join(",", value.EnumerateObject().Select(p => $"{p.Name}={Text(p.Value)}")),
        _ => value.GetRawText(),
    };
}
