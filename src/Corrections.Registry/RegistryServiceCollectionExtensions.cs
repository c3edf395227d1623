using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corrections.Registry;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>Registers <see cref="RegistryDbContext"/> on PostgreSQL, with options checked at start.</summary>
    public static IServiceCollection AddCorrectionsRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostgresOptions>()
            .Bind(configuration.GetSection(PostgresOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<RegistryLogin>();
        services.AddDbContext<RegistryDbContext>((provider, options) => UseCorrectionsPostgres(options,
            provider.GetRequiredService<RegistryLogin>().ConnectionString(provider.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString)));
        return services;
    }

    public static DbContextOptionsBuilder UseCorrectionsPostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsAssembly(PostgresOptions.MigrationsAssembly)
                .MigrationsHistoryTable("__ef_migrations_history", "corrections"))
            .UseSnakeCaseNamingConvention();
}
