using Microsoft.EntityFrameworkCore;

namespace Corrections.Pipeline.Chain;

/// <summary>
/// The one-writer-per-chain rule: a transaction-scoped Postgres advisory lock per model, taken before reading the head
/// and held until the new version (or alias move) commits. Workers on other machines wait on the same lock; the unique
/// (model, number) index stays as the backstop.
/// </summary>
public static class ChainLock
{
    // First key of the two-key advisory lock space, so the model id cannot collide with other users of advisory locks.
    private const int Namespace = 0x0C0BB;

    public static async Task AcquireAsync(DbContext db, int modelId, CancellationToken cancellation)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The chain lock is transaction-scoped: begin a transaction first.");
        }
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Namespace}, {modelId})", cancellation);
    }
}
