namespace Maestro.Architecture.Tests;

/// <summary>The graph on small made-up projects: what counts as a use, and that a cycle is found and explained.</summary>
public sealed class NamespaceGraphTests
{
    [Fact]
    public void Cycles_TwoNamespacesUsingEachOther_FindsTheCycleAndTheFilesThatCloseIt()
    {
        var graph = NamespaceGraph.Build(
        [
            new("Apis/Api.cs", "using App.Models;\nnamespace App.Apis;\npublic static class Api { public static Model Get() => new(); }"),
            new("Models/Model.cs", "using App.Apis;\nnamespace App.Models;\npublic sealed class Model { public override string ToString() => Api.Get().GetType().Name; }"),
        ]);

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["App.Apis", "App.Models"], cycle);
        var description = graph.Describe([cycle]);
        Assert.Contains("App.Apis -> App.Models (Apis/Api.cs: Model (using App.Models))", description);
        Assert.Contains("App.Models -> App.Apis (Models/Model.cs: Api (using App.Apis))", description);
    }

    [Fact]
    public void Cycles_ThreeNamespacesInARing_FindsAllThree()
    {
        var graph = NamespaceGraph.Build(
        [
            new("A.cs", "using App.B;\nnamespace App.A;\nclass TA { TB b; }"),
            new("B.cs", "using App.C;\nnamespace App.B;\nclass TB { TC c; }"),
            new("C.cs", "using App.A;\nnamespace App.C;\nclass TC { TA a; }"),
        ]);

        Assert.Equal(["App.A", "App.B", "App.C"], Assert.Single(graph.Cycles()));
    }

    [Fact]
    public void Cycles_DependenciesOneWay_FindsNone()
    {
        var graph = NamespaceGraph.Build(
        [
            new("Apis/Api.cs", "using App.Models;\nnamespace App.Apis;\nstatic class Api { static Model Get() => new(); }"),
            new("Models/Model.cs", "namespace App.Models;\nsealed class Model;"),
        ]);

        Assert.Empty(graph.Cycles());
        Assert.Equal("App.Apis -> App.Models", Assert.Single(graph.Dependencies).ToString().Split(" (")[0]);
    }

    [Fact]
    public void Build_UsingOfANamespaceWhoseTypesAreNotNamed_IsNoUse()
    {
        // As in ServiceDefaults: its entry point lives in Microsoft.Extensions.Hosting, and its parts import
        // that framework namespace for BackgroundService, not for the entry point.
        var graph = NamespaceGraph.Build(
        [
            new("Extensions.cs", "using Maestro.Defaults;\nnamespace Microsoft.Extensions.Hosting;\npublic static class Extensions { static void Add() => Watcher.Start(); }"),
            new("Watcher.cs", "using Microsoft.Extensions.Hosting;\nnamespace Maestro.Defaults;\nsealed class Watcher : BackgroundService { public static void Start() { } }"),
        ]);

        Assert.Empty(graph.Cycles());
        Assert.Equal("Microsoft.Extensions.Hosting", Assert.Single(graph.Dependencies).From);
    }

    [Fact]
    public void Build_TypesNamedOnlyInCommentsAndStrings_AreNoUse()
    {
        var graph = NamespaceGraph.Build(
        [
            new("A.cs", "using App.B;\nnamespace App.A;\n/// <see cref=\"TB\"/>\nclass TA { string s = \"TB, http://x/TB\"; /* TB */ }"),
            new("B.cs", "namespace App.B;\nclass TB;"),
        ]);

        Assert.Empty(graph.Dependencies);
    }

    [Theory]
    [InlineData("namespace App.A;\nclass TA { object b = App.B.TB.Create(); }", "App.B.TB.Create")]
    [InlineData("namespace App.A;\nclass TA { object b = B.TB.Create(); }", "B.TB.Create")]
    [InlineData("using static App.B.TB;\nnamespace App.A;\nclass TA { object b = Create(); }", "using static App.B.TB;")]
    [InlineData("using Alias = App.B.TB;\nnamespace App.A;\nclass TA { object b = Alias.Create(); }", "using Alias = App.B.TB;")]
    [InlineData("namespace App.A;\nclass TA { string s = $\"{App.B.TB.Create()}\"; }", "App.B.TB.Create")]
    public void Build_TypeNamedWithoutAPlainUsing_IsAUse(string source, string evidence)
    {
        var graph = NamespaceGraph.Build([new("A.cs", source), new("B.cs", "namespace App.B;\nstatic class TB { public static object Create() => new(); }")]);

        var use = Assert.Single(graph.Dependencies);

        Assert.Equal(("App.A", "App.B", evidence), (use.From, use.To, use.Evidence));
    }

    [Fact]
    public void Build_TypeOfAnEnclosingNamespace_IsAUseOfIt()
    {
        var graph = NamespaceGraph.Build(
        [
            new("Root.cs", "namespace App;\nclass Root { static void Run() => App.Inner.Leaf.Go(); }"),
            new("Inner/Leaf.cs", "namespace App.Inner;\nstatic class Leaf { public static void Go() { Root r = null!; } }"),
        ]);

        Assert.Equal(["App", "App.Inner"], Assert.Single(graph.Cycles()));
    }
}
