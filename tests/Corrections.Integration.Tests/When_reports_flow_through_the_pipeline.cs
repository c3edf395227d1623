using Corrections.Editing.Persistence;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Gate;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Corrections.Pipeline;
using static TorchSharp.torch;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_reports_flow_through_the_pipeline(PipelineService pipeline)
{
    [Fact]
    public async Task Should_promote_a_version_that_predicts_the_corrected_labels_within_the_drawdown_limit()
    {
        const string model = "flow-promote";
        await pipeline.RegisterAsync(model);
        var reports = Enumerable.Range(0, 4).Select(i => pipeline.Report(model, i)).ToList();

        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)) == ids.Count,
            "every report is applied or backlogged");

        await using var registry = pipeline.Registry();
        var stored = await registry.Reports.Where(r => ids.Contains(r.ReportId)).ToListAsync();
        Assert.All(stored, r => Assert.Equal(ReportStatus.Applied, r.Status));
        var production = await registry.Aliases.Where(a => a.Name == "production" && registry.Models.Any(m => m.Id == a.ModelId && m.Name == model)).Select(a => a.Version).SingleAsync();
        Assert.True(production!.Number > 1);
        Assert.Equal(VersionKind.Edit, production.Kind);
        Assert.Equal(VersionStatus.Accepted, production.Status);

        // The promoted weights, loaded back from the store with their hash checked, predict every corrected label
        // (the gate requires earlier corrections to hold in this configuration).
        var cache = pipeline.Services.GetRequiredService<IOptions<PipelineOptions>>();
        using var loaded = new ModelStore(cache.Value.ModelStoreRoot).Load(ModelCache.Stored(production));
        foreach (var report in reports)
        {
            using var x = tensor(report.Input.Tensor!.Chunk(4).Select(b => BitConverter.ToSingle(b)).ToArray(), [1, 1, 28, 28]);
            using var logits = loaded.Logits(x);
            Assert.Equal(report.CorrectLabel, (int)logits.argmax(1).item<long>());
        }

        var validations = await registry.Validations.Where(v => v.VersionId == production.Id).ToListAsync();
        var figure = Assert.Single(validations, v => v.SetName == PipelineService.HeldOutSet);
        Assert.True(figure.Passed);
        Assert.InRange(figure.DrawdownPp, double.MinValue, new ValidationSetOptions().MaxDrawdownPp);
        Assert.Equal(2000, figure.Examples);
        Assert.Contains(validations, v => v.SetName == "own-corrections" && v.ErrorRate == 0);
        Assert.DoesNotContain(validations, v => v.SetName == "fashion-mnist-strict");
        Assert.True(await registry.Promotions.AnyAsync(p => p.ToVersionId == production.Id && !p.IsRollback));
        Assert.Equal(ids.Count, await registry.Edits.CountAsync(e => ids.Contains(e.ReportId) && e.Success));
    }
}
