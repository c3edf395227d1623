using Corrections.Pipeline.Producers;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline.Ingest;

/// <summary>
/// The producer checks of ingest, before the input is even decoded: someone must vouch for the report (unless
/// <see cref="ProducerOptions.AllowAnonymous"/>), that someone must be a producer that is not revoked, and within its
/// quotas of the last hour (overall, and per model and correct label). Reports refused here are not counted: a producer
/// over its quota is back within it an hour after its last accepted burst, whatever it sends meanwhile.
/// </summary>
public sealed class ProducerAdmission(RegistryDbContext db, IOptions<ProducerOptions> options)
{
    /// <exception cref="InvalidReportException">
    /// <c>producer-anonymous</c>, <c>producer-unknown</c>, <c>producer-revoked</c>, <c>quota-exceeded</c> or
    /// <c>label-quota-exceeded</c>.
    /// </exception>
    public async Task<Admission> AdmitAsync(string? principal, string model, int correctLabel, DateTimeOffset now, CancellationToken cancellation)
    {
        int perHour, perLabel;
        ProducerTrust trust;
        if (principal is null)
        {
            if (!options.Value.AllowAnonymous)
            {
                throw new InvalidReportException("producer-anonymous",
                    "Nobody vouches for this report: send it with a producer's API key (HTTP) or as a producer's broker user with user_id set (AMQP). Anonymous reports are off (Producers:AllowAnonymous).");
            }
            (trust, perHour, perLabel) = (options.Value.AnonymousTrust, options.Value.DefaultReportsPerHour, options.Value.DefaultReportsPerLabelPerHour);
        }
        else
        {
            var producer = await db.Producers.AsNoTracking().SingleOrDefaultAsync(p => p.Name == principal, cancellation)
                ?? throw new InvalidReportException("producer-unknown", $"'{principal}' is not a registered producer (`corrections producers add`).");
            if (producer.RevokedAt is not null)
            {
                throw new InvalidReportException("producer-revoked", $"Producer '{principal}' was revoked at {producer.RevokedAt:u}.");
            }
            (trust, perHour, perLabel) = (producer.Trust, producer.ReportsPerHour, producer.ReportsPerLabelPerHour);
        }

        var since = now.AddHours(-1);
        var recent = db.Reports.Where(r => r.Producer == principal && r.ReceivedAt > since && r.Status != ReportStatus.Rejected);
        var sent = await recent.CountAsync(cancellation);
        if (sent >= perHour)
        {
            throw new InvalidReportException("quota-exceeded", $"{Name(principal)} sent {sent} reports in the last hour; its quota is {perHour} per hour.");
        }
        var sentForLabel = await recent.CountAsync(r => r.ModelName == model && r.CorrectLabel == correctLabel, cancellation);
        if (sentForLabel >= perLabel)
        {
            throw new InvalidReportException("label-quota-exceeded",
                $"{Name(principal)} sent {sentForLabel} reports for '{model}' with correct label {correctLabel} in the last hour; its quota is {perLabel} per label per hour.");
        }
        return new Admission(principal, trust);
    }

    private static string Name(string? principal) => principal is null ? "Anonymous producers" : $"Producer '{principal}'";
}
