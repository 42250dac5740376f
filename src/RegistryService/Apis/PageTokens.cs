using System.Buffers.Text;
using System.Text;

namespace Maestro.RegistryService.Apis;

/// <summary>Opaque page tokens: the last name of the previous page, base64url-encoded.</summary>
internal static class PageTokens
{
    public static string Encode(string lastName) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastName));

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
}
