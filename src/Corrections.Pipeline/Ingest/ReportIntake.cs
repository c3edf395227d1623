using Corrections.Contracts;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Corrections.Pipeline.Observability;
using Npgsql;

namespace Corrections.Pipeline.Ingest;

/// <summary>
/// Ingest: checks a report, stores it (good or bad) and tells the caller what to announce. The report id is the
/// primary key, so a redelivered or re-sent report finds its row and changes nothing.
/// </summary>
public sealed class ReportIntake(
    RegistryDbContext db, ProducerAdmission admission, IOptions<PipelineOptions> options, TimeProvider clock, PipelineMetrics metrics, ILogger<ReportIntake> log)
{
    /// <param name="report">The report as it came.</param>
    /// <param name="producer">Who the transport vouches for (an API key's producer, the broker's user_id); null: nobody.</param>
    /// <param name="cancellation">Stops the database work.</param>
    public async Task<IntakeOutcome> ReceiveAsync(MisclassificationReported report, string? producer, CancellationToken cancellation)
    {
        // A retry (Polly, after a dropped connection) starts from a clean slate, not from the failed attempt's rows.
        db.ChangeTracker.Clear();
        var content = ReportContent.Hash(report, producer);
        var known = await db.Reports.AsNoTracking()
            .Where(r => r.ReportId == report.ReportId && report.ReportId != Guid.Empty)
            .Select(r => new { r.Status, r.ContentHash })
            .SingleOrDefaultAsync(cancellation);
        if (known is not null)
        {
            return Known(report.ReportId, known.Status, known.ContentHash, content);
        }

        var now = clock.GetUtcNow();
        var row = NewRow(report, now);
        (row.Producer, row.ContentHash) = (producer, content);
        try
        {
            ReportValidator.ValidateEnvelope(report, now);
            var admitted = await admission.AdmitAsync(producer, report.Model, report.CorrectLabel, now, cancellation);
            var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Name == report.Model, cancellation)
                ?? throw new InvalidReportException("unknown-model", $"No model named '{report.Model}' is registered.");
            var input = ReportValidator.Validate(report, new ModelInputSpec(model.InputShape, model.ClassCount), options.Value.MaxInputBytes);
            row.InputTensor = input.ToBytes();
            row.InputShape = model.InputShape;
            row.InputFormat = input.Format;
            row.InputPayload = input.Format == "image" ? report.Input.EncodedImage : null;
            if (admitted.Trust == ProducerTrust.Reviewed)
            {
                row.ReviewAlone();
            }
            if (admitted.Trust == ProducerTrust.Untrusted)
            {
                row.Hold();
                var held = await InsertAsync(row, IntakeOutcome.Held, cancellation);
                log.LogInformation("Report {ReportId} of {Producer} ({Trust}) held for an operator", row.ReportId, producer ?? "(anonymous)", admitted.Trust);
                if (held.Decision == IntakeDecision.Held)
                {
                    metrics.Report("held");
                }
                return held;
            }
            var waiting = await db.Reports.CountAsync(r => r.ModelName == model.Name && r.Status == ReportStatus.Received, cancellation);
            if (waiting >= options.Value.MaxWaitingReports)
            {
                row.Backlog(BacklogCause.Overload, $"overload: {waiting} reports of '{model.Name}' already wait for an edit (limit {options.Value.MaxWaitingReports}); deferred to the next retraining");
                var deferred = await InsertAsync(row, IntakeOutcome.Deferred, cancellation);
                if (deferred.Decision == IntakeDecision.Deferred)
                {
                    metrics.Report("deferred");
                    metrics.Backlogged("overload", 1);
                }
                return deferred;
            }
            var accepted = await InsertAsync(row, IntakeOutcome.Accepted, cancellation);
            if (accepted.Decision == IntakeDecision.Accepted)
            {
                metrics.Report("accepted");
            }
            return accepted;
        }
        catch (InvalidReportException rejection)
        {
            row.Reject(rejection.Reason);
            // Kept for the audit unless it is the very thing that was too large.
            row.InputPayload = RawPayload(report) is { } raw && raw.Length <= options.Value.MaxInputBytes ? raw : null;
            log.LogWarning("Report {ReportId} for {Model} rejected: {Reason}", report.ReportId, row.ModelName, rejection.Reason);
            metrics.Report("rejected", rejection.Code);
            return await InsertAsync(row, IntakeOutcome.Rejected(rejection), cancellation);
        }
    }

    /// <summary>Whether <paramref name="report"/>'s id belongs to another report already stored (for HTTP's 409).</summary>
    public async Task<bool> ReusesIdAsync(MisclassificationReported report, string? producer, CancellationToken cancellation)
    {
        var stored = await db.Reports.AsNoTracking().Where(r => r.ReportId == report.ReportId)
            .Select(r => r.ContentHash).SingleOrDefaultAsync(cancellation);
        return stored is not null && !stored.AsSpan().SequenceEqual(ReportContent.Hash(report, producer));
    }

    /// <summary>A report id seen before: a retry of the same report changes nothing; another report under it is refused.</summary>
    private IntakeOutcome Known(Guid id, ReportStatus status, byte[]? stored, byte[] content)
    {
        // Rows from before content hashes were stored cannot tell a retry from a reuse; they are taken for retries.
        if (stored is null || stored.AsSpan().SequenceEqual(content))
        {
            log.LogInformation("Report {ReportId} was already received ({Status}); nothing to do", id, status);
            metrics.Report("duplicate");
            return IntakeOutcome.Duplicate(status);
        }
        var reused = new InvalidReportException("id-reused",
            $"Report id {id} belongs to a report with other content (or from another producer), received before; the original is kept and this one refused. Give every report its own id.");
        log.LogWarning("Report {ReportId} refused: {Reason}", id, reused.Reason);
        metrics.Report("rejected", reused.Code);
        return IntakeOutcome.IdReused(status, reused);
    }

    private async Task<IntakeOutcome> InsertAsync(Report row, IntakeOutcome outcome, CancellationToken cancellation)
    {
        db.Reports.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellation);
            return outcome;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same report delivered twice at once, to two workers: the other one stored it first (Known counts it).
            db.Entry(row).State = EntityState.Detached;
            var stored = await db.Reports.AsNoTracking().Where(r => r.ReportId == row.ReportId)
                .Select(r => new { r.Status, r.ContentHash }).SingleAsync(cancellation);
            return Known(row.ReportId, stored.Status, stored.ContentHash, row.ContentHash!);
        }
    }

    private static Report NewRow(MisclassificationReported report, DateTimeOffset now) => new()
    {
        // A report without an id is still audited, under an id of its own.
        ReportId = report.ReportId == Guid.Empty ? Guid.NewGuid() : report.ReportId,
        ModelName = Truncate(report.Model, RegistryDbContext.MaxNameLength) ?? "(none)",
        ObservedVersion = report.ObservedVersion,
        PredictedLabel = report.PredictedLabel,
        CorrectLabel = report.CorrectLabel,
        Source = Truncate(report.Source, RegistryDbContext.MaxNameLength) ?? "(none)",
        ObservedAt = report.ObservedAt,
        ReceivedAt = now,
        Confidence = report.Confidence is { } c && float.IsFinite(c) ? c : null,
        InputShape = report.Input?.Shape is { Length: <= 8 } shape ? shape : null,
        InputFormat = report.Input switch
        {
            { Tensor: not null } => "tensor",
            { EncodedImage: not null } => "image",
            _ => null,
        },
    };

    private static byte[]? RawPayload(MisclassificationReported report) => report.Input?.Tensor ?? report.Input?.EncodedImage;

    private static string? Truncate(string? value, int length) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= length ? value : value[..length];
}
