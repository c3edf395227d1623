namespace Corrections.Migrations.Sql;

/// <summary>
/// The producer in the audit: <c>audit_reports</c> gains who sent each report and who approved a held one (appended, so
/// existing queries keep working), and <c>audit_producers</c> lists producers without their key hashes. Both readable by
/// the audit role. Created by the Producers migration.
/// </summary>
internal static class ProducerViews
{
    public const string Create = """
        CREATE OR REPLACE VIEW corrections.audit_reports AS
        SELECT r.report_id, r.model_name AS model, r.status, r.source, r.observed_version, r.predicted_label,
               r.correct_label, r.confidence, r.input_format, r.observed_at, r.received_at, r.edited_at, r.applied_at,
               r.rejection_reason, r.backlog_reason, v.number AS version, v.status AS version_status,
               e.steps AS edit_steps, e.loss AS edit_loss, e.latency_ms AS edit_latency_ms, e.batch_size AS edit_batch_size,
               EXTRACT(EPOCH FROM (r.applied_at - r.received_at)) * 1000 AS received_to_applied_ms,
               r.producer, r.approved_by, r.approved_at
        FROM corrections.reports r
        LEFT JOIN corrections.model_versions v ON v.id = r.version_id
        LEFT JOIN LATERAL (
            SELECT * FROM corrections.edits e WHERE e.report_id = r.report_id ORDER BY e.id DESC LIMIT 1
        ) e ON true;

        CREATE VIEW corrections.audit_producers AS
        SELECT p.name, p.trust, p.api_key_prefix, p.reports_per_hour, p.reports_per_label_per_hour, p.created_at,
               p.created_by, p.revoked_at, p.revoked_by, p.revoked_reason
        FROM corrections.producers p;

        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_audit') THEN
                EXECUTE 'GRANT SELECT ON corrections.audit_producers TO corrections_audit';
            END IF;
        END
        $$;
        """;

    /// <summary>Back to the views of before: <c>audit_reports</c> as the CorrectionPipeline migration made it.</summary>
    public const string Drop = """
        DROP VIEW IF EXISTS corrections.audit_producers;
        DROP VIEW IF EXISTS corrections.audit_reports;
        CREATE VIEW corrections.audit_reports AS
        SELECT r.report_id, r.model_name AS model, r.status, r.source, r.observed_version, r.predicted_label,
               r.correct_label, r.confidence, r.input_format, r.observed_at, r.received_at, r.edited_at, r.applied_at,
               r.rejection_reason, r.backlog_reason, v.number AS version, v.status AS version_status,
               e.steps AS edit_steps, e.loss AS edit_loss, e.latency_ms AS edit_latency_ms, e.batch_size AS edit_batch_size,
               EXTRACT(EPOCH FROM (r.applied_at - r.received_at)) * 1000 AS received_to_applied_ms
        FROM corrections.reports r
        LEFT JOIN corrections.model_versions v ON v.id = r.version_id
        LEFT JOIN LATERAL (
            SELECT * FROM corrections.edits e WHERE e.report_id = r.report_id ORDER BY e.id DESC LIMIT 1
        ) e ON true;
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_audit') THEN
                EXECUTE 'GRANT SELECT ON corrections.audit_reports TO corrections_audit';
            END IF;
        END
        $$;
        """;
}
