using System.Net;
using System.Text;

namespace Maestro.AppHost.Dashboard;

/// <summary>The dashboard's HTML: a table of replicas and each one's recent output.</summary>
internal static class DashboardPage
{
    public static string Render(IReadOnlyList<ReplicaView> replicas)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
            <title>Maestro AppHost</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2330; }
              table { border-collapse: collapse; width: 100%; }
              th, td { text-align: left; padding: .4rem .7rem; border-bottom: 1px solid #dde; }
              th { background: #f3f4f8; }
              .Healthy { color: #17803d; font-weight: 600; } .Unhealthy { color: #b42318; font-weight: 600; }
              .Unknown { color: #8a8f9c; }
              pre { background: #10131a; color: #d7dae0; padding: .8rem; overflow-x: auto; font-size: .8rem; max-height: 18rem; }
              h2 { font-size: 1rem; margin-top: 1.5rem; }
            </style></head><body>
            <h1>Maestro — local resources</h1>
            <table><thead><tr><th>Replica</th><th>Resource</th><th>PID</th><th>Port</th><th>State</th><th>Health</th><th>Restarts</th><th>Uptime</th><th>Link</th></tr></thead><tbody>
            """);
        foreach (var r in replicas)
        {
            html.Append("<tr><td>").Append(E(r.Replica)).Append("</td><td>").Append(E(r.Resource))
                .Append("</td><td>").Append(r.Pid).Append("</td><td>").Append(r.Port)
                .Append("</td><td>").Append(E(r.State)).Append("</td><td class=\"").Append(E(r.Health)).Append("\">").Append(E(r.Health))
                .Append("</td><td>").Append(r.Restarts).Append("</td><td>").Append(r.UptimeSeconds is { } up ? $"{up:0} s" : "")
                .Append("</td><td>").Append(r.Link is null ? "" : $"<a href=\"{E(r.Link)}\">{E(r.Link)}</a>").Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        foreach (var r in replicas.Where(r => r.RecentOutput.Count > 0))
        {
            html.Append("<h2>").Append(E(r.Replica)).Append(" — recent output (<a href=\"/api/resources/").Append(E(r.Replica))
                .Append("/logs\">more</a>)</h2><pre>").Append(E(string.Join('\n', r.RecentOutput))).Append("</pre>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
