namespace Maestro.Architecture.Tests;

/// <summary>
/// Dependencies point one way inside every project: no namespace reaches itself again through the
/// namespaces it uses (<see cref="NamespaceGraph"/> reads the sources). A cycle fails with the uses that
/// close it.
/// </summary>
public sealed class NamespaceCycleTests
{
    /// <summary>
    /// Projects whose cycle is known and being removed elsewhere, with why. Each must still have a cycle
    /// (<see cref="Namespaces_ExemptProject_StillHasTheCycleItIsExemptFor"/>), so an entry cannot outlive its reason.
    /// </summary>
    private static readonly Dictionary<string, string> Exempt = new(StringComparer.Ordinal)
    {
        ["AppHost"] = "the home-made orchestrator (Hosting <-> Dashboard, Seeding), being replaced by a .NET Aspire AppHost (ARCHITECTURE.md, 2026-12-02)",
    };

    public static TheoryData<string> CheckedProjects() => [.. SrcProjects.Names.Where(project => !Exempt.ContainsKey(project))];

    public static TheoryData<string> ExemptProjects() => [.. Exempt.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void SrcProjects_AsFound_AreTheServicesTheirSharedCodeAndTheAppHost() =>
        Assert.Superset(new HashSet<string> { "Contracts", "Gateway", "InferenceWorker", "RegistryService", "ServiceDefaults" }, SrcProjects.Names.ToHashSet());

    [Theory]
    [MemberData(nameof(CheckedProjects))]
    public void Namespaces_SrcProject_HaveNoCycle(string project)
    {
        var graph = NamespaceGraph.Build(SrcProjects.Sources(project));

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, $"src/{project} has namespace cycles:{Environment.NewLine}{graph.Describe(cycles)}");
    }

    [Theory]
    [MemberData(nameof(ExemptProjects))]
    public void Namespaces_ExemptProject_StillHasTheCycleItIsExemptFor(string project)
    {
        Assert.True(SrcProjects.Names.Contains(project), $"src/{project} is gone: remove its entry from {nameof(NamespaceCycleTests)}.{nameof(Exempt)}.");

        Assert.True(NamespaceGraph.Build(SrcProjects.Sources(project)).Cycles().Count > 0,
            $"src/{project} has no namespace cycle any more ({Exempt[project]}): remove its entry from {nameof(NamespaceCycleTests)}.{nameof(Exempt)}, so it is checked like the others.");
    }
}
