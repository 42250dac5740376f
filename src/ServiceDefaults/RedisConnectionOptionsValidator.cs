using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Maestro.ServiceDefaults;

/// <summary>Stops the service at start when <c>ConnectionStrings:redis</c> is not something StackExchange.Redis can read.</summary>
internal sealed class RedisConnectionOptionsValidator : IValidateOptions<RedisConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisConnectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            ConfigurationOptions.Parse(options.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            return ValidateOptionsResult.Fail(
                $"ConnectionStrings:{RedisConnectionOptions.ConnectionStringName} is not a Redis connection string StackExchange.Redis can read: {exception.Message}");
        }
    }
}
