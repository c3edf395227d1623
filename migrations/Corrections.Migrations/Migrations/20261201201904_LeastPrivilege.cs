using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Corrections.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class LeastPrivilege : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Sql.LeastPrivilege.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Sql.LeastPrivilege.Drop);
        }
    }
}
