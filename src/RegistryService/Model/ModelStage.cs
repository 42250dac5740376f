namespace Maestro.RegistryService.Model;

/// <summary>The lifecycle stages of a model version, as in MLflow's registry.</summary>
public enum ModelStage
{
    None,
    Staging,
    Production,
    Archived,
}

public static class ModelStages
{
    public static readonly string[] Names = Enum.GetNames<ModelStage>();

    /// <summary>Parses a stage name case-insensitively; numbers are not stage names.</summary>
    public static bool TryParse(string? value, out ModelStage stage)
    {
        stage = ModelStage.None;
        return !string.IsNullOrWhiteSpace(value)
            && !char.IsDigit(value.Trim()[0])
            && Enum.TryParse(value.Trim(), ignoreCase: true, out stage)
            && Enum.IsDefined(stage);
    }
}
