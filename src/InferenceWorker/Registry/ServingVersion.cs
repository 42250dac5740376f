namespace Maestro.InferenceWorker.Registry;

/// <summary>
/// Which version of a model serves its name: the version under alias <c>production</c> if set,
/// else the newest version in stage Production, else the newest version of any stage.
/// </summary>
internal static class ServingVersion
{
    public const string ProductionAlias = "production";
    public const string ProductionStage = "Production";

    public static int? Resolve(RegistryModel model)
    {
        if (model.Aliases is not null && model.Aliases.TryGetValue(ProductionAlias, out var aliased))
        {
            return aliased;
        }

        var production = model.LatestVersions
            .Where(v => string.Equals(v.CurrentStage, ProductionStage, StringComparison.OrdinalIgnoreCase))
            .Select(v => (int?)v.Version)
            .Max();
        return production ?? model.LatestVersions.Select(v => (int?)v.Version).Max();
    }
}
