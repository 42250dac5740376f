namespace Maestro.RegistryService.Model;

/// <summary>The written sections of a model card, in the order a reader meets them.</summary>
public static class ModelCardSections
{
    public const string IntendedUse = "intended_use";
    public const string Limitations = "limitations";
    public const string EthicalConsiderations = "ethical_considerations";
    public const string TrainingData = "training_data";
    public const string Evaluation = "evaluation";

    /// <summary>Largest stored section: its JSON text, in UTF-8 bytes.</summary>
    public const int MaxSectionBytes = 64 * 1024;

    /// <summary>Every section a card can hold; a card is complete when it has them all.</summary>
    public static readonly IReadOnlyList<string> Names = [IntendedUse, Limitations, EthicalConsiderations, TrainingData, Evaluation];

    /// <summary>The sections <c>validate</c> asks for.</summary>
    public static IReadOnlyList<string> Required => Names;

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The heading a person reads: <c>ethical_considerations</c> → "Ethical considerations".</summary>
    public static string Title(string name) =>
        name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..].Replace('_', ' ');
}
