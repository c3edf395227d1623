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
public sealed class ReportIntake(RegistryDbContext db, IOptions<PipelineOptions> options, TimeProvider clock, PipelineMetrics metrics, ILogger<ReportIntake> log)
{
    public async Task<IntakeOutcome> ReceiveAsync(MisclassificationReported report, CancellationToken cancellation)
    {
        // A retry (Polly, after a dropped connection) starts from a clean slate, not from the failed attempt's rows.
        db.ChangeTracker.Clear();
        var known = await db.Reports.AsNoTracking()
            .Where(r => r.ReportId == report.ReportId && report.ReportId != Guid.Empty)
            .Select(r => (ReportStatus?)r.Status)
            .SingleOrDefaultAsync(cancellation);
        if (known is { } status)
        {
            log.LogInformation("Report {ReportId} was already received ({Status}); nothing to do", report.ReportId, status);
            metrics.Report("duplicate");
            return IntakeOutcome.Duplicate(status);
        }

        var now = clock.GetUtcNow();
        var row = NewRow(report, now);
        try
        {
            ReportValidator.ValidateEnvelope(report, now);
            var model = await db.Models.AsNoTracking().SingleOrDefaultAsync(m => m.Name == report.Model, cancellation)
                ?? throw new InvalidReportException("unknown-model", $"No model named '{report.Model}' is registered.");
            var input = ReportValidator.Validate(report, new ModelInputSpec(model.InputShape, model.ClassCount), options.Value.MaxInputBytes);
            row.InputTensor = input.ToBytes();
            row.InputShape = model.InputShape;
            row.InputFormat = input.Format;
            row.InputPayload = input.Format == "image" ? report.Input.EncodedImage : null;
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
            metrics.Report(accepted.Decision == IntakeDecision.Accepted ? "accepted" : "duplicate");
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
            // The same report delivered twice at once, to two workers: the other one stored it first.
            db.Entry(row).State = EntityState.Detached;
            var status = await db.Reports.AsNoTracking().Where(r => r.ReportId == row.ReportId).Select(r => r.Status).SingleAsync(cancellation);
            return IntakeOutcome.Duplicate(status);
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
