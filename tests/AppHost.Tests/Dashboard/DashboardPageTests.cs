using Maestro.AppHost.Dashboard;

namespace Maestro.AppHost.Tests.Dashboard;

public sealed class DashboardPageTests
{
    [Fact]
    public void Render_Replicas_ListsEachWithStateHealthAndLink_AndEncodesOutput()
    {
        var html = DashboardPage.Render(
        [
            new ReplicaView("worker", "worker-1", 1, 4242, 5001, "Running", "Healthy", 2, 30, "http://127.0.0.1:5001/health", ["<script>alert(1)</script>"]),
            new ReplicaView("redis", "redis", 0, null, null, "Unavailable", "Unknown", 0, null, null, []),
        ]);

        Assert.Contains("<td>worker-1</td>", html);
        Assert.Contains("<td>4242</td>", html);
        Assert.Contains("class=\"Healthy\">Healthy", html);
        Assert.Contains("href=\"http://127.0.0.1:5001/health\"", html);
        Assert.Contains("<td>Unavailable</td>", html);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }
}
