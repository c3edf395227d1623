using Corrections.Editing.Evaluation;
using Corrections.Pipeline;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Ingest;
using Corrections.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Corrections.Http;

/// <summary>
/// <c>POST /v1/models/{m}/predict</c>: what a version predicts now, the question monitoring asks to confirm a fix. Inputs
/// are checked exactly as a report's are (the same codes as titles), and the model runs inside the worker's compute gate,
/// beside edits rather than on top of them. Needs a producer's key like every call of the API.
/// </summary>
public static class PredictEndpoints
{
    /// <summary>Most inputs one request may carry.</summary>
    public const int MaxInputs = 64;

    public static RouteGroupBuilder MapPredictEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/models/{model}/predict", PredictAsync).WithName("Predict").WithTags("models")
            .Accepts<PredictRequest>("application/json").Produces<PredictResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    private static async Task<IResult> PredictAsync(
        string model, PredictRequest request, RegistryDbContext db, ModelCache models, ComputeGate gate, IOptions<PipelineOptions> options,
        CancellationToken cancellation)
    {
        if (request.Inputs is not { Count: > 0 and <= MaxInputs })
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-request", $"Send between 1 and {MaxInputs} inputs.");
        }
        if (request.Top is < 1)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-request", "top is 1 or more.");
        }
        var registered = await db.ModelAsync(model, cancellation);
        if (registered is null)
        {
            return Problem(StatusCodes.Status404NotFound, "not-found", $"No model named '{model}' is registered.");
        }
        var version = request.Version is { } number
            ? await db.Versions.AsNoTracking().SingleOrDefaultAsync(v => v.ModelId == registered.Id && v.Number == number, cancellation)
            : await db.AliasTargetAsync(registered.Id, request.Alias ?? options.Value.Alias, cancellation);
        if (version is null)
        {
            return Problem(StatusCodes.Status404NotFound, "not-found",
                request.Version is { } n ? $"Model '{model}' has no version {n}." : $"Model '{model}' has no alias '{request.Alias ?? options.Value.Alias}'.");
        }
        var spec = new ModelInputSpec(registered.InputShape, registered.ClassCount);
        var values = new float[request.Inputs.Count][];
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = ReportValidator.ValidateInput(request.Inputs[i], spec, options.Value.MaxInputBytes).Values;
            }
            catch (InvalidReportException e)
            {
                return Problem(StatusCodes.Status400BadRequest, e.Code, $"Input {i}: {e.Message}");
            }
        }
        var predictions = await gate.RunAsync(() => Predictions.Top(models.Get(version), values, request.Top ?? 3), cancellation);
        return Results.Ok(new PredictResponse(model, version.Number, predictions));
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);
}
