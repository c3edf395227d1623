using Corrections.Editing.Correcting;
using Corrections.Editing.Evaluation;
using Corrections.Editing.Persistence;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Retraining;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_corrections_are_remembered_and_consolidated(PipelineService pipeline)
{
    [Fact]
    public async Task Should_put_every_report_in_effect_even_one_no_edit_can_make_and_keep_them_through_a_gated_consolidation()
    {
        const string model = PipelineService.MemoryModel;
        await pipeline.RegisterAsync(model);
        // Among them the mistake whose edit alone costs twice the gate's drawdown limit: an edited chain backlogs it.
        var reports = Enumerable.Range(120, 6).Select(i => pipeline.Report(model, i)).Append(pipeline.Report(model, pipeline.BeyondLimit)).ToList();
        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)) == ids.Count,
            "the reports are settled");

        await using (var registry = pipeline.Registry())
        {
            var settled = await registry.Reports.Where(r => ids.Contains(r.ReportId)).ToListAsync();
            Assert.All(settled, r => Assert.True(r.Status == ReportStatus.Applied, $"{r.ReportId}: {r.Status} ({r.BacklogReason})"));
            var edits = await registry.Edits.Where(e => ids.Contains(e.ReportId)).ToListAsync();
            Assert.All(edits, e => Assert.Equal(0, e.Steps));
            using var production = await LoadProductionAsync(registry, model);
            Assert.Equal(ids.Count, production.Memory?.Count);
            Assert.Equal(1.0, Metrics.HeldShare(production, Corrections(reports)));
        }

        var outcome = await ConsolidateAsync(model);
        Assert.Equal(ids.Count, outcome.Corrections);
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Number == outcome.Version && v.Status != VersionStatus.Pending),
            "the gate decides the consolidation", 120);

        await using (var registry = pipeline.Registry())
        {
            var consolidation = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Number == outcome.Version);
            Assert.Equal(VersionKind.Consolidation, consolidation.Kind);
            Assert.True(consolidation.Status == VersionStatus.Accepted, $"consolidation {consolidation.Status}: {consolidation.StatusReason}");
            Assert.Equal(ids.Count, await registry.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.FoldedVersionId == consolidation.Id));
            var own = await registry.Validations.SingleAsync(v => v.VersionId == consolidation.Id && v.SetName == "own-corrections");
            Assert.Equal(ids.Count, own.Examples);
            Assert.Equal(0, own.ErrorRate);
            using var production = await LoadProductionAsync(registry, model);
            Assert.Equal(consolidation.Id, await ProductionIdAsync(registry, model));
            Assert.Equal(1.0, Metrics.HeldShare(production, Corrections(reports)));
        }

        // The next report is remembered on top of the consolidation, beside what its memory kept.
        var next = pipeline.Report(model, 130);
        await pipeline.Bus.Publish(next);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == next.ReportId && r.Status == ReportStatus.Applied), "the next report is applied");
        await using var after = pipeline.Registry();
        var edit = await after.Versions.SingleAsync(v => v.Id == after.Reports.Where(r => r.ReportId == next.ReportId).Select(r => r.VersionId).Single());
        Assert.Equal(outcome.Version, await after.Versions.Where(v => v.Id == edit.ParentId).Select(v => v.Number).SingleAsync());
        using var latest = await LoadProductionAsync(after, model);
        Assert.Equal(1.0, Metrics.HeldShare(latest, Corrections([.. reports, next])));
    }

    [Fact]
    public async Task Should_keep_the_reports_applied_while_a_consolidation_trained_in_its_memory()
    {
        const string model = PipelineService.MemoryLateModel;
        await pipeline.RegisterAsync(model);
        var first = Enumerable.Range(140, 4).Select(i => pipeline.Report(model, i)).ToList();
        await PublishAndWaitAsync(first);

        // 50 passes over 4 corrections: about 7 s of steps, time for the worker to remember the next reports meanwhile.
        var consolidating = ConsolidateAsync(model, passes: 50);
        var late = Enumerable.Range(150, 3).Select(i => pipeline.Report(model, i)).ToList();
        await PublishAndWaitAsync(late);
        var outcome = await consolidating;
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Number == outcome.Version && v.Status != VersionStatus.Pending),
            "the gate decides the consolidation", 120);

        Assert.Equal(first.Count, outcome.Corrections);
        Assert.True(outcome.ParentVersion > outcome.StartVersion, $"the late reports were not applied while the consolidation trained (parent v{outcome.ParentVersion}, start v{outcome.StartVersion}): {outcome.Note}");
        await using var registry = pipeline.Registry();
        var consolidation = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Number == outcome.Version);
        Assert.True(consolidation.Status == VersionStatus.Accepted, $"consolidation {consolidation.Status}: {consolidation.StatusReason}");
        using var production = await LoadProductionAsync(registry, model);
        Assert.Equal(1.0, Metrics.HeldShare(production, Corrections([.. first, .. late])));
        var earlier = await registry.Validations.SingleAsync(v => v.VersionId == consolidation.Id && v.SetName == "earlier-corrections");
        // Production's chain carried all of them when the consolidation was judged: the late ones too.
        Assert.Equal(first.Count + late.Count, earlier.Examples);
        Assert.True(earlier.Passed);
    }

    [Fact]
    public async Task Should_register_a_consolidation_over_its_clean_limit_part_of_the_way_and_keep_every_report()
    {
        const string model = PipelineService.MemoryPartWayModel;
        await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(160, 4).Select(i => pipeline.Report(model, i)).ToList();
        await PublishAndWaitAsync(reports);

        // Steps at lr 0.1 wreck the weights; a thousandth of the way from production's weights is production, give or take.
        var outcome = await RunConsolidationAsync(model, Harmful(shares: "0.001"));
        Assert.True(outcome.Version is not null, outcome.Note);
        Assert.Contains($"registered 0.001 of the way on {PipelineService.HeldOutSet} against base v1, limit 0.3 pp", outcome.Note);
        var full = System.Text.RegularExpressions.Regex.Match(outcome.Note!, @"all of the way \+([0-9.]+) pp");
        Assert.True(full.Success && double.Parse(full.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0.3, outcome.Note);
        await AnnounceAndWaitAsync(model, outcome);

        await using var registry = pipeline.Registry();
        var consolidation = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Number == outcome.Version);
        Assert.True(consolidation.Status == VersionStatus.Accepted, $"consolidation {consolidation.Status}: {consolidation.StatusReason}");
        using var production = await LoadProductionAsync(registry, model);
        Assert.Equal(1.0, Metrics.HeldShare(production, Corrections(reports)));
    }

    [Fact]
    public async Task Should_register_nothing_when_no_share_of_the_way_keeps_the_clean_limit_and_leave_the_reports_waiting()
    {
        const string model = PipelineService.MemoryRefusedModel;
        await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(170, 3).Select(i => pipeline.Report(model, i)).ToList();
        await PublishAndWaitAsync(reports);
        await using var before = pipeline.Registry();
        var productionBefore = await ProductionIdAsync(before, model);

        var outcome = await RunConsolidationAsync(model, Harmful(shares: "none"));

        Assert.Null(outcome.Version);
        Assert.Equal(RetrainOutcome.OverCleanLimit, outcome.Skipped);
        Assert.Contains($"consolidation refused on {PipelineService.HeldOutSet} against base v1, limit 0.3 pp", outcome.Note);
        await using var registry = pipeline.Registry();
        Assert.False(await registry.Versions.AnyAsync(v => v.Model!.Name == model && v.Kind == VersionKind.Consolidation));
        Assert.Equal(productionBefore, await ProductionIdAsync(registry, model));
        await using var scope = pipeline.Services.CreateAsyncScope();
        var (waiting, _) = await pipeline.RetrainingRun(scope.ServiceProvider, Harmful()).WaitingAsync(model, CancellationToken.None);
        Assert.Equal(reports.Count, waiting);
    }

    [Fact]
    public async Task Should_judge_a_consolidations_cumulative_drawdown_against_the_base_not_itself()
    {
        const string model = PipelineService.MemoryPinnedModel;
        await pipeline.RegisterAsync(model);
        await PublishAndWaitAsync([.. Enumerable.Range(180, 3).Select(i => pipeline.Report(model, i))]);

        // No clean limit: the gate alone judges it, and against itself it would have drawn down nothing.
        var outcome = await RunConsolidationAsync(model, Harmful(limit: null));
        Assert.NotNull(outcome.Version);
        await AnnounceAndWaitAsync(model, outcome);

        await using var registry = pipeline.Registry();
        var consolidation = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Number == outcome.Version);
        Assert.Equal(VersionStatus.Rejected, consolidation.Status);
        Assert.Contains($"{PipelineService.PinnedSet}: cumulative drawdown", consolidation.StatusReason);
        var pinned = await registry.Validations.SingleAsync(v => v.VersionId == consolidation.Id && v.SetName == PipelineService.PinnedSet);
        Assert.True(pinned.CumulativeDrawdownPp > 0, $"cumulative drawdown {pinned.CumulativeDrawdownPp} pp");
    }

    // 50 passes at lr 0.1 over a few reports: a consolidation that costs far more than the 0.3 pp clean limit.
    private static RetrainingOptions Harmful(string shares = "0.75,0.5,0.25", double? limit = 0.3) => new()
    {
        Recipe = "consolidation",
        TrainLimit = 3000,
        ConsolidationPasses = 50,
        ConsolidationLearningRate = 0.1,
        ConsolidationInterpolationShares = shares,
        ConsolidationCleanLimitPp = limit,
    };

    private async Task<RetrainOutcome> RunConsolidationAsync(string model, RetrainingOptions options)
    {
        await using var scope = pipeline.Services.CreateAsyncScope();
        return await pipeline.RetrainingRun(scope.ServiceProvider, options).RunAsync(model, "test", null, CancellationToken.None);
    }

    private async Task AnnounceAndWaitAsync(string model, RetrainOutcome outcome)
    {
        await using (var scope = pipeline.Services.CreateAsyncScope())
        {
            await pipeline.WorkerBus.Publish(pipeline.RetrainingRun(scope.ServiceProvider, Harmful()).Announcement(outcome));
        }
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Number == outcome.Version && v.Status != VersionStatus.Pending),
            "the gate decides the consolidation", 120);
    }

    private async Task PublishAndWaitAsync(IReadOnlyList<Contracts.MisclassificationReported> reports)
    {
        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Applied) == ids.Count, "the reports are applied");
    }

    private async Task<RetrainOutcome> ConsolidateAsync(string model, int passes = 8)
    {
        await using var scope = pipeline.Services.CreateAsyncScope();
        var run = pipeline.RetrainingRun(scope.ServiceProvider, new RetrainingOptions { Recipe = "consolidation", TrainLimit = 3000, ConsolidationPasses = passes });
        var outcome = await run.RunAsync(model, "test", null, CancellationToken.None);
        Assert.NotNull(outcome.Version);
        await pipeline.WorkerBus.Publish(run.Announcement(outcome));
        return outcome;
    }

    private static CorrectionSet Corrections(IEnumerable<Contracts.MisclassificationReported> reports) =>
        CorrectionSet.Of([1, 28, 28], reports.Select(r => (r.Input.Tensor!, r.CorrectLabel)));

    private static async Task<long> ProductionIdAsync(RegistryDbContext registry, string model)
    {
        var modelId = await registry.Models.Where(m => m.Name == model).Select(m => m.Id).SingleAsync();
        return await registry.Aliases.Where(a => a.ModelId == modelId && a.Name == "production").Select(a => a.VersionId).SingleAsync();
    }

    private async Task<Corrections.Editing.EditableModel> LoadProductionAsync(RegistryDbContext registry, string model)
    {
        var id = await ProductionIdAsync(registry, model);
        var version = await registry.Versions.SingleAsync(v => v.Id == id);
        return new ModelStore(pipeline.Store.Path).Load(ModelCache.Stored(version));
    }
}
