using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Maestro.RegistryService.Apis;

/// <summary>Opaque page tokens: where the previous page ended (a model name, an event id), base64url-encoded.</summary>
internal static class PageTokens
{
    public static string Encode(string lastName) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastName));

    public static string EncodeId(long lastId) => Encode(lastId.ToString(CultureInfo.InvariantCulture));

    public static bool TryDecode(string? token, out string? lastName)
    {
        lastName = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        try
        {
            lastName = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return lastName.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool TryDecodeId(string? token, out long? lastId)
    {
        lastId = null;
        if (!TryDecode(token, out string? text))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        lastId = id;
        return true;
    }
}
