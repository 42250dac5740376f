namespace Maestro.Architecture.Tests;

/// <summary>Code in namespace <see cref="From"/> uses <see cref="To"/>: in <see cref="File"/>, through <see cref="Evidence"/>.</summary>
internal sealed record NamespaceDependency(string From, string To, string File, string Evidence)
{
    public override string ToString() => $"{From} -> {To} ({File}: {Evidence})";
}
