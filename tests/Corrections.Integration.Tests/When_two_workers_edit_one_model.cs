using Corrections.Integration.Tests.Infrastructure;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_two_workers_edit_one_model(PipelineService pipeline, ITestOutputHelper output)
{
    [Fact]
    public async Task Should_keep_one_unforked_chain_and_apply_each_report_once()
    {
        const string model = "flow-two-workers";
        var v1 = await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(60, 24).Select(i => pipeline.Report(model, i)).ToList();
        // A burst, so that both workers' batches race for the chain.
        await Task.WhenAll(reports.Select(r => pipeline.Bus.Publish(r)));
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)) == ids.Count,
            "every report is applied or backlogged", 120);

        await using var registry = pipeline.Registry();
        var versions = await registry.Versions.Where(v => v.ModelId == v1.ModelId).OrderBy(v => v.Number).ToListAsync();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions.Select(v => v.Number));
        Assert.DoesNotContain(versions, v => v.Status == VersionStatus.Pending);
        // Linear: every candidate was built on the accepted version before it; rejected ones are dead ends.
        ModelVersion? accepted = null;
        foreach (var version in versions)
        {
            Assert.Equal(accepted?.Id, version.ParentId);
            if (version.Status == VersionStatus.Accepted)
            {
                accepted = version;
            }
        }
        var production = await registry.Aliases.Where(a => a.ModelId == v1.ModelId && a.Name == "production").Select(a => a.VersionId).SingleAsync();
        Assert.Equal(accepted!.Id, production);
        // Applied once: at most one promoted candidate carries each report. (A report of a rejected shared candidate is
        // edited again, alone, so it can have two successful edits, one of them in a dead end.)
        var acceptedIds = versions.Where(v => v.Status == VersionStatus.Accepted).Select(v => v.Id).ToList();
        foreach (var id in ids)
        {
            Assert.True(await registry.Edits.CountAsync(e => e.ReportId == id && e.Success && acceptedIds.Contains(e.VersionId)) <= 1, $"report {id} is in more than one promoted candidate");
        }
        var applied = await registry.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Applied);
        Assert.True(applied > 0);
        var byWorker = versions.Skip(1).GroupBy(v => v.CreatedBy).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{versions.Count - 1} candidates ({string.Join(", ", byWorker.Select(w => $"{w.Key}: {w.Value}"))}), {applied}/{ids.Count} applied");
        // Two writers really raced for the chain: each built candidates on it.
        Assert.Equal(["worker-a", "worker-b"], byWorker.Keys.Order(StringComparer.Ordinal));
    }
}
