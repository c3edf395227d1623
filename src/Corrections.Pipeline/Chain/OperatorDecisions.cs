using Corrections.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Chain;

/// <summary>
/// What an operator decides about production, from the CLI and the HTTP API alike: move the alias (a promotion or a
/// rollback) or decide a candidate awaiting approval. Each decision is announced on the bus as the gate's own are, so
/// serving systems and webhooks hear of it. The database records the login that decided, whatever
/// <c>actor</c> says.
/// </summary>
public sealed class OperatorDecisions(ModelRegistrar registrar, CandidateApprovals approvals, Queries.Artifacts artifacts, IPublishEndpoint bus, IOptions<PipelineOptions> options, TimeProvider clock)
{
    /// <param name="model">The model whose production alias moves.</param>
    /// <param name="version">An accepted version.</param>
    /// <param name="rollback">The move must go back (an older version).</param>
    /// <param name="actor">Who decides (the database login), for the announcement.</param>
    /// <param name="reason">Why, for the audit log (required).</param>
    /// <param name="cancellation">Stops the move before it commits.</param>
    public async Task<AliasMoved> MoveAsync(string model, int version, bool rollback, string actor, string reason, CancellationToken cancellation)
    {
        var alias = options.Value.Alias;
        var (from, to) = await registrar.MoveAliasAsync(model, version, actor, reason, cancellation, onlyBack: rollback);
        var moved = new AliasMoved(model, alias, from.Number, to.Number, to.Number < from.Number, reason, actor);
        var now = clock.GetUtcNow();
        var sha256 = await artifacts.Sha256Async(model, moved.ToVersion, cancellation);
        await (moved.Rollback
            ? bus.Publish(new ModelRolledBack
            {
                Model = model,
                Alias = alias,
                FromVersion = moved.FromVersion,
                Version = moved.ToVersion,
                Reason = reason,
                Actor = actor,
                RolledBackAt = now,
                Sha256 = sha256,
            }, cancellation)
            : bus.Publish(new ModelPromoted
            {
                Model = model,
                Alias = alias,
                FromVersion = moved.FromVersion,
                Version = moved.ToVersion,
                Reason = reason,
                Actor = actor,
                PromotedAt = now,
                Sha256 = sha256,
            }, cancellation));
        return moved;
    }

    /// <summary>
    /// Approves a candidate awaiting approval: announced as a promotion, or, when production moved meanwhile, the chain
    /// is woken to edit its reports again.
    /// </summary>
    public async Task<ApprovalOutcome> ApproveAsync(string model, int version, string actor, CancellationToken cancellation)
    {
        var outcome = await approvals.ApproveAsync(model, version, actor, cancellation);
        var now = clock.GetUtcNow();
        await (outcome.Promoted
            ? bus.Publish(new ModelPromoted
            {
                Model = model,
                Alias = options.Value.Alias,
                FromVersion = outcome.ProductionVersion,
                Version = version,
                Reason = "approved after the gate",
                Actor = actor,
                PromotedAt = now,
                Sha256 = await artifacts.Sha256Async(model, version, cancellation),
            }, cancellation)
            : bus.Publish(new ResumeChain { Model = model, At = now }, cancellation));
        return outcome;
    }

    public Task<ApprovalOutcome> RefuseAsync(string model, int version, string reason, string actor, CancellationToken cancellation) =>
        approvals.RefuseAsync(model, version, reason, actor, cancellation);
}
