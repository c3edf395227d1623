using Corrections.Editing.Editors;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Training;

public class When_edit_targets_are_drawn
{
    [Fact]
    public void Should_never_draw_the_current_prediction_when_uniform()
    {
        using var generator = new Generator(1);
        using var logits = randn([500, 10], generator: generator);
        using var labels = zeros(500, dtype: int64);

        using var targets = new UniformEditTargets().Draw(logits, labels, generator);

        using var predicted = logits.argmax(1);
        Assert.Equal(0, predicted.eq(targets).sum().item<long>());
        Assert.Equal(10, targets.unique().Item1.shape[0]);
    }

    [Fact]
    public void Should_follow_the_rank_histogram_of_a_reference_models_mistakes_when_natural()
    {
        using var model = TinyModels.Create(new EditorOptions(), seed: 3, classes: 4);
        using var data = TinyModels.Blobs(400, 4, seed: 8);

        var natural = NaturalEditTargets.FromReference(model.Network, data, model.Preprocess);

        Assert.Equal(0, natural.RankProbabilities[0]);
        Assert.Equal(1, natural.RankProbabilities.Sum(), 6);
        using var generator = new Generator(2);
        using var logits = randn([300, 4], generator: generator);
        using var targets = natural.Draw(logits, zeros(300, dtype: int64), generator);
        using var ranks = logits.argsort(1, descending: true).eq(targets.unsqueeze(1)).to(int64).argmax(1);
        var drawn = ranks.data<long>().ToArray();
        Assert.DoesNotContain(0L, drawn);
        for (var rank = 1; rank < 4; rank++)
        {
            if (natural.RankProbabilities[rank] == 0)
            {
                Assert.DoesNotContain((long)rank, drawn);
            }
        }
    }
}
