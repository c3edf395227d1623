using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Registry;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

// appsettings.json ships next to the binary; the worker may be started from anywhere.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
// CORRECTIONS_POSTGRES__CONNECTIONSTRING -> Postgres:ConnectionString, as printed by `scripts/services env`.
builder.Configuration.AddEnvironmentVariables("CORRECTIONS_");

builder.Services
    .AddCorrectionsRegistry(builder.Configuration)
    .AddRegistryMigrationOnStart(builder.Configuration)
    .AddCorrectionsPipeline(builder.Configuration)
    .AddPipelineWarmup()
    .AddCorrectionsMessaging(builder.Configuration, bus => bus.AddPipelineConsumers());

await builder.Build().RunAsync();
