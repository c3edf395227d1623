using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Registry;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

var builder = Host.CreateApplicationBuilder(args);
// CORRECTIONS_POSTGRES__CONNECTIONSTRING -> Postgres:ConnectionString, as printed by `scripts/services env`.
builder.Configuration.AddEnvironmentVariables("CORRECTIONS_");

builder.Services
    .AddCorrectionsRegistry(builder.Configuration)
    .AddRegistryMigrationOnStart(builder.Configuration)
    .AddCorrectionsPipeline(builder.Configuration)
    .AddCorrectionsMessaging(builder.Configuration, bus => bus.AddPipelineConsumers());

await builder.Build().RunAsync();
