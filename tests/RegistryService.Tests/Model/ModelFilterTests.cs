using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Tests.Model;

public sealed class ModelFilterTests
{
    [Fact]
    public void Parse_Empty_MatchesEverything()
    {
        Assert.Empty(ModelFilter.Parse(null).Conditions);
        Assert.Empty(ModelFilter.Parse("   ").Conditions);
    }

    [Fact]
    public void Parse_EveryFormOfCondition_ReadsFieldOperatorAndValue()
    {
        var filter = ModelFilter.Parse("name = 'fraud' and name != 'x' AND name LIKE '%fr_ud%' AND tags.team ILIKE 'Gr%' AND tags.`cost center` = 'it''s'");

        Assert.Equal(
            [
                new FilterCondition(FilterField.Name, null, FilterOperator.Equal, "fraud"),
                new FilterCondition(FilterField.Name, null, FilterOperator.NotEqual, "x"),
                new FilterCondition(FilterField.Name, null, FilterOperator.Like, "%fr_ud%"),
                new FilterCondition(FilterField.Tag, "team", FilterOperator.ILike, "Gr%"),
                new FilterCondition(FilterField.Tag, "cost center", FilterOperator.Equal, "it's"),
            ],
            filter.Conditions);
    }

    [Theory]
    [InlineData("owner = 'me'", 1, "unknown field 'owner'")]
    [InlineData("name 'x'", 6, "expected an operator")]
    [InlineData("name == 'x'", 7, "expected a value in single quotes")]
    [InlineData("name = x", 8, "expected a value in single quotes")]
    [InlineData("name = 'x", 8, "never closed")]
    [InlineData("name = 'x' OR name = 'y'", 12, "expected AND")]
    [InlineData("name = 'x' AND", 15, "expected a field")]
    [InlineData("tags. = 'x'", 6, "expected a tag key")]
    public void Parse_BrokenFilter_ThrowsNamingThePosition(string text, int position, string message)
    {
        var error = Assert.Throws<FilterSyntaxException>(() => ModelFilter.Parse(text));

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message);
        Assert.StartsWith($"filter_string position {position}:", error.Message);
    }
}
