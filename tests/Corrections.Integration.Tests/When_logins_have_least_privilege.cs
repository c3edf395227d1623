using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Migration;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Corrections.Integration.Tests;

/// <summary>
/// The database, not the code that happens to run, keeps each login to its part: the worker's writes rows but no schema
/// and never rewrites a record; only operators enrol producers or move held reports; who did something is the login.
/// </summary>
[Collection(Database.Name)]
public class When_logins_have_least_privilege(PostgresService postgres)
{
    private static RegistryDbContext Open(string connectionString) =>
        new((DbContextOptions<RegistryDbContext>)RegistryServiceCollectionExtensions
            .UseCorrectionsPostgres(new DbContextOptionsBuilder<RegistryDbContext>(), connectionString).Options);

    [Fact]
    public async Task Should_refuse_the_worker_any_change_to_the_schema()
    {
        await using var database = await postgres.CreateDatabaseAsync();

        var create = await Refused(database.ConnectionString, "CREATE TABLE corrections.intruder (id int)");
        var alter = await Refused(database.ConnectionString, "ALTER TABLE corrections.reports ADD COLUMN intruder int");
        var history = await Refused(database.ConnectionString,
            "INSERT INTO corrections.__ef_migrations_history (migration_id, product_version) VALUES ('99999999999999_Forged', '10')");
        var operatorCreate = await Refused(database.OperatorConnectionString, "CREATE TABLE corrections.intruder (id int)");

        Assert.All(new[] { create, alter, history, operatorCreate }, e => Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState));
    }

    [Fact]
    public async Task Should_keep_promotions_validations_and_edits_append_only_even_for_the_owner()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var (_, promotion) = await SeedPromotionAsync(database.ConnectionString, claimedActor: "worker-a");
        var report = Guid.NewGuid();
        await RawSql.ExecuteAsync(database.ConnectionString, $"""
            INSERT INTO corrections.validations (version_id, set_name, examples, error_rate, parent_error_rate, base_error_rate,
                drawdown_pp, cumulative_drawdown_pp, passed, duration_ms, at)
            SELECT to_version_id, 'held-out', 10, 0.1, 0.1, 0.1, 0, 0, true, 1, now() FROM corrections.promotions WHERE id = {promotion};
            INSERT INTO corrections.reports (report_id, model_name, predicted_label, correct_label, source, observed_at, received_at, status, edit_alone)
            VALUES ('{report}', 'm', 1, 2, 'test', now(), now(), 'Received', false);
            INSERT INTO corrections.edits (version_id, report_id, steps, loss, latency_ms, success, batch_size, at)
            SELECT to_version_id, '{report}', 1, 0.5, 10, true, 1, now() FROM corrections.promotions WHERE id = {promotion};
            """);

        foreach (var table in new[] { "promotions", "validations", "edits" })
        {
            var workerUpdate = await Refused(database.ConnectionString, $"UPDATE corrections.{table} SET id = id");
            var workerDelete = await Refused(database.ConnectionString, $"DELETE FROM corrections.{table}");
            var ownerUpdate = await Refused(database.MigratorConnectionString, $"UPDATE corrections.{table} SET id = id");
            var ownerDelete = await Refused(database.MigratorConnectionString, $"DELETE FROM corrections.{table}");
            var ownerTruncate = await Refused(database.MigratorConnectionString, $"TRUNCATE corrections.{table} CASCADE");

            Assert.All(new[] { workerUpdate, workerDelete, ownerUpdate, ownerDelete, ownerTruncate },
                e => Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState));
            Assert.Contains("append-only", ownerUpdate.MessageText, StringComparison.Ordinal);
        }
        Assert.Equal(1L, await RawSql.ScalarAsync(database.MigratorConnectionString, "SELECT count(*) FROM corrections.edits"));
    }

    [Fact]
    public async Task Should_record_the_login_as_the_actor_whatever_the_client_claims()
    {
        await using var database = await postgres.CreateDatabaseAsync();

        var (_, byWorker) = await SeedPromotionAsync(database.ConnectionString, claimedActor: "worker-a");
        var (_, forged) = await SeedPromotionAsync(database.OperatorConnectionString, claimedActor: "the-ceo", model: "m2");
        var (_, plain) = await SeedPromotionAsync(database.OperatorConnectionString, claimedActor: DatabaseLogins.Operator, model: "m3");

        Assert.Equal($"{DatabaseLogins.Worker} (worker-a)", await Actor(byWorker));
        Assert.Equal($"{DatabaseLogins.Operator} (the-ceo)", await Actor(forged));
        Assert.Equal(DatabaseLogins.Operator, await Actor(plain));

        async Task<string> Actor(long id) => (string)(await RawSql.ScalarAsync(database.MigratorConnectionString, $"SELECT actor FROM corrections.promotions WHERE id = {id}"))!;
    }

    [Fact]
    public async Task Should_let_only_operators_enrol_producers_and_move_held_reports()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        const string enrol = """
            INSERT INTO corrections.producers (name, trust, reports_per_hour, reports_per_label_per_hour, created_at, created_by)
            VALUES ('{0}', 'Trusted', 10, 10, now(), 'somebody-else')
            """;
        var byWorker = await Refused(database.ConnectionString, string.Format(enrol, "rogue"));
        await RawSql.ExecuteAsync(database.OperatorConnectionString, string.Format(enrol, "monitor"));
        var retrust = await Refused(database.ConnectionString, "UPDATE corrections.producers SET trust = 'Trusted'");

        var held = Guid.NewGuid();
        await using (var registry = Open(database.ConnectionString))
        {
            var report = new Report { ReportId = held, ModelName = "m", Source = "test", Producer = "monitor", ReceivedAt = DateTimeOffset.UtcNow, ObservedAt = DateTimeOffset.UtcNow };
            report.Hold();
            registry.Reports.Add(report);
            await registry.SaveChangesAsync();
        }
        var workerApproves = await Assert.ThrowsAsync<DbUpdateException>(() => ApproveAsync(database.ConnectionString, held, "worker"));
        var workerReleases = await Refused(database.ConnectionString, $"UPDATE corrections.reports SET status = 'Received' WHERE report_id = '{held}'");
        await ApproveAsync(database.OperatorConnectionString, held, "the-ceo");

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, byWorker.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, retrust.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(workerApproves.InnerException).SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, workerReleases.SqlState);
        Assert.Equal(DatabaseLogins.Operator, await RawSql.ScalarAsync(database.MigratorConnectionString, "SELECT created_by FROM corrections.producers WHERE name = 'monitor'"));
        await using var check = Open(database.MigratorConnectionString);
        var approved = await check.Reports.SingleAsync(r => r.ReportId == held);
        Assert.Equal(ReportStatus.Received, approved.Status);
        Assert.Equal(DatabaseLogins.Operator, approved.ApprovedBy);
    }

    [Fact]
    public async Task Should_stop_a_service_on_a_schema_that_is_behind_and_name_the_command()
    {
        await using var database = await postgres.CreateDatabaseAsync(migrated: false);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = database.ConnectionString,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddCorrectionsRegistry(configuration).BuildServiceProvider();

        var behind = await Assert.ThrowsAsync<RegistrySchemaException>(() => RegistrySchemaCheck.EnsureCurrentAsync(services, CancellationToken.None));
        await RegistryMigration.ApplyAsync(database.MigratorConnectionString, NullLoggerFactory.Instance, CancellationToken.None);
        await RegistrySchemaCheck.EnsureCurrentAsync(services, CancellationToken.None);

        Assert.Contains("corrections migrate", behind.Message, StringComparison.Ordinal);
    }

    private static async Task ApproveAsync(string connectionString, Guid id, string claimed)
    {
        await using var registry = Open(connectionString);
        var report = await registry.Reports.SingleAsync(r => r.ReportId == id);
        report.Approve(claimed, DateTimeOffset.UtcNow);
        await registry.SaveChangesAsync();
    }

    /// <summary>A model with one version and a promotion to it, written as <paramref name="connectionString"/>'s login.</summary>
    private static async Task<(int Model, long Promotion)> SeedPromotionAsync(string connectionString, string claimedActor, string model = "m")
    {
        await using var registry = Open(connectionString);
        var registered = new RegisteredModel { Name = model, Architecture = "small-cnn", InputShape = [1, 28, 28], ClassCount = 10 };
        var version = new ModelVersion { Model = registered, Number = 1, Kind = VersionKind.Base, Sha256 = new string('a', 64), StorageLocation = $"{model}/1", CreatedBy = "test" };
        registry.AddRange(registered, version);
        await registry.SaveChangesAsync();
        var promotion = new Promotion { ModelId = registered.Id, Alias = "production", ToVersionId = version.Id, Reason = "test", Actor = claimedActor, At = DateTimeOffset.UtcNow };
        registry.Promotions.Add(promotion);
        await registry.SaveChangesAsync();
        return (registered.Id, promotion.Id);
    }

    private static async Task<PostgresException> Refused(string connectionString, string sql) =>
        await Assert.ThrowsAsync<PostgresException>(() => RawSql.ExecuteAsync(connectionString, sql));
}
