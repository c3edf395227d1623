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

    // A second key space for retraining: a run takes minutes and must not hold the chain lock (edits go on meanwhile).
    private const int RetrainingNamespace = 0x0C0BC;

    /// <summary>
    /// Session-level lock that keeps two retraining runs of one model apart, on any machine; false when one is running.
    /// Held until <see cref="ReleaseRetrainingAsync"/> or until the connection closes (a crashed run frees it).
    /// </summary>
    public static async Task<bool> TryAcquireRetrainingAsync(DbContext db, int modelId, CancellationToken cancellation)
    {
        await db.Database.OpenConnectionAsync(cancellation);
        return await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({RetrainingNamespace}, {modelId}) AS \"Value\"").SingleAsync(cancellation);
    }

    public static async Task ReleaseRetrainingAsync(DbContext db, int modelId)
    {
        await db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({RetrainingNamespace}, {modelId}) AS \"Value\"").SingleAsync();
        await db.Database.CloseConnectionAsync();
    }
}
