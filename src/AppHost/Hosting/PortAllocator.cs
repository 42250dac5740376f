using System.Net;
using System.Net.Sockets;

namespace Maestro.AppHost.Hosting;

/// <summary>Free loopback ports for resources without a fixed one, and a check for fixed ones.</summary>
public static class PortAllocator
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether nothing listens on <paramref name="port"/> on the loopback interfaces.</summary>
    public static bool IsFree(int port)
    {
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            try
            {
                using var listener = new TcpListener(address, port);
                listener.Start();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return false;
            }
            catch (SocketException)
            {
                // The address family is not available here; the other one decides.
            }
        }

        return true;
    }
}
