using Npgsql;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// The logins the suite runs as, the same scripts/services provisions: the worker's (<c>corrections_writer</c>, no
/// DDL) and an operator's (<c>corrections_operator</c>). Created here when missing, so a server of Testcontainers'
/// has them too; the owner that creates the tests' databases is only the migrator.
/// </summary>
public static class DatabaseLogins
{
    public const string Worker = "corrections_worker";
    public const string Operator = "operator";

    public static async Task EnsureAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN CREATE ROLE corrections_writer NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_operator') THEN CREATE ROLE corrections_operator NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_audit') THEN CREATE ROLE corrections_audit NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Worker}') THEN
                    CREATE ROLE {Worker} LOGIN PASSWORD '{Worker}' IN ROLE corrections_writer;
                END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Operator}') THEN
                    CREATE ROLE {Operator} LOGIN PASSWORD '{Operator}' IN ROLE corrections_operator;
                END IF;
            END
            $$;
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary><paramref name="connectionString"/> with <paramref name="login"/>'s credentials (its password is its name).</summary>
    public static string As(string connectionString, string login) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = login, Password = login }.ConnectionString;
}
