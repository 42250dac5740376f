using System.Net;
using System.Net.Sockets;
using Maestro.AppHost.Hosting;

namespace Maestro.AppHost.Tests.Hosting;

public sealed class PortAllocatorTests
{
    [Fact]
    public void IsFree_PortWithListener_IsFalse_AndTrueOnceClosed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.False(PortAllocator.IsFree(port));

        listener.Stop();
        Assert.True(PortAllocator.IsFree(port));
    }

    [Fact]
    public void FreePort_ReturnsPortThatCanBeBound()
    {
        var port = PortAllocator.FreePort();

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Assert.Equal(port, ((IPEndPoint)listener.LocalEndpoint).Port);
    }
}
