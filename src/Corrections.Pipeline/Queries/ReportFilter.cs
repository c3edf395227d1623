using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Queries;

/// <summary>Which reports a listing shows (<c>corrections history</c>, <c>GET /v1/reports</c>): newest first, at most <see cref="Limit"/>.</summary>
public sealed record ReportFilter(
    string? Model = null, ReportStatus? Status = null, string? Producer = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 50);
