using System.Text.Json;
using Maestro.RegistryService.ModelCards;

namespace Maestro.RegistryService.Tests.ModelCards;

public sealed class SectionLineTests
{
    [Fact]
    public void From_String_OneLinePerParagraph()
    {
        var lines = SectionLine.From(Json("\"First paragraph.\\r\\nSecond\\tparagraph.\""));

        Assert.Equal([new SectionLine(0, false, null, "First paragraph."), new SectionLine(0, false, null, "Second    paragraph.")], lines);
    }

    [Fact]
    public void From_NestedObject_KeyValueLinesWithChildrenIndented()
    {
        var lines = SectionLine.From(Json("""{"test_set": "Q1 holdout", "metrics": {"roc_auc": 0.943, "passed": true}}"""));

        Assert.Equal(
        [
            new SectionLine(0, false, "Test set", "Q1 holdout"),
            new SectionLine(0, false, "Metrics", ""),
            new SectionLine(1, false, "Roc auc", "0.943"),
            new SectionLine(1, false, "Passed", "yes"),
        ], lines);
    }

    [Fact]
    public void From_ArrayOfStringsAndObjects_BulletsWithObjectPropertiesUnderTheFirst()
    {
        var lines = SectionLine.From(Json("""["Review queue", {"risk": "False positives", "mitigation": "Human review"}, []]"""));

        Assert.Equal(
        [
            new SectionLine(0, true, null, "Review queue"),
            new SectionLine(0, true, "Risk", "False positives"),
            new SectionLine(1, false, "Mitigation", "Human review"),
            new SectionLine(0, true, null, "(none)"),
        ], lines);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
