using System.Diagnostics;
using Maestro.AppHost.Hosting;

namespace Maestro.AppHost.Tests.Hosting;

/// <summary>A resource whose process is a shell script, for supervising real processes in tests.</summary>
internal sealed class ShellResource(string script) : Resource("shell")
{
    public override ProcessStartInfo CreateStartInfo(Replica replica)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        return info;
    }

    public override Task<bool> ProbeAsync(Replica replica, CancellationToken cancellationToken) => Task.FromResult(true);

    public override IEnumerable<(string Name, string Value)> ConnectionVariables() => [];
}
