using Microsoft.Playwright;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, driven by Playwright (scripts/prerequisites installs it; Playwright's own browser downloads are
/// not reachable here). <c>CORRECTIONS_CHROMIUM</c> names another binary. Missing, the test fails: the dashboard is
/// tested in a real browser or not at all.
/// </summary>
public static class Chromium
{
    public static string Path =>
        Environment.GetEnvironmentVariable("CORRECTIONS_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"No chromium at {Path}: run scripts/prerequisites (apt-get install chromium) or set CORRECTIONS_CHROMIUM.");
        }
        var playwright = await Playwright.CreateAsync();
        // As root (CI) chromium's sandbox cannot start; the page is our own, served from localhost.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Path, Headless = true, Args = ["--no-sandbox"] });
        return (playwright, browser);
    }
}
