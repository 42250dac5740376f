namespace Maestro.AppHost.Configuration;

public static class DevApiKeyExtensions
{
    /// <summary>
    /// The development admin key as a secret parameter (masked in the dashboard): see
    /// <see cref="DevApiKey.Resolve"/>. Printed once when it was just generated. When publishing, the
    /// parameter has no value: whoever deploys supplies it.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddDevApiKey(this IDistributedApplicationBuilder builder, AppHostOptions options, out string key)
    {
        const string name = "dev-api-key";
        if (options.Publishing)
        {
            key = "";
            return builder.AddParameter(name, secret: true);
        }

        var (resolved, origin, isNew) = DevApiKey.Resolve(options.DataDirectory, Environment.GetEnvironmentVariable(DevApiKey.EnvironmentVariable));
        Console.WriteLine(isNew ? $"Development API key ({origin}; shown this once): {resolved}" : $"Development API key: {origin}");
        key = resolved;
        return builder.AddParameter(name, resolved, secret: true);
    }
}
