using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Retraining;
using Corrections.Pipeline.Scheduling;
using Corrections.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Http;

/// <summary>
/// An operator's decisions over HTTP, the CLI's <c>promote</c>, <c>rollback</c>, <c>approve -v</c>, <c>refuse</c> and
/// <c>retrain</c>: the same <see cref="OperatorDecisions"/>, announced on the bus the same way. Every call proves an
/// operator's database login (<see cref="OperatorChallenge"/>) and then connects as it, so the database records that
/// login as the actor and its role decides what it may change. Problem details: 400 a missing reason, 404 no such model
/// or version, 409 a decision the chain's state refuses (not accepted, not awaiting approval, not older, nothing to fold).
/// </summary>
public static class OperatorEndpoints
{
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/v1").AddEndpointFilter(RequireOperatorAsync).WithTags("operators")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        v1.MapGet("/operator", WhoAmI).WithName("GetOperator").Produces<OperatorIdentity>();
        v1.MapPost("/models/{model}/promote", (string model, AliasMoveRequest body, HttpContext http) => MoveAsync(model, body, rollback: false, http))
            .WithName("Promote").Produces<AliasMoved>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapPost("/models/{model}/rollback", (string model, AliasMoveRequest body, HttpContext http) => MoveAsync(model, body, rollback: true, http))
            .WithName("Rollback").Produces<AliasMoved>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapPost("/models/{model}/versions/{number:int}/approve", ApproveAsync).WithName("Approve")
            .Produces<ApprovalOutcome>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapPost("/models/{model}/versions/{number:int}/refuse", RefuseAsync).WithName("Refuse")
            .Produces<ApprovalOutcome>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapPost("/models/{model}/retrain", RetrainAsync).WithName("Retrain")
            .Produces<RetrainAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private const string LoginKey = "corrections.operator";

    private static async ValueTask<object?> RequireOperatorAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (login, refused) = await OperatorChallenge.CheckAsync(http.Request, act: true);
        if (refused is not null)
        {
            return refused;
        }
        http.Items[LoginKey] = login;
        return await next(context);
    }

    // The handlers resolve their services from the request after the filter: only then do they connect as the operator.
    private static T Service<T>(HttpContext http) where T : notnull => http.RequestServices.GetRequiredService<T>();

    private static string Login(HttpContext http) => (string)http.Items[LoginKey]!;

    private static IResult WhoAmI(HttpContext http) => Results.Ok(new OperatorIdentity(Login(http)));

    private static Task<IResult> MoveAsync(string model, AliasMoveRequest body, bool rollback, HttpContext http) =>
        DecideAsync(http, model, body.Version, async cancellation =>
            Results.Ok(await Service<OperatorDecisions>(http).MoveAsync(model, body.Version, rollback, Login(http), body.Reason, cancellation)));

    private static Task<IResult> ApproveAsync(string model, int number, HttpContext http) =>
        DecideAsync(http, model, number, async cancellation =>
            Results.Ok(await Service<OperatorDecisions>(http).ApproveAsync(model, number, Login(http), cancellation)));

    private static Task<IResult> RefuseAsync(string model, int number, RefuseRequest body, HttpContext http) =>
        DecideAsync(http, model, number, async cancellation =>
            Results.Ok(await Service<OperatorDecisions>(http).RefuseAsync(model, number, body.Reason, Login(http), cancellation)));

    private static Task<IResult> RetrainAsync(string model, HttpContext http) => DecideAsync(http, model, number: null, async cancellation =>
    {
        var (waiting, _) = await Service<RetrainingRun>(http).WaitingAsync(model, cancellation);
        if (waiting == 0)
        {
            throw new InvalidOperationException($"Nothing to fold into '{model}': no correction it may fold (applied or backlogged, from a trusted producer or approved) since the last retrain.");
        }
        var trigger = await Service<RetrainingTrigger>(http).TriggerAsync(model, Login(http), cancellation);
        return Results.Accepted($"/v1/models/{Uri.EscapeDataString(model)}/versions", new RetrainAccepted(model, trigger, waiting, Login(http)));
    });

    /// <summary>Answers 404 for a model or version that does not exist, then runs the decision and maps its refusals.</summary>
    private static async Task<IResult> DecideAsync(HttpContext http, string model, int? number, Func<CancellationToken, Task<IResult>> decide)
    {
        var db = Service<RegistryDbContext>(http);
        var cancellation = http.RequestAborted;
        if (await db.ModelAsync(model, cancellation) is not { } registered)
        {
            return RegistryEndpoints.NoModel(model);
        }
        if (number is { } n && !await db.Versions.AnyAsync(v => v.ModelId == registered.Id && v.Number == n, cancellation))
        {
            return RegistryEndpoints.NotFound($"Model '{model}' has no version {n}.");
        }
        try
        {
            return await decide(cancellation);
        }
        catch (ArgumentException e)
        {
            return RegistryEndpoints.BadRequest(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "conflict");
        }
    }
}
