using Maestro.Gateway.Auth.Refresh;
using Maestro.ServiceDefaults;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>Wires authentication (API keys, bearer tokens) and the scope policies of <see cref="RoutePolicies"/>.</summary>
internal static class AuthExtensions
{
    /// <summary>The default scheme: <c>Bearer</c> when an Authorization header holds no API key (a JWT), else <c>ApiKey</c>.</summary>
    public const string Scheme = "Maestro";

    /// <summary>Where the file key store writes <c>api-keys.json</c> (without it and without Redis, keys live in memory).</summary>
    public const string DataDirectorySetting = "Gateway:DataDirectory";

    // What UseAuthentication() and UseAuthorization() mark on the application builder they are called on.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    public static void AddGatewayAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddValidatedOptions<GatewayAuthOptions, GatewayAuthOptionsValidator>(GatewayAuthOptions.SectionName);
        services.AddSingleton<GatewaySigningKey>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyUsageRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<ApiKeyUsageRecorder>());
        services.AddExceptionHandler<ApiKeyStoreUnavailableHandler>();
        AddKeyStore(builder);
        builder.AddRefreshTokens();

        services.AddSingleton<BearerTokenEvents>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, BearerTokenOptionsSetup>();
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or bearer token", options => options.ForwardDefaultSelector = context =>
                ApiKeyCredentials.HasNonKeyAuthorization(context.Request, DevApiKey(context)) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyOptions.Scheme)
            .AddScheme<ApiKeyOptions, ApiKeyAuthenticationHandler>(ApiKeyOptions.Scheme,
                options => builder.Configuration.GetSection(GatewayAuthOptions.SectionName).Bind(options))
            .AddJwtBearer();

        RoutePolicies.AddPolicies(services.AddAuthorizationBuilder());
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeForbiddenResultHandler>();

        // The hot paths: a cached API key without the authentication middleware, a met scope without an authorization context.
        services.AddSingleton<ApiKeyFastPath>();
        services.AddSingleton<ScopeFastPath>();
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, ScopePolicyEvaluator>());
    }

    /// <summary>Authentication: <see cref="ApiKeyFastPath"/> first, ASP.NET Core's middleware for whatever it leaves.</summary>
    public static IApplicationBuilder UseGatewayAuthentication(this IApplicationBuilder app)
    {
        var fastPath = app.ApplicationServices.GetRequiredService<ApiKeyFastPath>();
        app.UseWhen(context => !fastPath.TryAuthenticate(context), branch => branch.UseAuthentication());

        // Without the mark, WebApplication adds an authentication middleware of its own at the start of the pipeline.
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        return app;
    }

    /// <summary>Authorization: <see cref="ScopeFastPath"/> first, ASP.NET Core's middleware for whatever it leaves.</summary>
    public static IApplicationBuilder UseGatewayAuthorization(this IApplicationBuilder app)
    {
        var fastPath = app.ApplicationServices.GetRequiredService<ScopeFastPath>();
        app.UseWhen(context => !fastPath.TryAuthorize(context), branch => branch.UseAuthorization());
        app.Properties[AuthorizationMiddlewareSetKey] = true;
        return app;
    }

    private static string? DevApiKey(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<ApiKeyOptions>>().Get(ApiKeyOptions.Scheme).DevApiKey;

    private static void AddKeyStore(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (builder.Configuration.GetConnectionString(RedisConnection.ConnectionStringName) is { Length: > 0 })
        {
            services.AddSingleton<IApiKeyStore, RedisApiKeyStore>();
            services.AddHostedService<ApiKeyRevocationListener>();
            return;
        }

        var dataDirectory = builder.Configuration[DataDirectorySetting];
        services.AddSingleton<IApiKeyStore>(provider =>
        {
            var store = new FileApiKeyStore(dataDirectory);
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<FileApiKeyStore>();
            if (store.FilePath is null)
            {
                logger.LogWarning("Neither ConnectionStrings:{Redis} nor {Setting} is set: API keys are kept in memory and lost when the gateway stops.",
                    RedisConnection.ConnectionStringName, DataDirectorySetting);
            }
            else
            {
                logger.LogInformation("API keys are kept in {Path}.", store.FilePath);
            }

            return store;
        });
    }
}
