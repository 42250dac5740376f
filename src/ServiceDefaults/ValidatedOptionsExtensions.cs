using Maestro.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one way a Maestro service reads its settings: an options class bound from its configuration
/// section, checked when the host starts (data annotations, then any <see cref="IValidateOptions{TOptions}"/>),
/// so a bad setting stops the process with a message naming the setting rather than failing later.
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates it at start.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
    {
        var options = builder.Services.AddOptions<TOptions>()
            .Bind(builder.Configuration.GetSection(section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new SectionAnnotationsValidator<TOptions>(options.Name, section));
        return options;
    }

    /// <summary>As <see cref="AddValidatedOptions{TOptions}(IHostApplicationBuilder, string)"/>, with <typeparamref name="TValidator"/>'s checks too.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder.AddValidatedOptions<TOptions>(section);
    }
}
