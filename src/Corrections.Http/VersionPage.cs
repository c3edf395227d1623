using Corrections.Pipeline.Queries;

namespace Corrections.Http;

/// <summary>One page of a model's versions, oldest first: page <see cref="Page"/> of <see cref="Size"/>, of <see cref="Total"/>.</summary>
public sealed record VersionPage(int Page, int Size, int Total, IReadOnlyList<VersionRow> Versions);
