namespace Maestro.RegistryService.Model;

/// <summary>The <see cref="RegistryEvent.Action"/> names of the audit trail.</summary>
public static class AuditActions
{
    public const string ModelCreated = "model_created";
    public const string ModelUpdated = "model_updated";
    public const string ModelDeleted = "model_deleted";
    public const string ModelRenamed = "model_renamed";
    public const string VersionCreated = "version_created";
    public const string VersionUpdated = "version_updated";
    public const string VersionDeleted = "version_deleted";
    public const string StageChanged = "stage_changed";
    public const string AliasSet = "alias_set";
    public const string AliasDeleted = "alias_deleted";
    public const string TagSet = "tag_set";
    public const string TagDeleted = "tag_deleted";
    public const string CardSectionSet = "card_section_set";
    public const string CardSectionDeleted = "card_section_deleted";
}
