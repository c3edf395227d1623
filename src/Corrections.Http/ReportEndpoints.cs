using Corrections.Contracts;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Corrections.Http;

/// <summary>
/// <c>POST /v1/reports</c>: a <see cref="MisclassificationReported"/> as JSON (byte arrays in base64), published to the
/// broker unchanged and answered with 202. Only the envelope is checked here; ingest does every other check and records
/// a rejection like any other, so the two entry points cannot drift apart.
/// </summary>
public static class ReportEndpoints
{
    public const string Path = "/v1/reports";

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, async (MisclassificationReported? report, IPublishEndpoint bus, CancellationToken cancellation) =>
        {
            if (report is null || report.Input is null || string.IsNullOrEmpty(report.Model))
            {
                return Results.Problem("A report needs at least Model and Input; see the MisclassificationReported contract.", statusCode: StatusCodes.Status400BadRequest);
            }
            if (report.ReportId == Guid.Empty)
            {
                return Results.Problem("ReportId must be set: it is the idempotency key that makes a retried POST harmless.", statusCode: StatusCodes.Status400BadRequest);
            }
            await bus.Publish(report, cancellation);
            return Results.Accepted($"{Path}/{report.ReportId}", new { report.ReportId, Status = "published" });
        });
        return routes;
    }
}
