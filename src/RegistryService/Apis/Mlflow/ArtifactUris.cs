using System.Globalization;
using System.Text.RegularExpressions;

namespace Maestro.RegistryService.Apis.Mlflow;

/// <summary>
/// The download URI of a version's ONNX file, <c>{origin}/api/v1/models/{name}/versions/{version}/artifact</c>:
/// what <c>get-download-uri</c> answers, the <c>source</c> of an uploaded version, and a <c>source</c>
/// <c>model-versions/create</c> accepts back.
/// </summary>
internal static partial class ArtifactUris
{
    public static string Of(string origin, string name, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{origin}/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/artifact");

    /// <summary>Reads back a URI <see cref="Of"/> made for the same <paramref name="origin"/>.</summary>
    public static bool TryParse(string uri, string origin, out string name, out int version)
    {
        (name, version) = ("", 0);
        if (!uri.StartsWith(origin + "/", StringComparison.OrdinalIgnoreCase) || Path().Match(uri[origin.Length..]) is not { Success: true } match)
        {
            return false;
        }

        name = Uri.UnescapeDataString(match.Groups["name"].Value);
        return int.TryParse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    [GeneratedRegex(@"^/api/v1/models/(?<name>[^/?#]+)/versions/(?<version>[0-9]{1,9})/artifact\z")]
    private static partial Regex Path();
}
