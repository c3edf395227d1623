using Corrections.Editing.Correcting;
using Corrections.Editing.Editors;
using Corrections.Editing.Evaluation;

namespace Corrections.Editing.Tests.Evaluation;

public class When_validation_reuses_features
{
    [Fact]
    public void Should_measure_an_edit_from_its_trained_versions_features()
    {
        using var trained = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 50 }, subset: "head", seed: 1);
        using var data = TinyModels.Blobs(200, 3, seed: 8);
        var predicted = Metrics.Predictions(trained, data);
        var fix = new CorrectionSet([1, 4, 4]).Add(data.ImageValues(0), (predicted[0] + 1) % 3);
        using var candidate = ChainEditor.Edit(trained, fix, new CorrectionSet([1, 4, 4]));
        using var features = new ValidationFeatures();

        var trainedError = features.ErrorRate("blobs", data, 1, trained, 1, trained);
        var editError = features.ErrorRate("blobs", data, 2, candidate.Model!, 1, trained);

        Assert.Equal(1, features.FeatureComputations);
        Assert.Equal(Metrics.ErrorRate(trained, data), trainedError);
        Assert.Equal(Metrics.ErrorRate(candidate.Model!, data), editError, 12);
    }

    [Fact]
    public void Should_measure_a_version_with_other_frozen_weights_by_a_full_pass()
    {
        // The gate once measured a retrain's parent from the retrain's features (both have the same editable subset):
        // the parent's head on the retrain's lower stages, an error of neither model.
        using var retrain = TinyModels.Create(new EditorOptions(), subset: "head", seed: 1);
        using var parent = TinyModels.Create(new EditorOptions(), subset: "head", seed: 2);
        using var data = TinyModels.Blobs(200, 3, seed: 9);
        using var features = new ValidationFeatures();
        features.ErrorRate("blobs", data, 10, retrain, 10, retrain);

        var parentError = features.ErrorRate("blobs", data, 9, parent, 10, retrain);

        Assert.Equal(Metrics.ErrorRate(parent, data), parentError, 12);
        Assert.False(parent.SharesFeaturesWith(retrain));
    }

    [Fact]
    public void Should_share_features_between_a_version_and_its_edits_only()
    {
        using var trained = TinyModels.Create(new EditorOptions { LearningRate = 0.5, MaxSteps = 50 }, subset: "head", seed: 3);
        using var other = TinyModels.Create(new EditorOptions(), subset: "head", seed: 4);
        using var data = TinyModels.Blobs(20, 3, seed: 10);
        var fix = new CorrectionSet([1, 4, 4]).Add(data.ImageValues(0), (Metrics.Predictions(trained, data)[0] + 1) % 3);
        using var edit = ChainEditor.Edit(trained, fix, new CorrectionSet([1, 4, 4]));

        Assert.True(edit.Model!.SharesFeaturesWith(trained));
        Assert.False(other.SharesFeaturesWith(trained));
    }
}
