namespace Maestro.RegistryService.Model;

public enum FilterField
{
    Name,
    Tag,
}
