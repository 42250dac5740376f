namespace Maestro.RegistryService.Model;

/// <summary>The lifecycle stages of a model version, as in MLflow's registry.</summary>
public enum ModelStage
{
    None,
    Staging,
    Production,
    Archived,
}
