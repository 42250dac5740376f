namespace Maestro.Testing;

/// <summary>
/// Tests that read a service's <c>/metrics</c> before and after an action. Meters are process-wide and
/// OpenTelemetry merges same-named instruments of every host in the test process, so a host started or
/// disposed by a parallel test can reset a series mid-test. These classes run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
