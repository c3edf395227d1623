using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Corrections.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class CorrectionPipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "applied_at",
                schema: "corrections",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "backlog_reason",
                schema: "corrections",
                table: "reports",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "edited_at",
                schema: "corrections",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "input_tensor",
                schema: "corrections",
                table: "reports",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "version_id",
                schema: "corrections",
                table: "reports",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "bytes",
                schema: "corrections",
                table: "model_versions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "is_delta",
                schema: "corrections",
                table: "model_versions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "status",
                schema: "corrections",
                table: "model_versions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Accepted");

            migrationBuilder.AddColumn<string>(
                name: "status_reason",
                schema: "corrections",
                table: "model_versions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "validated_at",
                schema: "corrections",
                table: "model_versions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "edits",
                schema: "corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version_id = table.Column<long>(type: "bigint", nullable: false),
                    report_id = table.Column<Guid>(type: "uuid", nullable: false),
                    steps = table.Column<int>(type: "integer", nullable: false),
                    loss = table.Column<double>(type: "double precision", nullable: false),
                    latency_ms = table.Column<double>(type: "double precision", nullable: false),
                    success = table.Column<bool>(type: "boolean", nullable: false),
                    batch_size = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_edits", x => x.id);
                    table.ForeignKey(
                        name: "fk_edits_model_versions_version_id",
                        column: x => x.version_id,
                        principalSchema: "corrections",
                        principalTable: "model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_edits_reports_report_id",
                        column: x => x.report_id,
                        principalSchema: "corrections",
                        principalTable: "reports",
                        principalColumn: "report_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "validations",
                schema: "corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version_id = table.Column<long>(type: "bigint", nullable: false),
                    set_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    examples = table.Column<int>(type: "integer", nullable: false),
                    error_rate = table.Column<double>(type: "double precision", nullable: false),
                    parent_error_rate = table.Column<double>(type: "double precision", nullable: false),
                    base_error_rate = table.Column<double>(type: "double precision", nullable: false),
                    production_error_rate = table.Column<double>(type: "double precision", nullable: true),
                    drawdown_pp = table.Column<double>(type: "double precision", nullable: false),
                    cumulative_drawdown_pp = table.Column<double>(type: "double precision", nullable: false),
                    change_vs_production_pp = table.Column<double>(type: "double precision", nullable: true),
                    passed = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    duration_ms = table.Column<double>(type: "double precision", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_validations", x => x.id);
                    table.ForeignKey(
                        name: "fk_validations_model_versions_version_id",
                        column: x => x.version_id,
                        principalSchema: "corrections",
                        principalTable: "model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reports_version_id",
                schema: "corrections",
                table: "reports",
                column: "version_id");

            migrationBuilder.CreateIndex(
                name: "ix_model_versions_model_id_status",
                schema: "corrections",
                table: "model_versions",
                columns: new[] { "model_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_edits_report_id",
                schema: "corrections",
                table: "edits",
                column: "report_id");

            migrationBuilder.CreateIndex(
                name: "ix_edits_version_id",
                schema: "corrections",
                table: "edits",
                column: "version_id");

            migrationBuilder.CreateIndex(
                name: "ix_validations_version_id",
                schema: "corrections",
                table: "validations",
                column: "version_id");

            migrationBuilder.AddForeignKey(
                name: "fk_reports_model_versions_version_id",
                schema: "corrections",
                table: "reports",
                column: "version_id",
                principalSchema: "corrections",
                principalTable: "model_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.Sql(Sql.AuditViews.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Sql.AuditViews.Drop);

            migrationBuilder.DropForeignKey(
                name: "fk_reports_model_versions_version_id",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropTable(
                name: "edits",
                schema: "corrections");

            migrationBuilder.DropTable(
                name: "validations",
                schema: "corrections");

            migrationBuilder.DropIndex(
                name: "ix_reports_version_id",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropIndex(
                name: "ix_model_versions_model_id_status",
                schema: "corrections",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "applied_at",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "backlog_reason",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "edited_at",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "input_tensor",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "version_id",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "bytes",
                schema: "corrections",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "is_delta",
                schema: "corrections",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "status",
                schema: "corrections",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "status_reason",
                schema: "corrections",
                table: "model_versions");

            migrationBuilder.DropColumn(
                name: "validated_at",
                schema: "corrections",
                table: "model_versions");
        }
    }
}
