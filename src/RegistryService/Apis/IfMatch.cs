using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Maestro.RegistryService.Apis;

/// <summary>
/// Reads <c>If-Match</c> against model revisions (ETag <c>"&lt;revision&gt;"</c>), with RFC 9110's
/// strong comparison: a weak tag never matches.
/// </summary>
internal static class IfMatch
{
    /// <summary>
    /// <paramref name="revisions"/>: <c>null</c> when any state will do (no header, or <c>*</c>), else the
    /// revisions the client accepts. <c>false</c> when the header can match no revision at all.
    /// </summary>
    public static bool TryParse(StringValues header, out IReadOnlyCollection<long>? revisions)
    {
        revisions = null;
        if (StringValues.IsNullOrEmpty(header))
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        if (tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any)))
        {
            return true;
        }

        var accepted = new HashSet<long>();
        foreach (var tag in tags.Where(tag => !tag.IsWeak))
        {
            if (long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
            {
                accepted.Add(revision);
            }
        }

        revisions = accepted;
        return accepted.Count > 0;
    }
}
