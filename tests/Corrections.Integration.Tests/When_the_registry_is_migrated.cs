using Corrections.Integration.Tests.Infrastructure;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Corrections.Pipeline.Migration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Corrections.Integration.Tests;

[Collection(Database.Name)]
public class When_the_registry_is_migrated(PostgresService postgres)
{
    private static RegistryDbContext Open(TestDatabase database) =>
        new((DbContextOptions<RegistryDbContext>)RegistryServiceCollectionExtensions
            .UseCorrectionsPostgres(new DbContextOptionsBuilder<RegistryDbContext>(), database.ConnectionString).Options);

    [Fact]
    public async Task Should_apply_every_migration_from_the_migrations_project()
    {
        await using var database = await postgres.CreateDatabaseAsync(migrated: false);
        await using var registry = Open(database);

        var outcome = await RegistryMigration.ApplyAsync(database.MigratorConnectionString, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.Equal(registry.Database.GetMigrations(), outcome.Applied);
        var applied = (await registry.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Equal(registry.Database.GetMigrations(), applied);
        Assert.Contains(applied, m => m.EndsWith("_InitialRegistry", StringComparison.Ordinal));
        Assert.Empty(await registry.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await registry.Reports.CountAsync());
    }

    [Fact]
    public async Task Should_round_trip_a_version_chain_with_an_alias()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using (var registry = Open(database))
        {
            var model = new RegisteredModel { Name = "fashion-mnist-cnn", Architecture = "small-cnn", InputShape = [1, 28, 28], ClassCount = 10 };
            var v1 = new ModelVersion { Model = model, Number = 1, Kind = VersionKind.Base, Sha256 = new string('a', 64), StorageLocation = "m/1", CreatedBy = "test" };
            var v2 = new ModelVersion { Model = model, Number = 2, Parent = v1, Kind = VersionKind.Edit, Sha256 = new string('b', 64), StorageLocation = "m/2", CreatedBy = "test" };
            registry.AddRange(model, v1, v2);
            await registry.SaveChangesAsync();
            registry.Aliases.Add(new ModelAlias { ModelId = model.Id, Name = "production", VersionId = v2.Id });
            await registry.SaveChangesAsync();
        }

        await using var fresh = Open(database);
        var production = await fresh.Aliases.Include(a => a.Version!).ThenInclude(v => v.Parent).SingleAsync();
        Assert.Equal(2, production.Version!.Number);
        Assert.Equal(VersionKind.Edit, production.Version.Kind);
        Assert.Equal(1, production.Version.Parent!.Number);
        var stored = await fresh.Models.SingleAsync();
        Assert.Equal(new[] { 1, 28, 28 }, stored.InputShape);
    }

    [Fact]
    public async Task Should_refuse_a_second_version_with_the_same_number()
    {
        // Two writers that both built on head N and both try to write N + 1: the database lets only one win.
        await using var database = await postgres.CreateDatabaseAsync();
        await using var registry = Open(database);
        var model = new RegisteredModel { Name = "m", Architecture = "small-cnn", InputShape = [1, 28, 28], ClassCount = 10 };
        registry.AddRange(model, new ModelVersion { Model = model, Number = 1, Kind = VersionKind.Base, Sha256 = new string('a', 64), StorageLocation = "m/1", CreatedBy = "worker-a" });
        await registry.SaveChangesAsync();

        registry.Add(new ModelVersion { ModelId = model.Id, Number = 1, Kind = VersionKind.Edit, Sha256 = new string('c', 64), StorageLocation = "m/1b", CreatedBy = "worker-b" });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => registry.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Fact]
    public async Task Should_let_the_audit_role_read_the_audit_views_and_nothing_else()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var login = $"auditor_{Guid.NewGuid():N}";
        var owner = new NpgsqlConnectionStringBuilder(database.MigratorConnectionString);
        await using var admin = new NpgsqlConnection(owner.ConnectionString);
        await admin.OpenAsync();
        await Execute(admin, $"CREATE ROLE {login} LOGIN PASSWORD 'audit' IN ROLE corrections_audit");
        try
        {
            var auditor = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Username = login, Password = "audit", Pooling = false };
            await using var connection = new NpgsqlConnection(auditor.ConnectionString);
            await connection.OpenAsync();

            foreach (var view in new[] { "audit_reports", "audit_versions", "audit_validations", "audit_promotions" })
            {
                await Execute(connection, $"SELECT count(*) FROM corrections.{view}");
            }
            var readTable = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, "SELECT count(*) FROM corrections.reports"));
            var write = await Assert.ThrowsAsync<PostgresException>(() => Execute(connection, "DELETE FROM corrections.promotions"));

            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, readTable.SqlState);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
        }
        finally
        {
            await Execute(admin, $"DROP ROLE {login}");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
