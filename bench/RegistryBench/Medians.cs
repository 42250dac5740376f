using System.Globalization;

namespace Maestro.RegistryBench;

internal static class Medians
{
    public static double Of(IReadOnlyCollection<double> values) => Percentile(values, 0.5);

    /// <summary>Nearest-rank percentile; the median of an even count is the mean of the middle two.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        if (fraction == 0.5 && sorted.Length % 2 == 0)
        {
            return (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static void Print(string key, double value) =>
        Console.WriteLine($"{key}={value.ToString("0.###", CultureInfo.InvariantCulture)}");
}
