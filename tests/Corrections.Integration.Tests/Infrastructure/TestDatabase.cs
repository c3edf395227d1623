using Npgsql;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A database of one test, with the three logins a deployment has: <see cref="ConnectionString"/> is the worker's (the
/// writer, no DDL), <see cref="OperatorConnectionString"/> an operator's (the CLI), <see cref="MigratorConnectionString"/>
/// the owner's (migrations only).
/// </summary>
public sealed class TestDatabase(string name, string ownerConnectionString, string serverConnectionString) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = DatabaseLogins.As(ownerConnectionString, DatabaseLogins.Worker);
    public string OperatorConnectionString { get; } = DatabaseLogins.As(ownerConnectionString, DatabaseLogins.Operator);
    public string MigratorConnectionString { get; } = ownerConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(serverConnectionString);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }
}
