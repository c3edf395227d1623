using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Lifelong;
using Corrections.Editing.Training;

namespace Corrections.Editing.Tests.Lifelong;

/// <summary>
/// A toy shift for the stream tests: blobs for the clean distribution, and the same blobs with their pixels mirrored
/// (x → 1 − x) for the shifted one, which a model trained on the clean blobs gets mostly wrong.
/// </summary>
internal sealed class ToyShift : IDisposable
{
    public ToyShift()
    {
        CleanTrain = TinyModels.Blobs(600, 3, seed: 11);
        CleanTest = TinyModels.Blobs(300, 3, seed: 12);
        ShiftedTrain = Mirrored(TinyModels.Blobs(600, 3, seed: 13));
        ShiftedTest = Mirrored(TinyModels.Blobs(300, 3, seed: 14));
        Start = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 20 }, subset: "head");
        new EditableTrainer(new EditableTrainingOptions { Epochs = 30, BatchSize = 32, LearningRate = 1e-2, Editable = false, CropPadding = 0, HorizontalFlip = false, Seed = 1 }, new UniformEditTargets())
            .Train(Start, CleanTrain);
    }

    public LabeledImages CleanTrain { get; }
    public LabeledImages CleanTest { get; }
    public LabeledImages ShiftedTrain { get; }
    public LabeledImages ShiftedTest { get; }
    public EditableModel Start { get; }

    public StreamData Data => new("toy", ShiftedTrain, ShiftedTest, CleanTest);

    public void Dispose()
    {
        CleanTrain.Dispose();
        CleanTest.Dispose();
        ShiftedTrain.Dispose();
        ShiftedTest.Dispose();
        Start.Dispose();
    }

    /// <summary>The shift: pixels mirrored, x → 1 − x (takes ownership of <paramref name="data"/>).</summary>
    public static LabeledImages Mirrored(LabeledImages data)
    {
        using (data)
        {
            return new LabeledImages(1 - data.Images, data.Labels.clone(), data.ClassNames, "mirrored blobs");
        }
    }
}
