using Corrections.Pipeline.Migration;
using Corrections.Worker;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

// appsettings.json ships next to the binary; the worker may be started from anywhere.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// CORRECTIONS_POSTGRES__CONNECTIONSTRING -> Postgres:ConnectionString, as printed by `scripts/services env`.
builder.Configuration.AddEnvironmentVariables("CORRECTIONS_");

// `corrections-worker migrate`: the separate step that brings the schema up to date, as the migrator login.
if (args is ["migrate", ..])
{
    return await WorkerMigration.RunAsync(builder.Configuration);
}

builder.AddCorrectionsWorker();
var app = builder.Build();
app.MapCorrectionsWorker();
try
{
    await app.RunAsync();
    return 0;
}
catch (RegistrySchemaException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
