namespace Maestro.RegistryService.Model;

/// <summary>The names of <see cref="ModelStage"/> and how a request's stage text is read.</summary>
public static class ModelStages
{
    public static readonly string[] Names = Enum.GetNames<ModelStage>();

    /// <summary>
    /// Parses a stage name case-insensitively. Only the names themselves are stages: not numbers, and
    /// not the comma-separated combinations <c>Enum.TryParse</c> accepts ("Staging,Production" would
    /// read as Archived).
    /// </summary>
    public static bool TryParse(string? value, out ModelStage stage)
    {
        var name = Array.Find(Names, candidate => candidate.Equals(value?.Trim(), StringComparison.OrdinalIgnoreCase));
        stage = name is null ? ModelStage.None : Enum.Parse<ModelStage>(name);
        return name is not null;
    }
}
