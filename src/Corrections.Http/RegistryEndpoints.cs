using Corrections.Pipeline.Producers;
using Corrections.Pipeline.Queries;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Http;

/// <summary>
/// The registry's reads over HTTP, from the same queries as the CLI (<see cref="RegistryQueries"/>). Every call needs a
/// producer's API key (401 without, 403 revoked) or an operator's login (<see cref="OperatorChallenge"/>). A producer
/// sees its own reports only (another's is 404, as if absent), an operator every report; models, versions and aliases
/// are open to both. Errors are problem details.
/// </summary>
public static class RegistryEndpoints
{
    /// <summary>Most versions one page holds.</summary>
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/v1").AddEndpointFilter(RequireCallerAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        v1.MapGet("/reports/{id:guid}", GetReportAsync).WithName("GetReport").WithTags("reports")
            .Produces<ReportRow>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/reports", ListReportsAsync).WithName("ListReports").WithTags("reports")
            .Produces<IReadOnlyList<ReportRow>>().ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/models", ListModelsAsync).WithName("ListModels").WithTags("models").Produces<IReadOnlyList<ModelRow>>();
        v1.MapGet("/models/{model}", GetModelAsync).WithName("GetModel").WithTags("models")
            .Produces<ModelRow>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/models/{model}/versions", ListVersionsAsync).WithName("ListVersions").WithTags("models")
            .Produces<VersionPage>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/models/{model}/versions/{number:int}", GetVersionAsync).WithName("GetVersion").WithTags("models")
            .Produces<VersionDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/models/{model}/backlog", GetBacklogAsync).WithName("GetBacklog").WithTags("models")
            .Produces<Backlog>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/models/{model}/aliases/{alias}", GetAliasAsync).WithName("GetAlias").WithTags("models")
            .Produces<AliasTarget>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/models/{model}/versions/{number:int}/artifact", GetArtifactAsync).WithName("GetArtifact").WithTags("models")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/models/{model}/aliases/{alias}/artifact", GetAliasArtifactAsync).WithName("GetAliasArtifact").WithTags("models")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapPredictEndpoints();
        return routes;
    }

    private const string CallerKey = "corrections.caller";

    private static async ValueTask<object?> RequireCallerAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (OperatorChallenge.Claims(http.Request))
        {
            var (login, refused) = await OperatorChallenge.CheckAsync(http.Request, act: false);
            if (refused is not null)
            {
                return refused;
            }
            http.Items[CallerKey] = new Caller(null, login);
            return await next(context);
        }
        var producers = http.RequestServices.GetRequiredService<ProducerDirectory>();
        var (caller, refusal) = await ProducerChallenge.CheckAsync(http.Request, producers, allowAnonymous: false, http.RequestAborted);
        if (refusal is not null)
        {
            return refusal;
        }
        http.Items[CallerKey] = new Caller(caller.Producer!.Name, null);
        return await next(context);
    }

    private static Caller Of(HttpContext http) => (Caller)http.Items[CallerKey]!;

    private static async Task<IResult> GetReportAsync(Guid id, HttpContext http, RegistryDbContext db, CancellationToken cancellation) =>
        await db.ReportAsync(id, cancellation) is { } report && (Of(http).ReportsOf is not { } producer || report.Producer == producer)
            ? Results.Ok(report)
            : NotFound($"No report {id} of yours: it was never received from this producer (a rejected one is stored too).");

    private static async Task<IResult> ListReportsAsync(
        HttpContext http, RegistryDbContext db, string? model, string? status, DateTimeOffset? since, DateTimeOffset? until, int? limit,
        CancellationToken cancellation)
    {
        ReportStatus? parsed = null;
        if (status is not null)
        {
            if (!Enum.TryParse<ReportStatus>(status, ignoreCase: true, out var value) || int.TryParse(status, out _))
            {
                return BadRequest($"status is one of {string.Join(", ", Enum.GetNames<ReportStatus>()).ToLowerInvariant()}, not '{status}'.");
            }
            parsed = value;
        }
        if (limit is < 1 or > MaxPageSize)
        {
            return BadRequest($"limit is between 1 and {MaxPageSize}.");
        }
        return Results.Ok(await db.ReportsAsync(new ReportFilter(model, parsed, Of(http).ReportsOf, since, until, limit ?? 50), cancellation));
    }

    private static async Task<IResult> ListModelsAsync(RegistryDbContext db, CancellationToken cancellation) =>
        Results.Ok(await db.ModelsAsync(cancellation));

    private static async Task<IResult> GetModelAsync(string model, RegistryDbContext db, CancellationToken cancellation) =>
        await db.ModelRowAsync(model, cancellation) is { } row ? Results.Ok(row) : NoModel(model);

    private static async Task<IResult> ListVersionsAsync(string model, RegistryDbContext db, int? page, int? size, CancellationToken cancellation)
    {
        if (page is < 1 || size is < 1 or > MaxPageSize)
        {
            return BadRequest($"page is 1 or more, size between 1 and {MaxPageSize}.");
        }
        if (await db.VersionsAsync(model, cancellation) is not { } versions)
        {
            return NoModel(model);
        }
        var (p, s) = (page ?? 1, size ?? 100);
        return Results.Ok(new VersionPage(p, s, versions.Count, [.. versions.Skip((p - 1) * s).Take(s)]));
    }

    private static async Task<IResult> GetVersionAsync(string model, int number, RegistryDbContext db, CancellationToken cancellation) =>
        await db.VersionAsync(model, number, cancellation) is { } version
            ? Results.Ok(version)
            : await db.ModelRowAsync(model, cancellation) is null ? NoModel(model) : NotFound($"Model '{model}' has no version {number}.");

    private static async Task<IResult> GetBacklogAsync(string model, RegistryDbContext db, CancellationToken cancellation) =>
        await db.BacklogAsync(model, cancellation) is { } backlog ? Results.Ok(backlog) : NoModel(model);

    private static async Task<IResult> GetAliasAsync(string model, string alias, RegistryDbContext db, CancellationToken cancellation)
    {
        if (await db.ModelRowAsync(model, cancellation) is not { } row)
        {
            return NoModel(model);
        }
        if (!row.Aliases.TryGetValue(alias, out var number))
        {
            return NotFound($"Model '{model}' has no alias '{alias}'.");
        }
        var version = await db.VersionAsync(model, number, cancellation);
        return Results.Ok(new AliasTarget(model, alias, number, version!.Sha256, version.Summary.Kind, version.Summary.Status));
    }

    /// <summary>
    /// The version's model file, whole, as <c>.ctm</c> (default) or safetensors; its SHA-256 is the ETag, so a client
    /// that has it gets 304 on <c>If-None-Match</c>.
    /// </summary>
    private static async Task<IResult> GetArtifactAsync(string model, int number, string? format, Artifacts artifacts, RegistryDbContext db, CancellationToken cancellation)
    {
        if (Format(format) is not { } parsed)
        {
            return BadRequest($"format is ctm or safetensors, not '{format}'.");
        }
        if (await artifacts.MaterialiseAsync(model, number, parsed, cancellation) is not { } artifact)
        {
            return await db.ModelRowAsync(model, cancellation) is null ? NoModel(model) : NotFound($"Model '{model}' has no version {number}.");
        }
        return Results.File(artifact.Path, "application/octet-stream", artifact.FileName,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{artifact.Sha256}\""));
    }

    private static async Task<IResult> GetAliasArtifactAsync(string model, string alias, string? format, Artifacts artifacts, RegistryDbContext db, CancellationToken cancellation)
    {
        if (await db.ModelRowAsync(model, cancellation) is not { } row)
        {
            return NoModel(model);
        }
        return row.Aliases.TryGetValue(alias, out var number)
            ? await GetArtifactAsync(model, number, format, artifacts, db, cancellation)
            : NotFound($"Model '{model}' has no alias '{alias}'.");
    }

    private static ArtifactFormat? Format(string? format) => format?.ToLowerInvariant() switch
    {
        null or "ctm" => ArtifactFormat.Ctm,
        "safetensors" => ArtifactFormat.Safetensors,
        _ => null,
    };

    internal static IResult NoModel(string model) => NotFound($"No model named '{model}' is registered.");

    internal static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "not-found");

    internal static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "bad-request");
}
