using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Tests.Model;

public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("fraud-detector")]
    [InlineData("a")]
    [InlineData("Iris_v2.1")]
    [InlineData("...x")]
    public void IsValid_LettersDigitsDotUnderscoreDash_ReturnsTrue(string name) =>
        Assert.True(ModelNames.IsValid(name));

    [Fact]
    public void IsValid_MaxLength_ReturnsTrue() =>
        Assert.True(ModelNames.IsValid(new string('x', ModelNames.MaxLength)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fraud detector")]
    [InlineData("team/model")]
    [InlineData("model\\1")]
    [InlineData("modèle")]
    [InlineData("model?v=1")]
    [InlineData("fraud-detector\n")]
    [InlineData(".")]
    [InlineData("..")]
    public void IsValid_UnsafeInUrls_ReturnsFalse(string? name) =>
        Assert.False(ModelNames.IsValid(name));

    [Fact]
    public void IsValid_OneOverMaxLength_ReturnsFalse() =>
        Assert.False(ModelNames.IsValid(new string('x', ModelNames.MaxLength + 1)));
}
