using System.Text.Json;

namespace Maestro.InferenceWorker.V2;

/// <summary>Reads JSON strings from a request, where an escape that is not Unicode (a lone surrogate) is the caller's mistake.</summary>
internal static class JsonStrings
{
    /// <summary>The text of a JSON string; a 400 naming <paramref name="what"/> when it is not valid Unicode.</summary>
    public static string Read(JsonElement element, string what)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InferenceRequestException($"{what} is not valid Unicode text (a lone surrogate escape such as \\ud800).");
        }
    }
}
