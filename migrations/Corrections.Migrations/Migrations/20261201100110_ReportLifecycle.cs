using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Corrections.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ReportLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "backlog_cause",
                schema: "corrections",
                table: "reports",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "edit_alone",
                schema: "corrections",
                table: "reports",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "sent_back_at",
                schema: "corrections",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            // "Edited alone next" used to be inferred from a successful edit in a rejected candidate; it is stored now.
            migrationBuilder.Sql("""
                UPDATE corrections.reports r SET edit_alone = true
                WHERE r.status = 'Received' AND EXISTS (
                    SELECT 1 FROM corrections.edits e JOIN corrections.model_versions v ON v.id = e.version_id
                    WHERE e.report_id = r.report_id AND e.success AND v.status = 'Rejected');
                UPDATE corrections.reports SET backlog_cause = CASE
                    WHEN backlog_reason LIKE 'overload:%' THEN 'Overload'
                    WHEN backlog_reason LIKE 'editor-failed:%' THEN 'EditorFailed'
                    WHEN backlog_reason LIKE 'conflicts-with-earlier:%' THEN 'ConflictsWithEarlier'
                    WHEN backlog_reason LIKE 'candidate v%' THEN 'CandidateRejected'
                END
                WHERE status = 'Backlogged';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "backlog_cause",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "edit_alone",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "sent_back_at",
                schema: "corrections",
                table: "reports");
        }
    }
}
