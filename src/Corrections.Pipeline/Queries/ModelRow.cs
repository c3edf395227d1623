namespace Corrections.Pipeline.Queries;

/// <summary>A registered model: its architecture, how many versions it has, and which one each alias names.</summary>
public sealed record ModelRow(
    string Name, string Architecture, IReadOnlyList<int> InputShape, int ClassCount, DateTimeOffset CreatedAt, int Versions,
    IReadOnlyDictionary<string, int> Aliases);
