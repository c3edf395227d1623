using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Corrections.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Producers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "approved_at",
                schema: "corrections",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "approved_by",
                schema: "corrections",
                table: "reports",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "content_hash",
                schema: "corrections",
                table: "reports",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "producer",
                schema: "corrections",
                table: "reports",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "producers",
                schema: "corrections",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    trust = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    api_key_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    api_key_prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    reports_per_hour = table.Column<int>(type: "integer", nullable: false),
                    reports_per_label_per_hour = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    revoked_reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_producers", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reports_producer_received_at",
                schema: "corrections",
                table: "reports",
                columns: new[] { "producer", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_producers_api_key_hash",
                schema: "corrections",
                table: "producers",
                column: "api_key_hash",
                unique: true);

            migrationBuilder.Sql(Sql.ProducerViews.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Sql.ProducerViews.Drop);

            migrationBuilder.DropTable(
                name: "producers",
                schema: "corrections");

            migrationBuilder.DropIndex(
                name: "ix_reports_producer_received_at",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "approved_at",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "approved_by",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "content_hash",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "producer",
                schema: "corrections",
                table: "reports");
        }
    }
}
