namespace Maestro.RegistryService.Model;

/// <summary>One <c>field op 'value'</c> of a filter; <paramref name="TagKey"/> is set for tag fields.</summary>
public sealed record FilterCondition(FilterField Field, string? TagKey, FilterOperator Operator, string Value);
