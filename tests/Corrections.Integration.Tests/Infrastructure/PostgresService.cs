using Corrections.Pipeline.Migration;
using DotNet.Testcontainers.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server: the one whose owner login CORRECTIONS_POSTGRES__MIGRATORCONNECTIONSTRING names (started by
/// scripts/services), else a Testcontainers one. Each test gets a database of its own, so tests never see each other's
/// rows, migrated by the owner; the test then runs as the worker's and the operator's logins.
/// </summary>
public sealed class PostgresService : IAsyncLifetime
{
    private PostgreSqlContainer? _container;
    private string _serverConnectionString = "";

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CORRECTIONS_POSTGRES__MIGRATORCONNECTIONSTRING");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            _serverConnectionString = fromEnvironment;
            await DatabaseLogins.EnsureAsync(_serverConnectionString);
            return;
        }

        try
        {
            _container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await _container.StartAsync();
        }
        catch (DockerUnavailableException e)
        {
            throw new ServiceUnavailable("PostgreSQL", e);
        }
        _serverConnectionString = _container.GetConnectionString();
        await DatabaseLogins.EnsureAsync(_serverConnectionString);
    }

    /// <summary>
    /// Creates a database, migrated as <c>corrections migrate</c> does unless <paramref name="migrated"/> is false; it is
    /// dropped on dispose.
    /// </summary>
    public async Task<TestDatabase> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"corrections_test_{Guid.NewGuid():N}";
        await using (var server = new NpgsqlConnection(_serverConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name }.ConnectionString;
        var database = new TestDatabase(name, connectionString, _serverConnectionString);
        if (migrated)
        {
            await RegistryMigration.ApplyAsync(database.MigratorConnectionString, NullLoggerFactory.Instance, CancellationToken.None);
        }
        return database;
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
