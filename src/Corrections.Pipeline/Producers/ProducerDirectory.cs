using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Producers;

/// <summary>
/// The producers table: add (with a fresh API key, shown once), list, change trust, revoke, and authenticate a key. The
/// CLI and the HTTP API share it, so there is one copy of these rules.
/// </summary>
public sealed partial class ProducerDirectory(RegistryDbContext db, IOptions<ProducerOptions> options, TimeProvider clock)
{
    /// <summary>A producer's name doubles as its broker user name, so it keeps to what both accept.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Adds a producer and returns its API key, which is stored only as a hash: this is the one time it is seen.</summary>
    /// <exception cref="ProducerException">The name is malformed or taken.</exception>
    public async Task<(Producer Producer, string ApiKey)> AddAsync(
        string name, ProducerTrust trust, int? reportsPerHour, int? reportsPerLabelPerHour, string actor, CancellationToken cancellation)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ProducerException($"'{name}' is not a producer name: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit (it is also the producer's broker user).");
        }
        if (reportsPerHour is < 1 || reportsPerLabelPerHour is < 1)
        {
            throw new ProducerException("Quotas are at least 1 report per hour.");
        }
        if (await db.Producers.AnyAsync(p => p.Name == name, cancellation))
        {
            throw new ProducerException($"A producer named '{name}' exists already (revoked producers keep their name for the audit).");
        }
        var key = ApiKeys.New();
        var producer = new Producer
        {
            Name = name,
            Trust = trust,
            ApiKeyHash = ApiKeys.Hash(key),
            ApiKeyPrefix = ApiKeys.Prefix(key),
            ReportsPerHour = reportsPerHour ?? options.Value.DefaultReportsPerHour,
            ReportsPerLabelPerHour = reportsPerLabelPerHour ?? options.Value.DefaultReportsPerLabelPerHour,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = actor,
        };
        db.Producers.Add(producer);
        await db.SaveChangesAsync(cancellation);
        return (producer, key);
    }

    public async Task<IReadOnlyList<Producer>> ListAsync(CancellationToken cancellation) =>
        await db.Producers.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellation);

    public Task<Producer?> FindAsync(string name, CancellationToken cancellation) =>
        db.Producers.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellation);

    /// <exception cref="ProducerException">No such producer, or it is revoked.</exception>
    public async Task<Producer> SetTrustAsync(string name, ProducerTrust trust, CancellationToken cancellation)
    {
        var producer = await ActiveAsync(name, cancellation);
        producer.Trust = trust;
        await db.SaveChangesAsync(cancellation);
        return producer;
    }

    /// <summary>
    /// Revokes a producer: its key and broker identity are refused from now on, and its reports still held are refused
    /// (<c>producer-revoked</c>). Its corrections already in production stay there: taking them out is a rollback, for now
    /// an operator's decision (`corrections history --producer`, then `corrections rollback`).
    /// </summary>
    /// <returns>The producer and how many of its held reports were refused.</returns>
    /// <exception cref="ProducerException">No such producer, or it is revoked already.</exception>
    public async Task<(Producer Producer, int Refused)> RevokeAsync(string name, string reason, string actor, CancellationToken cancellation)
    {
        var producer = await ActiveAsync(name, cancellation);
        (producer.RevokedAt, producer.RevokedBy, producer.RevokedReason) = (clock.GetUtcNow(), actor, reason);
        var held = await db.Reports.Where(r => r.Producer == name && r.Status == ReportStatus.Held).ToListAsync(cancellation);
        foreach (var report in held)
        {
            report.Reject($"producer-revoked: {name} was revoked by {actor} ({reason}) while this report was held");
        }
        await db.SaveChangesAsync(cancellation);
        return (producer, held.Count);
    }

    /// <summary>Which producer holds <paramref name="apiKey"/> (compared by hash, in constant time against the stored one).</summary>
    public async Task<Authentication> AuthenticateAsync(string? apiKey, CancellationToken cancellation)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return Authentication.Missing;
        }
        if (!ApiKeys.LooksLikeKey(apiKey))
        {
            return Authentication.Unknown;
        }
        var hash = ApiKeys.Hash(apiKey);
        var producer = await db.Producers.AsNoTracking().SingleOrDefaultAsync(p => p.ApiKeyHash == hash, cancellation);
        if (producer is null || !CryptographicOperations.FixedTimeEquals(producer.ApiKeyHash, hash))
        {
            return Authentication.Unknown;
        }
        return producer.RevokedAt is null ? Authentication.Of(producer) : Authentication.Revoked(producer);
    }

    private async Task<Producer> ActiveAsync(string name, CancellationToken cancellation)
    {
        var producer = await db.Producers.SingleOrDefaultAsync(p => p.Name == name, cancellation)
            ?? throw new ProducerException($"No producer named '{name}'; `corrections producers list` shows them.");
        if (producer.RevokedAt is not null)
        {
            throw new ProducerException($"Producer '{name}' was revoked at {producer.RevokedAt:u} by {producer.RevokedBy}.");
        }
        return producer;
    }
}
