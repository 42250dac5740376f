using System.Net;
using System.Net.Sockets;

namespace Maestro.Testing;

/// <summary>Loopback ports nobody is listening on, for the real processes and hosts tests start.</summary>
/// <remarks>
/// Taken below Linux's range of ephemeral ports (32768–60999 by default), from which the kernel gives every
/// outgoing connection its local port: a port picked there could be taken by some connection in the seconds
/// before the process meant to listen on it binds it (an AppHost takes half a minute to start its gateway).
/// </remarks>
internal static class FreePorts
{
    private const int First = 20000;
    private const int Count = 12000;

    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = First + Random.Shared.Next(Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {First} and {First + Count - 1} after 200 tries.");
    }
}
