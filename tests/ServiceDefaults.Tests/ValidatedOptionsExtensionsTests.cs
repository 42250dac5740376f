using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Maestro.ServiceDefaults.Tests;

/// <summary><c>AddValidatedOptions</c>: settings bound from their section and refused at start, naming the setting.</summary>
public sealed class ValidatedOptionsExtensionsTests
{
    [Fact]
    public async Task AddValidatedOptions_ValidSettings_AreBoundFromTheSection()
    {
        await using var app = await TestApp.StartAsync(builder =>
        {
            builder.Configuration["Sample:Size"] = "7";
            builder.AddValidatedOptions<SampleOptions>("Sample");
        });

        Assert.Equal(7, app.Services.GetRequiredService<IOptions<SampleOptions>>().Value.Size);
    }

    [Fact]
    public async Task AddValidatedOptions_SettingOutOfRange_FailsStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(builder =>
        {
            builder.Configuration["Sample:Size"] = "0";
            builder.AddValidatedOptions<SampleOptions>("Sample");
        }));

        Assert.Contains("Sample:Size: The field Size must be between 1 and 10.", error.Message);
    }

    [Fact]
    public async Task AddValidatedOptions_ValidatableObjectNamingItsSetting_KeepsItsMessage()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(builder =>
        {
            builder.Configuration["Sample:Name"] = "forbidden";
            builder.AddValidatedOptions<SampleOptions>("Sample");
        }));

        Assert.Equal(["Sample:Name may not be 'forbidden'."], error.Failures);
    }

    [Fact]
    public async Task AddValidatedOptions_WithValidator_RunsItsChecksAtStartToo()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(builder =>
        {
            builder.Configuration["Sample:Size"] = "3";
            builder.AddValidatedOptions<SampleOptions, OddSizeValidator>("Sample");
        }));

        Assert.Equal(["Sample:Size must be even; it is 3."], error.Failures);
    }

    private sealed class SampleOptions : IValidatableObject
    {
        [Range(1, 10)]
        public int Size { get; set; } = 2;

        public string Name { get; set; } = "sample";

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Name == "forbidden")
            {
                yield return new ValidationResult("Sample:Name may not be 'forbidden'.", [nameof(Name)]);
            }
        }
    }

    private sealed class OddSizeValidator : IValidateOptions<SampleOptions>
    {
        public ValidateOptionsResult Validate(string? name, SampleOptions options) =>
            options.Size % 2 == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"Sample:Size must be even; it is {options.Size}.");
    }
}
