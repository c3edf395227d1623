using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Chain;

/// <summary>Moves an alias and appends the move to the promotion log, in the caller's transaction (under the chain lock).</summary>
public static class AliasMove
{
    public static async Task<Promotion> MoveAsync(
        this RegistryDbContext db, int modelId, string alias, ModelVersion to, string actor, string reason, bool isRollback, DateTimeOffset at, CancellationToken cancellation)
    {
        var current = await db.Aliases.SingleOrDefaultAsync(a => a.ModelId == modelId && a.Name == alias, cancellation);
        long? from = current?.VersionId;
        if (current is null)
        {
            db.Aliases.Add(new ModelAlias { ModelId = modelId, Name = alias, VersionId = to.Id, UpdatedAt = at });
        }
        else
        {
            current.VersionId = to.Id;
            current.UpdatedAt = at;
        }
        var promotion = new Promotion
        {
            ModelId = modelId,
            Alias = alias,
            FromVersionId = from,
            ToVersionId = to.Id,
            IsRollback = isRollback,
            Reason = reason,
            Actor = actor,
            At = at,
        };
        db.Promotions.Add(promotion);
        return promotion;
    }
}
