using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Corrections.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class InitialRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "corrections");

            migrationBuilder.CreateTable(
                name: "models",
                schema: "corrections",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    architecture = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    input_shape = table.Column<int[]>(type: "integer[]", nullable: false),
                    class_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promotions",
                schema: "corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    model_id = table.Column<int>(type: "integer", nullable: false),
                    alias = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    from_version_id = table.Column<long>(type: "bigint", nullable: true),
                    to_version_id = table.Column<long>(type: "bigint", nullable: false),
                    is_rollback = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promotions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "reports",
                schema: "corrections",
                columns: table => new
                {
                    report_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    observed_version = table.Column<int>(type: "integer", nullable: true),
                    predicted_label = table.Column<int>(type: "integer", nullable: false),
                    correct_label = table.Column<int>(type: "integer", nullable: false),
                    source = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    observed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confidence = table.Column<float>(type: "real", nullable: true),
                    input_shape = table.Column<int[]>(type: "integer[]", nullable: true),
                    input_payload = table.Column<byte[]>(type: "bytea", nullable: true),
                    input_format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rejection_reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reports", x => x.report_id);
                });

            migrationBuilder.CreateTable(
                name: "model_versions",
                schema: "corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    model_id = table.Column<int>(type: "integer", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    parent_id = table.Column<long>(type: "bigint", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    storage_location = table.Column<string>(type: "text", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_model_versions_model_versions_parent_id",
                        column: x => x.parent_id,
                        principalSchema: "corrections",
                        principalTable: "model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_model_versions_models_model_id",
                        column: x => x.model_id,
                        principalSchema: "corrections",
                        principalTable: "models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "model_aliases",
                schema: "corrections",
                columns: table => new
                {
                    model_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    version_id = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_aliases", x => new { x.model_id, x.name });
                    table.ForeignKey(
                        name: "fk_model_aliases_model_versions_version_id",
                        column: x => x.version_id,
                        principalSchema: "corrections",
                        principalTable: "model_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_model_aliases_version_id",
                schema: "corrections",
                table: "model_aliases",
                column: "version_id");

            migrationBuilder.CreateIndex(
                name: "ix_model_versions_model_id_number",
                schema: "corrections",
                table: "model_versions",
                columns: new[] { "model_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_model_versions_parent_id",
                schema: "corrections",
                table: "model_versions",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_models_name",
                schema: "corrections",
                table: "models",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promotions_model_id_at",
                schema: "corrections",
                table: "promotions",
                columns: new[] { "model_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_reports_model_name_received_at",
                schema: "corrections",
                table: "reports",
                columns: new[] { "model_name", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_reports_status",
                schema: "corrections",
                table: "reports",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_aliases",
                schema: "corrections");

            migrationBuilder.DropTable(
                name: "promotions",
                schema: "corrections");

            migrationBuilder.DropTable(
                name: "reports",
                schema: "corrections");

            migrationBuilder.DropTable(
                name: "model_versions",
                schema: "corrections");

            migrationBuilder.DropTable(
                name: "models",
                schema: "corrections");
        }
    }
}
