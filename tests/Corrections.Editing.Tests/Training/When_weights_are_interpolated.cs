using Corrections.Editing.Editors;
using Corrections.Editing.Training;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Training;

public class When_weights_are_interpolated
{
    [Fact]
    public void Should_lie_the_share_of_the_way_from_one_to_the_other()
    {
        using var from = TinyModels.Create(new EditorOptions(), seed: 1);
        using var to = TinyModels.Create(new EditorOptions(), seed: 2);
        using var half = WeightInterpolation.Between(from, to, 0.5);
        using var whole = WeightInterpolation.Between(from, to, 1);

        for (var i = 0; i < to.Network.Parameters.Count; i++)
        {
            using var scope = NewDisposeScope();
            var expected = from.Network.Parameters[i].add(to.Network.Parameters[i]).div(2);
            Assert.True(half.Network.Parameters[i].allclose(expected, rtol: 1e-5, atol: 1e-6), $"parameter {i} is not halfway");
            // from + 1 · (to − from) is the target up to float rounding.
            Assert.True(whole.Network.Parameters[i].allclose(to.Network.Parameters[i], rtol: 1e-5, atol: 1e-6), $"parameter {i} is not the target's");
        }
        Assert.Null(half.Memory);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void Should_refuse_a_share_outside_the_way(double share)
    {
        using var from = TinyModels.Create(new EditorOptions(), seed: 1);
        using var to = TinyModels.Create(new EditorOptions(), seed: 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => WeightInterpolation.Between(from, to, share));
    }
}
