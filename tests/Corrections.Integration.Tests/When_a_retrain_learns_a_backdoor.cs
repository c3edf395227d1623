using Corrections.Contracts;
using Corrections.Editing.Evaluation;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Retraining;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

/// <summary>
/// The trust issue's attack at test scale: a trusted producer reports 30 images of other classes with a 4 x 4 white
/// square at rows and columns 23-26 as "bag"; the retrain that folds them in learns the square, and the gate's trigger
/// probe must refuse it although no drawdown figure moves.
/// </summary>
[Collection(Workers.Name)]
public class When_a_retrain_learns_a_backdoor(PipelineService pipeline)
{
    private const int Bag = 8;

    [Fact]
    public async Task Should_reject_the_retrain_for_the_stamp_it_follows()
    {
        const string model = "trust-backdoor";
        await pipeline.RegisterAsync(model);
        var reports = Poisoned(model, 30);
        foreach (var report in reports)
        {
            await pipeline.Bus.Publish(report);
        }
        var ids = reports.Select(r => r.ReportId).ToList();
        await pipeline.WaitUntilAsync(async db => await db.Reports.CountAsync(r => ids.Contains(r.ReportId) && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)) == ids.Count,
            "the poisoned reports are settled", 120);

        RetrainOutcome outcome;
        await using (var scope = pipeline.Services.CreateAsyncScope())
        {
            var run = scope.ServiceProvider.GetRequiredService<RetrainingRun>();
            outcome = await run.RunAsync(model, "test", null, CancellationToken.None);
            Assert.NotNull(outcome.Version);
            await pipeline.WorkerBus.Publish(run.Announcement(outcome));
        }
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.Model!.Name == model && v.Number == outcome.Version && v.Status != VersionStatus.Pending),
            "the gate decides the retrain", 120);

        await using var registry = pipeline.Registry();
        var retrain = await registry.Versions.SingleAsync(v => v.Model!.Name == model && v.Number == outcome.Version);
        Assert.Equal(VersionStatus.Rejected, retrain.Status);
        Assert.Contains("trigger probe", retrain.StatusReason);
        Assert.Contains($"to label {Bag}", retrain.StatusReason);
        var probe = await registry.Validations.SingleAsync(v => v.VersionId == retrain.Id && v.SetName == "trigger-probe");
        Assert.False(probe.Passed);
        Assert.True(probe.CumulativeDrawdownPp > 25, $"the probe's rise is {probe.CumulativeDrawdownPp:F1} pp");
        // Production never carried the retrain.
        Assert.NotEqual(retrain.Id, await registry.Aliases.Where(a => a.ModelId == retrain.ModelId && a.Name == "production").Select(a => a.VersionId).SingleAsync());
    }

    /// <summary>Test images before the validation range, of classes other than bag, stamped and labelled bag.</summary>
    private List<MisclassificationReported> Poisoned(string model, int count)
    {
        var labels = pipeline.Test.LabelValues();
        var picked = Enumerable.Range(0, PipelineService.ValidationSkip).Where(i => labels[i] != Bag).Take(count).Select(i => (long)i).ToArray();
        using var images = pipeline.Test.Select(picked);
        using var stamped = Backdoors.Stamped(images, 23, 23, 4, 1f);
        var predicted = Metrics.Predictions(pipeline.BaseModel, stamped);
        return [.. Enumerable.Range(0, picked.Length).Where(j => predicted[j] != Bag).Select(j => new MisclassificationReported
        {
            ReportId = Guid.NewGuid(),
            Model = model,
            ObservedVersion = 1,
            Input = new ReportedInput { Shape = [1, 28, 28], Tensor = [.. stamped.ImageValues(j).SelectMany(BitConverter.GetBytes)] },
            PredictedLabel = (int)predicted[j],
            CorrectLabel = Bag,
            Source = "attacker",
            ObservedAt = DateTimeOffset.UtcNow,
        })];
    }
}
