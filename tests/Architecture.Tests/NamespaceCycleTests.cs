namespace Maestro.Architecture.Tests;

/// <summary>
/// Dependencies point one way inside every project: no namespace reaches itself again through the
/// namespaces it uses (<see cref="NamespaceGraph"/> reads the sources). A cycle fails with the uses that
/// close it.
/// </summary>
public sealed class NamespaceCycleTests
{
    public static TheoryData<string> Projects() => [.. SrcProjects.Names];

    [Fact]
    public void SrcProjects_AsFound_AreTheServicesTheirSharedCodeAndTheAppHost() =>
        Assert.Superset(new HashSet<string> { "AppHost", "Contracts", "Gateway", "InferenceWorker", "RegistryService", "ServiceDefaults" }, SrcProjects.Names.ToHashSet());

    [Theory]
    [MemberData(nameof(Projects))]
    public void Namespaces_SrcProject_HaveNoCycle(string project)
    {
        var graph = NamespaceGraph.Build(SrcProjects.Sources(project));

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, $"src/{project} has namespace cycles:{Environment.NewLine}{graph.Describe(cycles)}");
    }
}
