using System.ComponentModel.DataAnnotations;

namespace Corrections.Registry;

/// <summary>Bound from the <c>Postgres</c> section (env: <c>CORRECTIONS_POSTGRES__CONNECTIONSTRING</c>).</summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    [Required(ErrorMessage = "Postgres:ConnectionString is not set. Run `eval \"$(scripts/services env)\"` or set CORRECTIONS_POSTGRES__CONNECTIONSTRING.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The migrator login (the schema's owner), used only by <c>corrections migrate</c>; services and the CLI connect with
    /// <see cref="ConnectionString"/>, a login without DDL.
    /// </summary>
    public string? MigratorConnectionString { get; set; }

    /// <summary>Assembly that holds the EF Core migrations (the project under migrations/).</summary>
    public const string MigrationsAssembly = "Corrections.Migrations";
}
