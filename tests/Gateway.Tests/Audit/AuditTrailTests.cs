using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Gateway.Audit;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Tests.Auth;
using Maestro.Gateway.Tests.Auth.Refresh;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Audit;

/// <summary>
/// <c>GET /admin/audit</c>: who created and revoked which key, and the refresh-token families the gateway
/// revoked, newest first and paged — kept where the keys are (a real Redis, or the data directory's
/// file: one subclass each).
/// </summary>
public abstract class AuditTrailTests(RefreshGatewayHost gateway)
{
    [Fact]
    public async Task CreateThenRevoke_ByTwoAdmins_RecordsWhoWhenAndWhatNewestFirst()
    {
        var admin = await ApiKeyAdmin.CreateAsync(gateway.Client, "second-admin", [Scopes.Admin]);
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "audited", [Scopes.Predict, Scopes.ModelsRead], plan: "pro");
        using (var revoked = await gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Delete, $"/admin/api-keys/{key.Id}", admin.Key)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var events = (await PageAsync("/admin/audit?max_results=1000")).Events.Where(e => e.KeyId == key.Id).ToArray();

        Assert.Equal([AuditEvent.KeyRevoked, AuditEvent.KeyCreated], events.Select(e => e.Action));
        var (revocation, creation) = (events[0], events[1]);
        Assert.Equal(admin.Id, revocation.Actor);
        Assert.Equal(ApiKeyAuthenticationHandler.DevKeyId, creation.Actor);
        Assert.Equal("audited", creation.KeyName);
        Assert.Equal([Scopes.Predict, Scopes.ModelsRead], creation.Scopes);
        Assert.Equal("pro", creation.Plan);
        Assert.True(revocation.Id > creation.Id);
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(creation.Timestamp), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(revocation.Timestamp >= creation.Timestamp);
    }

    [Fact]
    public async Task List_SmallPages_EveryEventOnceNewestFirst()
    {
        for (var i = 0; i < 5; i++)
        {
            await ApiKeyAdmin.CreateAsync(gateway.Client, $"paged-{i}", [Scopes.Predict]);
        }

        var all = (await PageAsync("/admin/audit?max_results=1000")).Events;
        var paged = new List<AuditEvent>();
        string? token = null;
        do
        {
            var page = await PageAsync("/admin/audit?max_results=2" + (token is null ? "" : $"&page_token={token}"));
            Assert.InRange(page.Events.Count, 1, 2);
            paged.AddRange(page.Events);
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(all.Select(e => e.Id), paged.Select(e => e.Id));
        Assert.Equal(paged.Select(e => e.Id).OrderDescending(), paged.Select(e => e.Id));
        Assert.True(paged.Count >= 5);
    }

    [Fact]
    public async Task Refresh_TokenPresentedTwice_FamilyRevocationRecordedAsTheGateways()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "audited-refresh", [Scopes.Predict]);
        var tokens = await ApiKeyAdmin.TokenAsync(gateway.Client, key.Key);
        for (var i = 0; i < 2; i++)
        {
            (await gateway.Client.PostAsJsonAsync("/auth/refresh", new { refresh_token = tokens.RefreshToken })).Dispose();
        }

        var revocation = Assert.Single((await PageAsync("/admin/audit")).Events, e => e.KeyId == key.Id && e.Action == AuditEvent.RefreshFamilyRevoked);

        Assert.Equal(AuditEvent.Gateway, revocation.Actor);
        Assert.Contains("presented a second time", revocation.Detail);
    }

    [Theory]
    [InlineData("max_results=0", "max_results")]
    [InlineData("max_results=1001", "max_results")]
    [InlineData("max_results=many", "max_results")]
    [InlineData("page_token=not-a-token", "page_token")]
    [InlineData("page_token=-3", "page_token")]
    public async Task List_BadPaging_Returns400NamingTheParameter(string query, string parameter)
    {
        using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/admin/audit?" + query));

        Assert.Contains(parameter, (await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(Scopes.Predict)]
    [InlineData(Scopes.Metrics)]
    public async Task List_KeyWithoutAdmin_Returns403(string scope)
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "not-an-auditor", [scope]);

        Assert.Equal(HttpStatusCode.Forbidden, await ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Get, "/admin/audit", key.Key)));
    }

    private async Task<AuditEventPage> PageAsync(string path)
    {
        using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<AuditEventPage>(body)!;
    }
}

public sealed class RedisAuditTrailTests(RedisRefreshGatewayHost gateway) : AuditTrailTests(gateway), IClassFixture<RedisRefreshGatewayHost>;

public sealed class FileAuditTrailTests(FileRefreshGatewayHost gateway) : AuditTrailTests(gateway), IClassFixture<FileRefreshGatewayHost>
{
    [Fact]
    public async Task Create_FileStore_TrailKeptOwnerOnlyAndReadAgainAtStart()
    {
        var key = await ApiKeyAdmin.CreateAsync(gateway.Client, "on-disk", [Scopes.Predict]);

        var file = Path.Combine(gateway.DataDirectory!, FileAuditLog.FileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var reread = await new FileAuditLog(gateway.DataDirectory).ListAsync(1000, before: null, CancellationToken.None);
        Assert.Contains(reread, e => e.KeyId == key.Id && e.Action == AuditEvent.KeyCreated && e.KeyName == "on-disk");
    }
}
