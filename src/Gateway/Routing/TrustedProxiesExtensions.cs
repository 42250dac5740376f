using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Routing;

/// <summary>Wires <see cref="TrustedProxiesOptions"/> to ASP.NET Core's forwarded-headers middleware.</summary>
internal static class TrustedProxiesExtensions
{
    public static void AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TrustedProxiesOptions>(TrustedProxiesOptions.SectionName);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxiesOptions>>((forwarded, trusted) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = trusted.Value.ForwardLimit;
            // ASP.NET Core trusts loopback by default; here only what is configured is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in trusted.Value.Networks)
            {
                if (TrustedProxiesOptions.TryParse(network, out var parsed))
                {
                    forwarded.KnownIPNetworks.Add(parsed);
                }
            }
        });
    }

    /// <summary>First in the pipeline, and only when a proxy is configured (no cost per request otherwise).</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<TrustedProxiesOptions>>().Value.Networks.Count > 0
            ? app.UseForwardedHeaders()
            : app;
}
