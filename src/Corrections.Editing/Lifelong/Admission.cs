namespace Corrections.Editing.Lifelong;

/// <summary>
/// One consolidation before its <see cref="CleanLimit"/>, decided a version at a time: the first <see cref="Step"/>
/// judges the consolidation itself, each later one the next share of the way, until one keeps the limit or none is
/// left. Owns the candidate and every version it makes: whatever is not <see cref="Take"/>n is disposed with it.
/// </summary>
public sealed class Admission : IDisposable
{
    private readonly CleanLimit _limit;
    private readonly EditableModel _from;
    private readonly Action<EditableModel>? _remember;
    private EditableModel? _candidate;
    private EditableModel? _admitted;
    private int _next = -1;

    internal Admission(CleanLimit limit, EditableModel from, EditableModel candidate, Action<EditableModel>? remember) =>
        (_limit, _from, _candidate, _remember) = (limit, from, candidate, remember);

    /// <summary>Whether a version was admitted or every one tried broke the limit.</summary>
    public bool Decided { get; private set; }

    /// <summary>Tries the next version; nothing once <see cref="Decided"/>.</summary>
    public void Step()
    {
        if (Decided || _candidate is null)
        {
            return;
        }
        if (_next < 0)
        {
            _next = 0;
            if (_limit.Within(_candidate, 1))
            {
                (_admitted, _candidate, Decided) = (_candidate, null, true);
            }
            return;
        }
        if (_next >= _limit.Shares.Count)
        {
            Decided = true;
            return;
        }
        var share = _limit.Shares[_next++];
        EditableModel? partial = Training.WeightInterpolation.Between(_from, _candidate, share);
        try
        {
            _remember?.Invoke(partial);
            if (_limit.Within(partial, share))
            {
                _limit.CountPartWay();
                (_admitted, partial, Decided) = (partial, null, true);
            }
        }
        finally
        {
            partial?.Dispose();
        }
    }

    /// <summary>The admitted version, handed over to the caller; null when none was (or before <see cref="Decided"/>).</summary>
    public EditableModel? Take()
    {
        var admitted = _admitted;
        _admitted = null;
        return admitted;
    }

    public void Dispose()
    {
        _candidate?.Dispose();
        _admitted?.Dispose();
        (_candidate, _admitted) = (null, null);
    }
}
