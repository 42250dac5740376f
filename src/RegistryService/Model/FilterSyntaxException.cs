namespace Maestro.RegistryService.Model;

/// <summary>A filter that does not follow the grammar; <see cref="Position"/> is 1-based.</summary>
public sealed class FilterSyntaxException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}
