namespace Maestro.RegistryService.Model;

public enum FilterOperator
{
    Equal,
    NotEqual,
    Like,
    ILike,
}
