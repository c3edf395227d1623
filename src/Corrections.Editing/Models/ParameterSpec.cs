namespace Corrections.Editing.Models;

/// <summary>A named tensor of a network, e.g. <c>layer3.0.conv1.weight</c>; <see cref="FanIn"/> drives initialisation.</summary>
public sealed record ParameterSpec(string Name, long[] Shape, ParameterInit Init, long FanIn, long FanOut)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
