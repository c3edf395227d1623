using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Gate;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_candidates_meet_the_gate_and_operators(PipelineService pipeline)
{
    private static async Task<ModelVersion?> ProductionAsync(Corrections.Registry.RegistryDbContext db, string model) =>
        await db.Aliases.Where(a => a.Name == "production" && db.Models.Any(m => m.Id == a.ModelId && m.Name == model)).Select(a => a.Version).SingleOrDefaultAsync();

    [Fact]
    public async Task Should_never_promote_a_candidate_that_fails_the_gate()
    {
        var model = PipelineService.StrictModel;
        var v1 = await pipeline.RegisterAsync(model);
        var reports = new[] { pipeline.Report(model, 40), pipeline.Report(model, 41) };
        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Backlogged) == ids.Count, "both reports are backlogged");

        await using var registry = pipeline.Registry();
        var candidates = await registry.Versions.Where(v => v.ModelId == v1.ModelId && v.Number > 1).ToListAsync();
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c =>
        {
            Assert.Equal(VersionStatus.Rejected, c.Status);
            Assert.Contains("fashion-mnist-strict: error", c.StatusReason);
        });
        Assert.Equal(1, (await ProductionAsync(registry, model))!.Number);
        var candidateIds = candidates.Select(c => c.Id).ToList();
        Assert.False(await registry.Promotions.AnyAsync(p => candidateIds.Contains(p.ToVersionId)));
        var backlogged = await registry.Reports.Where(r => ids.Contains(r.ReportId)).ToListAsync();
        Assert.All(backlogged, r => Assert.StartsWith("candidate v", r.BacklogReason));
        Assert.True(await registry.Validations.AnyAsync(v => candidateIds.Contains(v.VersionId) && v.SetName == "fashion-mnist-strict" && !v.Passed));
    }

    [Fact]
    public async Task Should_reject_a_candidate_whose_drawdown_exceeds_the_shipped_limit()
    {
        const string model = "gate-drawdown";
        var v1 = await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, pipeline.BeyondLimit);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Backlogged), "the report is backlogged");

        await using var registry = pipeline.Registry();
        var candidate = await registry.Versions.SingleAsync(v => v.ModelId == v1.ModelId && v.Number == 2);
        Assert.Equal(VersionStatus.Rejected, candidate.Status);
        Assert.Contains($"{PipelineService.HeldOutSet}: drawdown vs v1", candidate.StatusReason);
        var figure = await registry.Validations.SingleAsync(v => v.VersionId == candidate.Id && v.SetName == PipelineService.HeldOutSet);
        Assert.True(figure.DrawdownPp > new ValidationSetOptions().MaxDrawdownPp, $"drawdown {figure.DrawdownPp:F2} pp");
        Assert.False(figure.Passed);
        Assert.Equal(1, (await ProductionAsync(registry, model))!.Number);
    }

    [Fact]
    public async Task Should_give_each_report_of_a_rejected_candidate_a_candidate_of_its_own_before_the_backlog()
    {
        // The strict set rejects every candidate. Published together, the reports share the first candidates; after a
        // rejection each is edited again alone, and only that lone candidate's rejection sends it to the backlog.
        const string model = PipelineService.StrictRetryModel;
        await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(60, 4).Select(i => pipeline.Report(model, i)).ToList();
        await Task.WhenAll(reports.Select(r => pipeline.Bus.Publish(r)));
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && r.Status == ReportStatus.Backlogged) == ids.Count,
            "every report is backlogged", 120);

        await using var registry = pipeline.Registry();
        var edits = await registry.Edits.Where(e => ids.Contains(e.ReportId) && e.Success).ToListAsync();
        var perCandidate = edits.GroupBy(e => e.VersionId).ToDictionary(g => g.Key, g => g.Count());
        var versions = await registry.Versions.Where(v => perCandidate.Keys.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Number);
        // The situation the test is about: at least one rejected candidate carried several reports.
        Assert.Contains(perCandidate.Values, count => count > 1);
        foreach (var report in await registry.Reports.Where(r => ids.Contains(r.ReportId)).ToListAsync())
        {
            // The candidate its backlog reason names carried it alone.
            var last = edits.Where(e => e.ReportId == report.ReportId).MaxBy(e => versions[e.VersionId])!;
            Assert.Equal(1, perCandidate[last.VersionId]);
            Assert.StartsWith($"candidate v{versions[last.VersionId]} rejected", report.BacklogReason);
            // Tried at most twice: once in a shared candidate, once alone.
            Assert.InRange(edits.Count(e => e.ReportId == report.ReportId), 1, 2);
        }
    }

    [Fact]
    public async Task Should_roll_back_by_moving_the_alias_and_audit_it_then_build_on_the_rolled_back_version()
    {
        const string model = "flow-rollback";
        var v1 = await pipeline.RegisterAsync(model);
        var first = pipeline.Report(model, 50);
        await pipeline.Bus.Publish(first);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == first.ReportId && r.Status == ReportStatus.Applied), "the first report is applied");

        // As the CLI does it: the operator's login, which is what the audit records.
        await using (var scope = pipeline.Operator.CreateAsyncScope())
        {
            var registrar = scope.ServiceProvider.GetRequiredService<ModelRegistrar>();
            var (from, to) = await registrar.MoveAliasAsync(model, 1, DatabaseLogins.Operator, "suspected regression on night shots", CancellationToken.None);
            Assert.Equal(1, to.Number);
            Assert.True(from.Number > 1);
            await Assert.ThrowsAsync<ArgumentException>(() => registrar.MoveAliasAsync(model, from.Number, DatabaseLogins.Operator, " ", CancellationToken.None));
        }

        await using (var registry = pipeline.Registry())
        {
            Assert.Equal(1, (await ProductionAsync(registry, model))!.Number);
            var audit = await registry.Database
                .SqlQuery<AuditPromotion>($"SELECT from_version, to_version, is_rollback, reason, actor FROM corrections.audit_promotions WHERE model = {model} ORDER BY at DESC LIMIT 1")
                .SingleAsync();
            Assert.True(audit.IsRollback);
            Assert.Equal(1, audit.ToVersion);
            Assert.Equal(DatabaseLogins.Operator, audit.Actor);
            Assert.Equal("suspected regression on night shots", audit.Reason);
        }

        // The next correction is built on what production now holds.
        var second = pipeline.Report(model, 51);
        await pipeline.Bus.Publish(second);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == second.ReportId && r.Status == ReportStatus.Applied), "the second report is applied");
        await using var after = pipeline.Registry();
        var production = (await ProductionAsync(after, model))!;
        Assert.Equal(v1.Id, production.ParentId);
    }

    [Fact]
    public async Task Should_put_a_new_base_through_the_gate_unless_an_operator_overrides_it_on_the_record()
    {
        const string model = "gate-register";
        var v1 = await pipeline.RegisterAsync(model);
        // A network of the same architecture that was never trained: about 90 % error, far past any drawdown limit.
        using var untrained = EditableModel.Create(pipeline.BaseModel.Architecture, Normalization.FashionMnist,
            Architectures.DefaultEditableSubset(pipeline.BaseModel.Architecture.Name), new EditorOptions(), seed: 11);

        await using var scope = pipeline.Operator.CreateAsyncScope();
        var registrar = scope.ServiceProvider.GetRequiredService<ModelRegistrar>();
        var gated = await registrar.RegisterAsync(model, untrained, VersionKind.Base, DatabaseLogins.Operator, "a base from elsewhere", CancellationToken.None);
        Assert.True(gated.AwaitsGate);
        Assert.Equal(VersionStatus.Pending, gated.Version.Status);
        await pipeline.WorkerBus.Publish(gated.Announcement(model, DateTimeOffset.UtcNow));
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Id == gated.Version.Id && v.Status != VersionStatus.Pending), "the gate judged v2");
        var blank = await Assert.ThrowsAsync<ArgumentException>(() => registrar.RegisterAsync(model, untrained, VersionKind.Base, DatabaseLogins.Operator, "again", CancellationToken.None, overrideReason: " "));
        var forced = await registrar.RegisterAsync(model, untrained, VersionKind.Base, DatabaseLogins.Operator, "a base from elsewhere", CancellationToken.None,
            overrideReason: "vendor model, validated offline");

        await using var registry = pipeline.Registry();
        var judged = await registry.Versions.SingleAsync(v => v.Id == gated.Version.Id);
        Assert.Equal(VersionStatus.Rejected, judged.Status);
        Assert.Contains($"{PipelineService.HeldOutSet}: drawdown vs v1", judged.StatusReason);
        Assert.False(forced.AwaitsGate);
        Assert.Equal(forced.Version.Id, (await ProductionAsync(registry, model))!.Id);
        var promotion = await registry.Promotions.Where(p => p.ToVersionId == forced.Version.Id).SingleAsync();
        Assert.Equal(DatabaseLogins.Operator, promotion.Actor);
        Assert.Contains("gate overridden: vendor model, validated offline", promotion.Reason);
        Assert.False(await registry.Promotions.AnyAsync(p => p.ToVersionId == judged.Id));
        Assert.NotNull(blank);
        Assert.Equal(v1.Number + 2, forced.Version.Number);
    }

    private sealed record AuditPromotion(int? FromVersion, int ToVersion, bool IsRollback, string Reason, string Actor);
}
