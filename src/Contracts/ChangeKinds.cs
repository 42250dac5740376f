namespace Maestro.Contracts;

/// <summary>The <see cref="RegistryChange.Kind"/> names of the change feed.</summary>
public static class ChangeKinds
{
    public const string VersionCreated = "version_created";
    public const string StageChanged = "stage_changed";
    public const string AliasSet = "alias_set";
    public const string AliasDeleted = "alias_deleted";
    public const string VersionDeleted = "version_deleted";
    public const string ModelDeleted = "model_deleted";
    public const string ModelRenamed = "model_renamed";
}
