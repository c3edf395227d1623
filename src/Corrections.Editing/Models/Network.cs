using TorchSharp;
using static TorchSharp.torch;

namespace Corrections.Editing.Models;

/// <summary>
/// The tensors of an <see cref="Architecture"/>: trainable parameters (leaves) and BatchNorm buffers. Its forward is
/// functional: pass another parameter list (an editor's θ̂) and the network runs on it without being changed.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _buffers;

    static Network() => NativeRuntime.Prepare();

    private Network(Architecture architecture, Tensor[] parameters, Tensor[] buffers)
    {
        Architecture = architecture;
        _parameters = parameters;
        _buffers = buffers;
    }

    public Architecture Architecture { get; }
    public IReadOnlyList<Tensor> Parameters => _parameters;
    public IReadOnlyList<Tensor> Buffers => _buffers;
    public Device Device => _parameters[0].device;

    /// <summary>A freshly initialised network; the same seed gives the same weights.</summary>
    public static Network Create(Architecture architecture, long seed, Device? device = null)
    {
        using var generator = new Generator((ulong)seed);
        // Every parameter a leaf that requires grad, whatever its initialisation: BatchNorm's ones and zeros did not, so
        // a fresh ResNet's BN layers were never trained and Editable Training's autograd.grad aborted on them.
        var parameters = architecture.Parameters.Select(spec => Initialise(spec, generator).requires_grad_(true)).ToArray();
        var buffers = architecture.Buffers.Select(spec => Initialise(spec, generator).requires_grad_(false)).ToArray();
        var network = new Network(architecture, parameters, buffers);
        return device is null ? network : network.To(device);
    }

    /// <summary>Wraps existing tensors (e.g. read from a file); validates names and shapes before any tensor op.</summary>
    public static Network FromTensors(Architecture architecture, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> buffers)
    {
        CheckShapes("parameter", architecture.Parameters, parameters);
        CheckShapes("buffer", architecture.Buffers, buffers);
        var leaves = parameters.Select(p => Copy(p).requires_grad_(true)).ToArray();
        var state = buffers.Select(Copy).ToArray();
        return new Network(architecture, leaves, state);
    }

    /// <summary>
    /// A detached copy, its temporary held until the clone has returned. As <c>p.detach().clone()</c>, outside a dispose
    /// scope (a model cloned for an edit), the detached temporary was unreachable once its handle was read, and the
    /// finalizer thread freed it mid-clone: the worker died of a segfault in <c>THSTensor_clone</c> (caught under gdb
    /// during bench/models.sh). The rule in <see cref="NativeRuntime"/> holds for temporary tensors as for Scalars.
    /// </summary>
    private static Tensor Copy(Tensor t)
    {
        using var detached = t.detach();
        return detached.clone();
    }

    public Network To(Device device)
    {
        if (ComputeDevice.Same(Device, device))
        {
            return this;
        }
        using var scope = NewDisposeScope();
        var moved = FromTensors(Architecture, _parameters.Select(p => p.to(device)).ToArray(), _buffers.Select(b => b.to(device)).ToArray());
        // FromTensors copies again; the scope frees the intermediate copies, which on a GPU would hold its memory
        // until the finalizer ran.
        foreach (var t in moved.Parameters.Concat(moved.Buffers))
        {
            t.DetachFromDisposeScope();
        }
        Dispose();
        return moved;
    }

    public Network Clone() => FromTensors(Architecture, _parameters, _buffers);

    /// <summary>
    /// Runs stages [<paramref name="fromStage"/>, <paramref name="toStage"/>) on <paramref name="input"/>, which must be
    /// the activation entering <paramref name="fromStage"/>. <paramref name="parameters"/> replaces the network's own.
    /// </summary>
    public Tensor Forward(Tensor input, StatisticsMode mode = StatisticsMode.Running, IReadOnlyList<Tensor>? parameters = null, int fromStage = 0, int? toStage = null)
    {
        var weights = parameters ?? _parameters;
        var end = toStage ?? Architecture.Stages.Count;
        var x = input;
        for (var s = fromStage; s < end; s++)
        {
            var stageWeights = new StageWeights(weights, Architecture.ParameterOffset(s), _buffers, Architecture.BufferOffset(s));
            var next = Architecture.Stages[s].Forward(x, stageWeights, mode);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }
            x = next;
        }
        return ReferenceEquals(x, input) ? input.alias() : x;
    }

    /// <summary>
    /// Batch size for evaluation passes. Large enough to keep both cores busy, small enough that a conv activation
    /// (256 × 32 × 28 × 28 floats ≈ 26 MB) stays under glibc's 32 MB mmap threshold: at 1,000 images every batch's
    /// activations were mmapped and page-faulted afresh, and a test-set pass took 3.5 s instead of 1.3 s.
    /// </summary>
    public const int EvaluationBatch = 256;

    /// <summary>Logits for a whole data set in evaluation mode, batch by batch, without building a graph.</summary>
    public Tensor Logits(Tensor inputs, int batchSize = EvaluationBatch, IReadOnlyList<Tensor>? parameters = null, int fromStage = 0, int? toStage = null)
    {
        using var _ = no_grad();
        if (inputs.shape[0] == 0)
        {
            using var none = inputs.to(Device);
            return Forward(none, StatisticsMode.Running, parameters, fromStage, toStage);
        }
        var chunks = new List<Tensor>();
        for (long start = 0; start < inputs.shape[0]; start += batchSize)
        {
            using var batch = inputs.narrow(0, start, Math.Min(batchSize, inputs.shape[0] - start)).to(Device);
            chunks.Add(Forward(batch, StatisticsMode.Running, parameters, fromStage, toStage));
        }
        var all = cat(chunks, 0);
        chunks.ForEach(c => c.Dispose());
        return all;
    }

    /// <summary>Overwrites this network's weights with <paramref name="source"/>'s (same architecture).</summary>
    public void CopyFrom(Network source)
    {
        using var _ = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i].copy_(source._parameters[i]);
        }
        for (var i = 0; i < _buffers.Length; i++)
        {
            _buffers[i].copy_(source._buffers[i]);
        }
    }

    /// <summary>Writes edited values into the parameters named by <paramref name="indices"/>.</summary>
    public void Assign(IReadOnlyList<int> indices, IReadOnlyList<Tensor> values)
    {
        using var _ = no_grad();
        for (var k = 0; k < indices.Count; k++)
        {
            _parameters[indices[k]].copy_(values[k]);
        }
    }

    public void Dispose()
    {
        foreach (var t in _parameters.Concat(_buffers))
        {
            t.Dispose();
        }
    }

    private static Tensor Initialise(ParameterSpec spec, Generator generator) => spec.Init switch
    {
        ParameterInit.Ones => ones(spec.Shape),
        ParameterInit.Zeros => zeros(spec.Shape),
        ParameterInit.UniformFanIn => UniformFanIn(spec, generator),
        ParameterInit.KaimingNormalFanOut => KaimingNormalFanOut(spec, generator),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Init, null),
    };

    // Scalars held for the native calls (see NativeRuntime), hence methods of their own.
    private static Tensor UniformFanIn(ParameterSpec spec, Generator generator)
    {
        using var two = 2.ToScalar();
        using var one = 1.ToScalar();
        using var bound = (1.0 / Math.Sqrt(spec.FanIn)).ToScalar();
        return rand(spec.Shape, generator: generator).mul(two).sub(one).mul_(bound);
    }

    private static Tensor KaimingNormalFanOut(ParameterSpec spec, Generator generator)
    {
        using var std = Math.Sqrt(2.0 / spec.FanOut).ToScalar();
        return randn(spec.Shape, generator: generator).mul_(std);
    }

    private static void CheckShapes(string kind, IReadOnlyList<ParameterSpec> specs, IReadOnlyList<Tensor> tensors)
    {
        if (specs.Count != tensors.Count)
        {
            throw new ArgumentException($"Expected {specs.Count} {kind} tensors, got {tensors.Count}.");
        }
        for (var i = 0; i < specs.Count; i++)
        {
            if (!specs[i].Shape.SequenceEqual(tensors[i].shape))
            {
                throw new ArgumentException($"{kind} {specs[i].Name}: expected shape [{string.Join(", ", specs[i].Shape)}], got [{string.Join(", ", tensors[i].shape)}].");
            }
        }
    }
}
