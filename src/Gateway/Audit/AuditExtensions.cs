using Maestro.Gateway.Auth;
using Maestro.ServiceDefaults;

namespace Maestro.Gateway.Audit;

/// <summary>Wires the audit trail where the keys are: Redis when configured, else the data directory's file.</summary>
internal static class AuditExtensions
{
    public static void AddAuditLog(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetConnectionString(RedisConnection.ConnectionStringName) is { Length: > 0 })
        {
            builder.Services.AddSingleton<IAuditLog, RedisAuditLog>();
            return;
        }

        var dataDirectory = builder.Configuration[AuthExtensions.DataDirectorySetting];
        builder.Services.AddSingleton<IAuditLog>(_ => new FileAuditLog(dataDirectory));
    }
}
