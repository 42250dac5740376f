using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Tests.Model;

public sealed class ModelStagesTests
{
    [Theory]
    [InlineData("None", ModelStage.None)]
    [InlineData("staging", ModelStage.Staging)]
    [InlineData("PRODUCTION", ModelStage.Production)]
    [InlineData("  Archived ", ModelStage.Archived)]
    public void TryParse_StageNameInAnyCase_ReturnsStage(string value, ModelStage expected)
    {
        Assert.True(ModelStages.TryParse(value, out var stage));
        Assert.Equal(expected, stage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Live")]
    [InlineData("2")]
    [InlineData("+2")]
    [InlineData("-1")]
    [InlineData("Staging,Production")]
    [InlineData("None, Staging")]
    public void TryParse_NotAStageName_ReturnsFalse(string? value) =>
        Assert.False(ModelStages.TryParse(value, out _));
}
