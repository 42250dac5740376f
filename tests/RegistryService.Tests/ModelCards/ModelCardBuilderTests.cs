using System.Text.Json;
using Maestro.RegistryService.Model;
using Maestro.RegistryService.ModelCards;

namespace Maestro.RegistryService.Tests.ModelCards;

public sealed class ModelCardBuilderTests
{
    [Fact]
    public void CheckSections_UnknownNames_ListsThemAndEveryValidSection()
    {
        var error = ModelCardBuilder.CheckSections(Sections("""{"purpose": "x", "limitations": "y", "audience": "z"}"""));

        Assert.NotNull(error);
        Assert.Contains("'audience', 'purpose'", error);
        Assert.All(ModelCardSections.Names, name => Assert.Contains(name, error));
    }

    [Fact]
    public void CheckSections_SectionOfExactly64KB_IsAccepted()
    {
        var text = new string('a', ModelCardSections.MaxSectionBytes - 2); // Two quotes make the JSON 64 KB.

        Assert.Null(ModelCardBuilder.CheckSections(Sections(JsonSerializer.Serialize(new { evaluation = text }))));
    }

    [Fact]
    public void CheckSections_SectionOneByteOver64KB_IsRejected()
    {
        var text = new string('a', ModelCardSections.MaxSectionBytes - 1);

        Assert.Contains("'evaluation'", ModelCardBuilder.CheckSections(Sections(JsonSerializer.Serialize(new { evaluation = text }))));
    }

    [Fact]
    public void WithOverrides_ValueAndNull_ReplaceAndRemoveOnlyInTheCopy()
    {
        var card = Card("""{"limitations": "stored", "evaluation": {"auc": 0.9}, "training_data": "kept"}""");

        var overridden = ModelCardBuilder.WithOverrides(card, Sections("""{"limitations": "draft", "evaluation": null}"""));

        Assert.Equal("draft", overridden.Sections["limitations"].GetString());
        Assert.False(overridden.Sections.ContainsKey("evaluation"));
        Assert.Equal("kept", overridden.Sections["training_data"].GetString());
        Assert.Equal("stored", card.Sections["limitations"].GetString());
    }

    [Fact]
    public void Validate_EmptyValues_CountAsMissing()
    {
        var card = Card("""{"intended_use": "  ", "limitations": {}, "ethical_considerations": [], "training_data": "rows", "evaluation": {"auc": 0.9}}""");

        var validation = ModelCardBuilder.Validate(card);

        Assert.False(validation.Valid);
        Assert.Equal(["intended_use", "limitations", "ethical_considerations"], validation.MissingSections);
    }

    private static Dictionary<string, JsonElement> Sections(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    internal static ModelCard Card(string sectionsJson) => new(
        "fraud", 1, "model description", "version description",
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        new Dictionary<string, string> { ["team"] = "payments" }, new Dictionary<string, string>(),
        "Production", new string('a', 64), 2048, "maestro-samples", 1_700_000_000_000, 1_700_000_000_000,
        Sections(sectionsJson));
}
