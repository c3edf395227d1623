using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Corrections.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Retraining : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "folded_version_id",
                schema: "corrections",
                table: "reports",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_reports_folded_version_id",
                schema: "corrections",
                table: "reports",
                column: "folded_version_id");

            migrationBuilder.AddForeignKey(
                name: "fk_reports_model_versions_folded_version_id",
                schema: "corrections",
                table: "reports",
                column: "folded_version_id",
                principalSchema: "corrections",
                principalTable: "model_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_reports_model_versions_folded_version_id",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropIndex(
                name: "ix_reports_folded_version_id",
                schema: "corrections",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "folded_version_id",
                schema: "corrections",
                table: "reports");
        }
    }
}
