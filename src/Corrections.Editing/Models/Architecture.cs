namespace Corrections.Editing.Models;

/// <summary>
/// A classifier as an ordered list of stages. Knows names, shapes and where each stage's weights sit in the flat
/// parameter list; holds no tensors (see <see cref="Network"/>).
/// </summary>
public sealed class Architecture
{
    private readonly int[] _parameterOffsets;
    private readonly int[] _bufferOffsets;

    public Architecture(string name, long[] inputShape, int classCount, IReadOnlyList<Stage> stages)
    {
        Name = name;
        InputShape = inputShape;
        ClassCount = classCount;
        Stages = stages;
        _parameterOffsets = Offsets(stages.Select(s => s.Parameters.Count));
        _bufferOffsets = Offsets(stages.Select(s => s.Buffers.Count));
        Parameters = stages.SelectMany(s => s.Parameters).ToList();
        Buffers = stages.SelectMany(s => s.Buffers).ToList();
        var duplicate = Parameters.Concat(Buffers).GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Architecture {name} names two tensors {duplicate.Key}.");
        }
    }

    public string Name { get; }

    /// <summary>One example's shape, (C, H, W).</summary>
    public long[] InputShape { get; }
    public int ClassCount { get; }
    public IReadOnlyList<Stage> Stages { get; }
    public IReadOnlyList<ParameterSpec> Parameters { get; }
    public IReadOnlyList<ParameterSpec> Buffers { get; }
    public bool HasBatchNorm => Buffers.Count > 0;
    public long ParameterCount => Parameters.Sum(p => p.ElementCount);

    public int ParameterOffset(int stage) => _parameterOffsets[stage];
    public int BufferOffset(int stage) => _bufferOffsets[stage];

    /// <summary>Index of the stage that owns parameter <paramref name="parameterIndex"/>.</summary>
    public int StageOf(int parameterIndex)
    {
        for (var s = Stages.Count - 1; s >= 0; s--)
        {
            if (parameterIndex >= _parameterOffsets[s])
            {
                return s;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(parameterIndex));
    }

    /// <summary>Shape of one example's activation entering stage <paramref name="stage"/>.</summary>
    public long[] ActivationShape(int stage)
    {
        var shape = InputShape;
        for (var s = 0; s < stage; s++)
        {
            shape = Stages[s].OutputShape(shape);
        }
        return shape;
    }

    private static int[] Offsets(IEnumerable<int> counts)
    {
        var offsets = new List<int>();
        var total = 0;
        foreach (var count in counts)
        {
            offsets.Add(total);
            total += count;
        }
        return [.. offsets];
    }
}
