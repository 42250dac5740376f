using System.Globalization;

namespace Maestro.Testing;

/// <summary>Reads samples out of a Prometheus text exposition, as a scraper would.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of the samples of <paramref name="metric"/> whose labels include every one of
    /// <paramref name="labels"/> (written <c>name="value"</c>); 0 when there is none.
    /// </summary>
    public static double Sum(string exposition, string metric, params string[] labels) =>
        Samples(exposition, metric, labels).DefaultIfEmpty(0).Sum();

    /// <summary>The values of the matching samples, one per label set.</summary>
    public static IReadOnlyList<double> Samples(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(line => (line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
                && labels.All(line.Contains))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .ToArray();
}
