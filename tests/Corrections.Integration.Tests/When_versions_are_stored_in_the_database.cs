using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Editors;
using Corrections.Editing.Models;
using Corrections.Editing.Persistence;
using Corrections.Editing.Tests;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Storage;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static TorchSharp.torch;

namespace Corrections.Integration.Tests;

/// <summary>
/// The artifact store hosts share when they share no directory: the registry's database. A host that never saw a file
/// loads it (a delta and its parent) from there, a host's changed cache is fetched again, changed content in the
/// database is refused by its hash, and the worker's login can add content but never rewrite it. A deployment that moves
/// from a shared directory pushes its files in.
/// </summary>
[Collection(Database.Name)]
public class When_versions_are_stored_in_the_database(PostgresService postgres)
{
    // Small chunks, so that even the small CNN's 1.7 MB file goes in and out in many pieces.
    private const int ChunkBytes = 64 * 1024;

    static When_versions_are_stored_in_the_database() => NativeRuntime.Prepare();

    [Fact]
    public async Task Should_load_a_delta_and_its_parent_on_a_host_that_never_saw_them()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        using var hostA = new TemporaryDirectory();
        using var hostB = new TemporaryDirectory();
        var writer = new ModelStore(hostA.Path, new PostgresArtifactStore(database.ConnectionString, ChunkBytes));
        using var model = SmallCnn();
        using var edited = Edited(model);
        var v1 = writer.SaveFull("shared", 1, model);
        var v2 = writer.SaveEdit("shared", 2, edited, v1, model);
        Assert.True(v2.IsDelta);

        var reader = new ModelStore(hostB.Path, new PostgresArtifactStore(database.ConnectionString, ChunkBytes));
        using var loaded = reader.Load(v2);

        AssertSameWeights(edited, loaded);
        Assert.Equal(TensorArchive.Sha256(Path.Combine(hostA.Path, v1.Location)), TensorArchive.Sha256(Path.Combine(hostB.Path, v1.Location)));
        Assert.True(File.Exists(Path.Combine(hostB.Path, v2.Location)));
        var chunks = (int)(await RawSql.ScalarAsync(database.ConnectionString, $"SELECT chunks FROM corrections.artifacts WHERE sha256 = '{v1.Sha256}'"))!;
        Assert.Equal((v1.Bytes + ChunkBytes - 1) / ChunkBytes, chunks);
        Assert.Equal((long)chunks, (long)(await RawSql.ScalarAsync(database.ConnectionString, $"SELECT count(*) FROM corrections.artifact_chunks WHERE sha256 = '{v1.Sha256}'"))!);
        // Saving the same content again (a retried save) stores nothing twice.
        writer.Shared!.Put(v1.Sha256, Path.Combine(hostA.Path, v1.Location));
        Assert.Equal(2L, (long)(await RawSql.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM corrections.artifacts"))!);
    }

    [Fact]
    public async Task Should_fetch_a_changed_cache_again_and_refuse_changed_content()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        using var hostA = new TemporaryDirectory();
        using var hostB = new TemporaryDirectory();
        using var hostC = new TemporaryDirectory();
        using var model = SmallCnn();
        var v1 = new ModelStore(hostA.Path, new PostgresArtifactStore(database.ConnectionString, ChunkBytes)).SaveFull("shared", 1, model);

        // A host's copy is a cache: a changed one is replaced from the database.
        var cached = Path.Combine(hostB.Path, v1.Location);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        await File.WriteAllBytesAsync(cached, [1, 2, 3]);
        using (var loaded = new ModelStore(hostB.Path, new PostgresArtifactStore(database.ConnectionString, ChunkBytes)).Load(v1))
        {
            AssertSameWeights(model, loaded);
        }
        Assert.Equal(v1.Sha256, TensorArchive.Sha256(cached));

        // The worker may add content, never rewrite or remove it.
        foreach (var sql in new[] { "UPDATE corrections.artifact_chunks SET data = '\\x00'", "DELETE FROM corrections.artifacts", "DELETE FROM corrections.artifact_chunks" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => RawSql.ExecuteAsync(database.ConnectionString, sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        // Content changed behind the registry's back (here by the owner) is refused by the hash the registry recorded.
        await RawSql.ExecuteAsync(database.MigratorConnectionString, $"UPDATE corrections.artifact_chunks SET data = '\\x00' WHERE sha256 = '{v1.Sha256}' AND index = 3");
        var fresh = new ModelStore(hostC.Path, new PostgresArtifactStore(database.ConnectionString, ChunkBytes));
        var changed = Assert.Throws<DataFormatException>(() => fresh.Load(v1));
        Assert.Contains(v1.Sha256, changed.Message);
        // Content the database never held is named, and leaves no file behind.
        var unknown = v1 with { Location = "shared/9.ctm", Sha256 = new string('0', 64) };
        Assert.Contains("holds no file", Assert.Throws<DataFormatException>(() => fresh.Load(unknown)).Message);
        Assert.False(File.Exists(Path.Combine(hostC.Path, unknown.Location)));
    }

    [Fact]
    public async Task Should_stream_a_resnet_sized_file_in_and_out_without_holding_it_whole()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        using var host = new TemporaryDirectory();
        // ResNet-18's 11.2 M float32 parameters: about 45 MB.
        const int size = 45 << 20;
        var (source, copy) = (Path.Combine(host.Path, "resnet.bin"), Path.Combine(host.Path, "copy.bin"));
        await File.WriteAllBytesAsync(source, [.. Enumerable.Range(0, size).Select(i => (byte)(i * 2654435761u >> 24))]);
        var sha256 = TensorArchive.Sha256(source);
        var store = new PostgresArtifactStore(database.ConnectionString);
        GC.Collect();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        store.Put(sha256, source);
        using (var destination = File.Create(copy))
        {
            Assert.True(store.TryGet(sha256, destination));
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(sha256, TensorArchive.Sha256(copy));
        // Whole, the file alone would be 45 MB of allocations in each direction; a chunk at a time it is a few MiB.
        Assert.True(allocated < size / 4, $"putting and getting a {size >> 20} MiB file allocated {allocated >> 20} MiB");
    }

    [Fact]
    public void Should_report_an_unreachable_database_as_an_io_failure()
    {
        using var host = new TemporaryDirectory();
        var unreachable = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Username = "nobody", Timeout = 2 }.ConnectionString;
        var store = new ModelStore(host.Path, new PostgresArtifactStore(unreachable));
        var failure = Assert.Throws<IOException>(() => store.Load(new StoredVersion("shared/1.ctm", new string('a', 64), false, 10)));
        Assert.StartsWith("artifact store (PostgreSQL):", failure.Message);
    }

    [Fact]
    public async Task Should_push_the_files_of_a_shared_directory_into_the_database_when_a_deployment_moves()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        using var old = new TemporaryDirectory();
        using var fresh = new TemporaryDirectory();
        using var model = SmallCnn();
        await using (var directory = Services(database, old.Path, "directory"))
        await using (var scope = directory.CreateAsyncScope())
        {
            var registrar = scope.ServiceProvider.GetRequiredService<ModelRegistrar>();
            await registrar.RegisterAsync("moved", model, VersionKind.Base, "test", "before the move", CancellationToken.None);
            await registrar.RegisterAsync("lost", model, VersionKind.Base, "test", "before the move", CancellationToken.None);
            await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<ArtifactPush>().RunAsync(null, CancellationToken.None));
        }
        File.Delete(Path.Combine(old.Path, "lost", "1.ctm"));

        ArtifactPush.Outcome outcome;
        await using (var moved = Services(database, old.Path, "postgres"))
        await using (var scope = moved.CreateAsyncScope())
        {
            outcome = await scope.ServiceProvider.GetRequiredService<ArtifactPush>().RunAsync(null, CancellationToken.None);
        }

        Assert.Equal((2, 1), (outcome.Versions, outcome.Pushed));
        Assert.Equal(["lost/1.ctm"], outcome.Missing);
        Assert.Empty(outcome.Changed);
        await using var registry = new RegistryDbContext((DbContextOptions<RegistryDbContext>)RegistryServiceCollectionExtensions
            .UseCorrectionsPostgres(new DbContextOptionsBuilder<RegistryDbContext>(), database.ConnectionString).Options);
        var version = await registry.Versions.SingleAsync(v => v.StorageLocation == "moved/1.ctm");
        using var loaded = new ModelStore(fresh.Path, new PostgresArtifactStore(database.ConnectionString)).Load(ModelCache.Stored(version));
        AssertSameWeights(model, loaded);
    }

    private static ServiceProvider Services(TestDatabase database, string root, string artifactStore)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = database.OperatorConnectionString,
            ["Pipeline:ModelStoreRoot"] = root,
            ["Pipeline:ArtifactStore"] = artifactStore,
        }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddCorrectionsRegistry(configuration).AddCorrectionsPipeline(configuration).BuildServiceProvider();
    }

    /// <summary>A small CNN whose editable subset is its head (1 % of it), so that an edit is stored as a delta.</summary>
    private static EditableModel SmallCnn()
    {
        var architecture = Architectures.SmallCnn();
        return EditableModel.Create(architecture, Normalization.FashionMnist, "head", new EditorOptions { LearningRate = 0.1, MaxSteps = 5 }, seed: 7);
    }

    private static EditableModel Edited(EditableModel model)
    {
        var edited = model.Clone();
        using (no_grad())
        {
            foreach (var index in edited.Subset.ParameterIndices)
            {
                edited.Network.Parameters[index].add_(0.01);
            }
        }
        return edited;
    }

    private static void AssertSameWeights(EditableModel expected, EditableModel actual)
    {
        Assert.Equal(expected.Network.Parameters.Count, actual.Network.Parameters.Count);
        foreach (var (e, a) in expected.Network.Parameters.Zip(actual.Network.Parameters))
        {
            Assert.True(e.allclose(a, rtol: 0, atol: 0), "a loaded parameter differs from the saved one");
        }
    }
}
