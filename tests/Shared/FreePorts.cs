using System.Net;
using System.Net.Sockets;

namespace Maestro.Testing;

/// <summary>Loopback ports nobody is listening on, for the real processes and hosts tests start.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
