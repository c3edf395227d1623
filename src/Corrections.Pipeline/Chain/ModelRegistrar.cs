using Corrections.Editing;
using Corrections.Editing.Persistence;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Chain;

/// <summary>
/// Operator actions on a chain: register a trained model (base or retrain), through the gate once the chain has a
/// production version, and move the alias by hand (promote, rollback). Every move is logged with who and why.
/// </summary>
public sealed class ModelRegistrar(RegistryDbContext db, IOptions<PipelineOptions> options, ModelStore store, TimeProvider clock)
{
    /// <summary>
    /// Stores <paramref name="model"/> as the next version of <paramref name="name"/>. The first version of a model is
    /// promoted at once: there is nothing to judge it against. A later one replaces production only through the gate: it
    /// is registered pending, on production as its parent, for the caller to announce (<c>CandidateCreated</c>), unless
    /// <paramref name="overrideReason"/> says why it is promoted without the gate, which the promotion records.
    /// </summary>
    public async Task<Registration> RegisterAsync(string name, EditableModel model, VersionKind kind, string actor, string reason,
        CancellationToken cancellation, string? overrideReason = null)
    {
        if (kind == VersionKind.Edit)
        {
            throw new ArgumentException("Edit versions come from the edit worker; register base or retrain versions.", nameof(kind));
        }
        if (overrideReason is not null && string.IsNullOrWhiteSpace(overrideReason))
        {
            throw new ArgumentException("Promoting without the gate needs a reason for the audit log.", nameof(overrideReason));
        }
        var shape = model.Architecture.InputShape.Select(d => (int)d).ToArray();
        var registered = await db.ModelAsync(name, cancellation);
        if (registered is null)
        {
            registered = new RegisteredModel
            {
                Name = name,
                Architecture = model.Architecture.Name,
                InputShape = shape,
                ClassCount = model.Architecture.ClassCount,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Models.Add(registered);
            await db.SaveChangesAsync(cancellation);
        }
        else if (registered.Architecture != model.Architecture.Name || !registered.InputShape.SequenceEqual(shape) || registered.ClassCount != model.Architecture.ClassCount)
        {
            throw new InvalidOperationException(
                $"Model '{name}' is registered as {registered.Architecture} [{string.Join(", ", registered.InputShape)}] with {registered.ClassCount} classes; this file is {model.Architecture.Name} [{string.Join(", ", shape)}] with {model.Architecture.ClassCount}.");
        }

        var alias = options.Value.Alias;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
        await ChainLock.AcquireAsync(db, registered.Id, cancellation);
        var number = await db.NextNumberAsync(registered.Id, cancellation);
        var current = await db.AliasTargetAsync(registered.Id, alias, cancellation);
        var stored = store.SaveFull(name, number, model);
        var now = clock.GetUtcNow();
        var gated = current is not null && overrideReason is null;
        // The gate measures a candidate against its parent, so a gated version rests on production, whatever its kind.
        var parent = gated || kind == VersionKind.Retrain ? current?.Id : null;
        var version = VersionRecords.Of(registered.Id, number, parent, kind, stored, actor, now, gated ? VersionStatus.Pending : VersionStatus.Accepted);
        db.Versions.Add(version);
        await db.SaveChangesAsync(cancellation);
        if (!gated)
        {
            var why = current is null ? $"{reason} (first version: nothing to judge it against)" : $"{reason}; gate overridden: {overrideReason}";
            await db.MoveAsync(registered.Id, alias, version, actor, why, isRollback: false, now, cancellation);
            await db.SaveChangesAsync(cancellation);
        }
        await transaction.CommitAsync(cancellation);
        return new Registration(version, gated ? current!.Number : null);
    }

    /// <summary>
    /// Points the alias at an accepted version: forward is a promotion, back a rollback. Pending and rejected versions
    /// cannot be promoted: that is what the gate is for. With <paramref name="onlyBack"/> the move must be a rollback
    /// (checked under the chain lock), so a typo cannot silently move production forward.
    /// </summary>
    public async Task<(ModelVersion From, ModelVersion To)> MoveAliasAsync(
        string name, int number, string actor, string reason, CancellationToken cancellation, bool onlyBack = false)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("A promotion or rollback needs a reason for the audit log.", nameof(reason));
        }
        var model = await db.ModelAsync(name, cancellation) ?? throw new InvalidOperationException($"No model named '{name}'.");
        var alias = options.Value.Alias;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellation);
        await ChainLock.AcquireAsync(db, model.Id, cancellation);
        var to = await db.VersionAsync(model.Id, number, cancellation) ?? throw new InvalidOperationException($"Model '{name}' has no version {number}.");
        if (to.Status != VersionStatus.Accepted)
        {
            throw new InvalidOperationException($"v{number} of '{name}' is {to.Status.ToString().ToLowerInvariant()}; only accepted versions can take the '{alias}' alias.");
        }
        var from = await db.AliasTargetAsync(model.Id, alias, cancellation) ?? throw new InvalidOperationException($"Model '{name}' has no '{alias}' alias yet.");
        if (from.Id == to.Id)
        {
            throw new InvalidOperationException($"'{alias}' already points at v{number}.");
        }
        if (onlyBack && number > from.Number)
        {
            throw new InvalidOperationException($"Rollback goes back: {alias} is v{from.Number}, v{number} is not older. Promote to move forward.");
        }
        await db.MoveAsync(model.Id, alias, to, actor, reason, isRollback: to.Number < from.Number, clock.GetUtcNow(), cancellation);
        await db.SaveChangesAsync(cancellation);
        await transaction.CommitAsync(cancellation);
        return (from, to);
    }
}
