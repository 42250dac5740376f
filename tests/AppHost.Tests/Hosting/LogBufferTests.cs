using Maestro.AppHost.Hosting;

namespace Maestro.AppHost.Tests.Hosting;

public sealed class LogBufferTests
{
    [Fact]
    public void Tail_MoreLinesThanCapacity_KeepsTheNewestInOrder()
    {
        var buffer = new LogBuffer(capacity: 3);
        foreach (var line in new[] { "a", "b", "c", "d", "e" })
        {
            buffer.Add(line);
        }

        Assert.Equal(["c", "d", "e"], buffer.Tail(10));
        Assert.Equal(["d", "e"], buffer.Tail(2));
    }
}
