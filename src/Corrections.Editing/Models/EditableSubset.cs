namespace Corrections.Editing.Models;

/// <summary>
/// The parameters an editor may change, chosen by name: <c>all</c>, or a comma list of stage or parameter names
/// (<c>layer3</c>, <c>fc1,head</c>, <c>head.bias</c>). Everything below <see cref="FirstStage"/> is untouched by an
/// edit, so its activations can be computed once and reused by every edit step and every validation pass.
/// </summary>
public sealed class EditableSubset
{
    private EditableSubset(string spec, int[] indices, int firstStage)
    {
        Spec = spec;
        ParameterIndices = indices;
        FirstStage = firstStage;
    }

    public string Spec { get; }
    public IReadOnlyList<int> ParameterIndices { get; }
    public int FirstStage { get; }

    public static EditableSubset All(Architecture architecture) => Parse(architecture, "all");

    public static EditableSubset Parse(Architecture architecture, string spec)
    {
        var tokens = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tokens.Length == 0)
        {
            throw new ArgumentException("The editable subset is empty; use 'all' or stage names such as "
                + string.Join(", ", architecture.Stages.Select(s => s.Name)) + ".");
        }
        var indices = new SortedSet<int>();
        foreach (var token in tokens)
        {
            var matched = Enumerable.Range(0, architecture.Parameters.Count)
                .Where(i => token == "all" || Matches(architecture.Parameters[i].Name, token))
                .ToList();
            if (matched.Count == 0)
            {
                throw new ArgumentException($"'{token}' names no parameter of {architecture.Name}. Stages: "
                    + string.Join(", ", architecture.Stages.Select(s => s.Name)) + ".");
            }
            indices.UnionWith(matched);
        }
        return new EditableSubset(string.Join(',', tokens), [.. indices], architecture.StageOf(indices.Min));
    }

    private static bool Matches(string parameter, string token) =>
        parameter == token || parameter.StartsWith(token + ".", StringComparison.Ordinal);
}
