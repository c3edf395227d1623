using Corrections.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Corrections.Migrations;

/// <summary>
/// Lets `dotnet ef` build the context without a host. Adding a migration needs no database; applying one reads
/// CORRECTIONS_POSTGRES__CONNECTIONSTRING.
/// </summary>
public sealed class DesignTimeRegistryFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("CORRECTIONS_POSTGRES__CONNECTIONSTRING")
            ?? "Host=127.0.0.1;Port=5442;Database=corrections;Username=corrections;Password=corrections";
        var options = RegistryServiceCollectionExtensions.UseCorrectionsPostgres(new DbContextOptionsBuilder<RegistryDbContext>(), connectionString);
        return new RegistryDbContext((DbContextOptions<RegistryDbContext>)options.Options);
    }
}
