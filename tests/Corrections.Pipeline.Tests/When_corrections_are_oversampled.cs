using Corrections.Pipeline.Retraining;

namespace Corrections.Pipeline.Tests;

public class When_corrections_are_oversampled
{
    private static readonly RetrainingOptions Defaults = new();

    [Theory]
    [InlineData(340, 60_000, 100)]   // the benchmark's chain: 34,000 copies fit beside 60,000 images
    [InlineData(1_000, 60_000, 60)]
    [InlineData(9_400, 60_000, 6)]   // a burst's deferred reports: 56,400 copies, not 940,000
    [InlineData(100_000, 60_000, 1)] // more corrections than training images: each once
    public void Should_keep_the_copies_within_the_share_of_the_training_set(int corrections, int trainingImages, int copies) =>
        Assert.Equal(copies, Defaults.CopiesFor(corrections, trainingImages));

    [Fact]
    public void Should_never_exceed_the_configured_copies() =>
        Assert.Equal(20, new RetrainingOptions { Oversample = 20 }.CopiesFor(10, 60_000));

    [Theory]
    [InlineData(340, 340, 1.0, 100)]   // one producer, default share: the overall budget alone decides
    [InlineData(340, 300, 0.1, 20)]    // a producer that sent 300 of 340 may add 6,000 images at a 10 % share
    [InlineData(340, 40, 0.1, 100)]    // the others keep their full copies
    [InlineData(340, 9_000, 0.1, 1)]   // never below one copy
    public void Should_cap_the_share_of_one_producer_in_the_training_mix(int corrections, int fromProducer, double share, int copies) =>
        Assert.Equal(copies, new RetrainingOptions { MaxProducerShare = share }.CopiesFor(corrections, fromProducer, 60_000));
}
