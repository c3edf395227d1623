using Corrections.Editing.Data;
using Corrections.Editing.Shifts;
using static TorchSharp.torch;

namespace Corrections.Editing.Tests.Shifts;

public class When_a_shift_is_generated
{
    private static LabeledImages Clean(int count = 12)
    {
        // Bright blocks on a dark ground, quantised like Fashion-MNIST's bytes.
        using var generator = new Generator(7);
        var images = rand([count, 1, 28, 28], generator: generator).mul(0.3);
        images.narrow(2, 8, 12).narrow(3, 6, 16).add_(0.6);
        var quantised = images.clamp(0, 1).mul(255).round().div(255);
        return new LabeledImages(quantised, arange(count, ScalarType.Int64).remainder(10), FashionMnist.ClassNames, "blocks");
    }

    public static TheoryData<ShiftFamily> Families => [.. Enum.GetValues<ShiftFamily>()];

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_give_the_same_bytes_for_the_same_seed_and_other_bytes_for_another(ShiftFamily family)
    {
        using var clean = Clean();
        using var first = ImageShifts.Apply(family, clean, seed: 3);
        using var again = ImageShifts.Apply(family, clean, seed: 3);
        using var other = ImageShifts.Apply(family, clean, seed: 4);

        Assert.True(first.Images.eq(again.Images).all().item<bool>());
        Assert.False(first.Images.eq(other.Images).all().item<bool>());
        Assert.Equal(clean.LabelValues(), first.LabelValues());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_change_every_image_and_stay_in_byte_steps(ShiftFamily family)
    {
        using var clean = Clean();
        using var shifted = ImageShifts.Apply(family, clean, seed: 3);

        using var changed = (shifted.Images - clean.Images).abs().flatten(1).sum(1);
        Assert.All(changed.data<float>().ToArray(), c => Assert.True(c > 1, $"{family} left an image (almost) unchanged: {c}"));
        using var steps = shifted.Images.mul(255);
        Assert.True(steps.sub(steps.round()).abs().max().item<float>() < 1e-3);
        Assert.True(shifted.Images.min().item<float>() >= 0 && shifted.Images.max().item<float>() <= 1);
    }

    [Fact]
    public void Should_read_back_exactly_from_the_idx_files_it_writes()
    {
        using var directory = new TemporaryDirectory();
        using var clean = Clean();
        using var train = ImageShifts.Apply(ShiftFamily.Fog, clean, seed: 1);
        using var test = ImageShifts.Apply(ShiftFamily.Fog, clean, seed: 2);

        FashionMnist.Write(directory.Path, train, test);
        using var readTrain = FashionMnist.Load(directory.Path, DatasetSplit.Train);
        using var readTest = FashionMnist.Load(directory.Path, DatasetSplit.Test);

        Assert.True(readTrain.Images.eq(train.Images).all().item<bool>());
        Assert.True(readTest.Images.eq(test.Images).all().item<bool>());
        Assert.Equal(test.LabelValues(), readTest.LabelValues());
    }

    [Fact]
    public void Should_refuse_an_unknown_family_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageShifts.Parse("snow"));
        Assert.Contains("fog", error.Message);
    }
}
