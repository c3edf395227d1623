using System.Diagnostics;
using Corrections.Contracts;
using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Tests;
using Corrections.Editing.Models;
using Corrections.Editing.Training;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Corrections.Integration.Tests;

/// <summary>
/// The paper's architecture through the service: a CIFAR ResNet-18 (4 channels wide, for CI) trained by Editable
/// Training with layer3 editable, a report of one of its mistakes, the edit worker, and the gate on a CIFAR-format set
/// and an NAE-style image-folder set of images it never saw (both generated: neither data set can be downloaded here).
/// </summary>
[Collection(Workers.Name)]
public class When_a_resnet_model_is_corrected_through_the_service(PipelineService pipeline, ITestOutputHelper output)
{
    [Fact]
    public async Task Should_edit_its_mistake_in_layer3_and_judge_it_on_both_validation_sets()
    {
        var clock = Stopwatch.StartNew();
        using var model = Train();
        output.WriteLine($"trained the ResNet in {clock.Elapsed.TotalSeconds:F0} s");
        var v1 = await pipeline.RegisterAsync(PipelineService.ResNetModel, model);
        var (image, predicted, label) = Mistake(model);

        var report = new MisclassificationReported
        {
            ReportId = Guid.NewGuid(),
            Model = PipelineService.ResNetModel,
            Input = new ReportedInput { Shape = [3, 32, 32], Tensor = image.SelectMany(BitConverter.GetBytes).ToArray() },
            PredictedLabel = predicted,
            CorrectLabel = label,
            Source = "integration-test",
            ObservedAt = DateTimeOffset.UtcNow,
        };
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && (r.Status == ReportStatus.Applied || r.Status == ReportStatus.Backlogged)),
            "the ResNet's correction is settled", 120);

        await using var registry = pipeline.Registry();
        var settled = await registry.Reports.SingleAsync(r => r.ReportId == report.ReportId);
        var candidates = await registry.Versions.Where(v => v.ModelId == v1.ModelId && v.Number > 1).Select(v => v.Id).ToListAsync();
        var validations = await registry.Validations.Where(v => candidates.Contains(v.VersionId)).ToListAsync();
        output.WriteLine(string.Join("\n", validations.Select(v => $"{v.SetName}: {v.Examples} examples, error {v.ErrorRate:P1}, drawdown {v.DrawdownPp:F2} pp, passed {v.Passed} {v.Reason}")));
        Assert.Equal(ReportStatus.Applied, settled.Status);
        var carrier = validations.Where(v => v.VersionId == settled.VersionId).ToList();
        Assert.Contains(carrier, v => v.SetName == PipelineService.CifarSet && v.Examples == 300 && v.Passed);
        Assert.Contains(carrier, v => v.SetName == PipelineService.NaeSet && v.Examples == 200 && v.Passed);
        Assert.DoesNotContain(carrier, v => v.SetName == PipelineService.HeldOutSet);
        // The edit changed layer3 and nothing else: the paper's editable subset, stored as a delta on v1.
        var version = await registry.Versions.SingleAsync(v => v.Id == settled.VersionId);
        Assert.True(version.IsDelta);
    }

    /// <summary>
    /// The paper's recipe for a pretrained model: three epochs of plain training on generated images, then one of
    /// Editable Training from those weights (from a fresh initialisation, 64 steps are too few for either).
    /// </summary>
    private static EditableModel Train()
    {
        using var data = GeneratedCifar.Images(1024, seed: 10, noise: 0.5);
        var model = EditableModel.Create(Architectures.ResNet18Cifar(10, width: 4), Normalization.Cifar10, "layer3",
            new EditorOptions { LearningRate = 0.01, MaxSteps = 10 }, seed: 3);
        var options = new EditableTrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 1e-3, TrainingMaxSteps = 3, Seed = 3, CropPadding = 4, HorizontalFlip = true };
        new EditableTrainer(options with { Editable = false, Epochs = 3, LearningRate = 3e-3 }, new UniformEditTargets()).Train(model, data);
        new EditableTrainer(options, new UniformEditTargets()).Train(model, data);
        return model;
    }

    /// <summary>An image of a seed never trained on (as noisy as the training images) that the model gets wrong.</summary>
    private static (float[] Image, int Predicted, int Label) Mistake(EditableModel model)
    {
        using var fresh = GeneratedCifar.Images(200, seed: 13, noise: 0.5);
        using var logits = model.Logits(fresh.Images);
        using var argmax = logits.argmax(1);
        var predicted = argmax.data<long>().ToArray();
        var labels = fresh.LabelValues();
        var wrong = Enumerable.Range(0, fresh.Count).Where(i => predicted[i] != labels[i]).ToList();
        Assert.True(wrong.Count is > 0 and < 100, $"the model gets {wrong.Count} of {fresh.Count} fresh images wrong; the test needs a model that learned, with some mistakes");
        return (fresh.ImageValues(wrong[0]), (int)predicted[wrong[0]], (int)labels[wrong[0]]);
    }
}
