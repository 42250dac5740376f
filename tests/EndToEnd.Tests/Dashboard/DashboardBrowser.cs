using Maestro.Testing;
using Microsoft.Playwright;

namespace Maestro.EndToEnd.Tests.Dashboard;

/// <summary>
/// Debian's chromium driven by Playwright (never Playwright's own browser download), headless, with the
/// flags a closed network needs. Screenshots go to <c>.test-results/dashboard/</c>.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static string ScreenshotDirectory { get; } = Path.Combine(TestPaths.RepositoryRoot, ".test-results", "dashboard");

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is not installed; the README's test command installs it (apt-get install chromium).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
        return new DashboardBrowser(playwright, browser);
    }

    public async Task<IPage> OpenAsync(string url)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(url);
        return page;
    }

    /// <summary>Saves a full-page screenshot; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
