namespace Corrections.Migrations.Sql;

/// <summary>
/// Read-only views for audit queries (documented in the README). They leave out the raw inputs, so an auditor's role
/// can be granted these and nothing else. Created and dropped by the CorrectionPipeline migration.
/// </summary>
internal static class AuditViews
{
    public const string Create = """
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

        CREATE VIEW corrections.audit_versions AS
        SELECT m.name AS model, v.number AS version, v.kind, v.status, p.number AS parent_version, v.created_by,
               v.created_at, v.validated_at, v.status_reason, v.sha256, v.storage_location, v.is_delta, v.bytes,
               (SELECT count(*) FROM corrections.reports r WHERE r.version_id = v.id) AS corrections,
               (SELECT a.name FROM corrections.model_aliases a WHERE a.version_id = v.id LIMIT 1) AS alias
        FROM corrections.model_versions v
        JOIN corrections.models m ON m.id = v.model_id
        LEFT JOIN corrections.model_versions p ON p.id = v.parent_id;

        CREATE VIEW corrections.audit_validations AS
        SELECT m.name AS model, v.number AS version, x.set_name, x.examples, x.error_rate, x.parent_error_rate,
               x.base_error_rate, x.production_error_rate, x.drawdown_pp, x.cumulative_drawdown_pp,
               x.change_vs_production_pp, x.passed, x.duration_ms, x.at
        FROM corrections.validations x
        JOIN corrections.model_versions v ON v.id = x.version_id
        JOIN corrections.models m ON m.id = v.model_id;

        CREATE VIEW corrections.audit_promotions AS
        SELECT m.name AS model, p.alias, f.number AS from_version, t.number AS to_version, p.is_rollback, p.reason,
               p.actor, p.at
        FROM corrections.promotions p
        JOIN corrections.models m ON m.id = p.model_id
        LEFT JOIN corrections.model_versions f ON f.id = p.from_version_id
        JOIN corrections.model_versions t ON t.id = p.to_version_id;
        """;

    public const string Drop = """
        DROP VIEW IF EXISTS corrections.audit_promotions;
        DROP VIEW IF EXISTS corrections.audit_validations;
        DROP VIEW IF EXISTS corrections.audit_versions;
        DROP VIEW IF EXISTS corrections.audit_reports;
        """;
}
