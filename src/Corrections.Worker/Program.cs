using Corrections.Messaging;
using Corrections.Registry;

var builder = Host.CreateApplicationBuilder(args);
// CORRECTIONS_POSTGRES__CONNECTIONSTRING -> Postgres:ConnectionString, as printed by `scripts/services env`.
builder.Configuration.AddEnvironmentVariables("CORRECTIONS_");

builder.Services
    .AddCorrectionsRegistry(builder.Configuration)
    .AddRegistryMigrationOnStart(builder.Configuration)
    .AddCorrectionsMessaging(builder.Configuration);

await builder.Build().RunAsync();
