using Maestro.InferenceWorker.Registry;

namespace Maestro.InferenceWorker.Tests.Registry;

public sealed class ServingVersionTests
{
    [Fact]
    public void Resolve_ProductionAlias_WinsOverProductionStageAndNewest()
    {
        var model = Model(new Dictionary<string, int> { ["production"] = 1 }, (3, "None"), (2, "Production"), (1, "Archived"));

        Assert.Equal(1, ServingVersion.Resolve(model));
    }

    [Fact]
    public void Resolve_NoAlias_NewestProductionVersion()
    {
        var model = Model(null, (5, "Staging"), (4, "None"), (3, "Production"), (2, "Production"));

        Assert.Equal(3, ServingVersion.Resolve(model));
    }

    [Fact]
    public void Resolve_OtherAliasesOnly_IgnoresThem()
    {
        var model = Model(new Dictionary<string, int> { ["champion"] = 1, ["staging"] = 4 }, (4, "None"), (2, "Production"), (1, "None"));

        Assert.Equal(2, ServingVersion.Resolve(model));
    }

    [Fact]
    public void Resolve_NoProductionVersion_NewestOfAnyStage()
    {
        var model = Model(new Dictionary<string, int>(), (2, "Archived"), (7, "Staging"), (3, "None"));

        Assert.Equal(7, ServingVersion.Resolve(model));
    }

    [Fact]
    public void Resolve_StageInAnotherCase_CountsAsProduction()
    {
        var model = Model(null, (9, "None"), (4, "production"));

        Assert.Equal(4, ServingVersion.Resolve(model));
    }

    [Fact]
    public void Resolve_NoVersions_Null()
    {
        Assert.Null(ServingVersion.Resolve(Model(null)));
        Assert.Null(ServingVersion.Resolve(Model(new Dictionary<string, int>())));
    }

    private static RegistryModel Model(Dictionary<string, int>? aliases, params (int Version, string Stage)[] versions) =>
        new("m", versions.Select(v => new RegistryModelVersion("m", v.Version, v.Stage, "00", 1)).ToArray(), aliases);
}
