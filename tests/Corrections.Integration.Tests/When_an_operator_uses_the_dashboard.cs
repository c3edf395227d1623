using Corrections.Integration.Tests.Infrastructure;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Corrections.Integration.Tests;

/// <summary>The dashboard in headless chromium, against the worker's HTTP API on the real broker and registry.</summary>
[Collection(Workers.Name)]
public class When_an_operator_uses_the_dashboard(PipelineService pipeline)
{
    [Fact]
    public async Task Should_show_the_chain_and_its_chart_follow_a_version_and_roll_back_as_the_operator()
    {
        const string model = "dashboard-chain";
        var v1 = await pipeline.RegisterAsync(model);
        // Two edits, one after the other: a chain of three versions, two with the gate's figures (the base has none).
        var first = pipeline.Report(model, 83);
        await pipeline.Bus.Publish(first);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == first.ReportId && r.Status == ReportStatus.Applied), "the first report is applied");
        var report = pipeline.Report(model, 84);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the second report is applied");
        int production;
        await using (var registry = pipeline.Registry())
        {
            var carrier = await registry.Reports.Where(r => r.ReportId == report.ReportId).Select(r => r.VersionId).SingleAsync();
            production = await registry.Versions.Where(v => v.Id == carrier).Select(v => v.Number).SingleAsync();
        }
        await using var app = await HttpApiHost.StartAsync(pipeline);
        var address = HttpApiHost.Address(app);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        // Any script error or refused resource (the policy allows this origin alone) fails the test.
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(address);
        await page.FillAsync("#login", DatabaseLogins.Operator);
        await page.FillAsync("#password", "wrong");
        await page.ClickAsync("#operator-signin button[type=submit]");
        var refusal = await page.Locator("[role=alert]").TextContentAsync();
        // The browser logs the refused call (401) as an error; from here on there must be none.
        errors.Clear();
        await page.FillAsync("#login", DatabaseLogins.Operator);
        await page.FillAsync("#password", DatabaseLogins.Operator);
        await page.ClickAsync("#operator-signin button[type=submit]");
        var signedIn = await page.Locator("#signed-in").TextContentAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = model, Exact = true }).ClickAsync();
        // Attached, not visible: when every version has the same error the line is flat, and a box of zero height is
        // "hidden" to Playwright (this failed once so, with points "54.0,87.0 988.0,87.0").
        await page.Locator("#chart polyline.series-error").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var points = await page.Locator("#chart circle.point-error").CountAsync();
        var rows = await page.Locator("#versions tbody tr").CountAsync();
        var productionBadge = await page.Locator($"#versions tr[data-version='{production}'] .badge.alias").TextContentAsync();
        if (Environment.GetEnvironmentVariable("CORRECTIONS_WRITE_SCREENSHOT") == "1")
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryRoot(), "docs", "dashboard.png"), FullPage = true });
        }

        await page.ClickAsync($"#versions tr[data-version='{production}'] td:first-child a");
        await page.Locator("#validations table").WaitForAsync();
        var validations = await page.Locator("#validations").TextContentAsync();
        var lineage = await page.Locator("#lineage").TextContentAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = model, Exact = true }).ClickAsync();
        await page.ClickAsync("#versions button[data-action='rollback'][data-version='1']");
        await page.FillAsync("#decision-reason", "browser test: back to the base");
        await page.ClickAsync("#decision-confirm");
        await page.Locator("#flash", new() { HasTextString = "Rolled back" }).WaitForAsync();
        await page.Locator("#versions tr[data-version='1'] .badge.alias").WaitForAsync();
        var flash = await page.Locator("#flash").TextContentAsync();

        Assert.Contains("refuses this login", refusal);
        Assert.Contains(DatabaseLogins.Operator, signedIn);
        Assert.Equal(2, points);
        Assert.Equal(3, rows);
        Assert.Equal("production", productionBadge);
        Assert.Contains(PipelineService.HeldOutSet, validations);
        Assert.Contains(report.ReportId.ToString()[..8], lineage);
        Assert.Contains($"v{production} → v1 as {DatabaseLogins.Operator}", flash);
        await using (var registry = pipeline.Registry())
        {
            var last = await registry.Promotions.Where(p => p.ModelId == v1.ModelId).OrderBy(p => p.Id).LastAsync();
            Assert.Equal((true, DatabaseLogins.Operator, "browser test: back to the base", v1.Id), (last.IsRollback, last.Actor, last.Reason, last.ToVersionId));
        }
        Assert.Empty(errors);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Corrections.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("The test runs outside the repository.");
    }
}
