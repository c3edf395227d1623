using Corrections.Worker;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

// appsettings.json ships next to the binary; the worker may be started from anywhere.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// CORRECTIONS_POSTGRES__CONNECTIONSTRING -> Postgres:ConnectionString, as printed by `scripts/services env`.
builder.Configuration.AddEnvironmentVariables("CORRECTIONS_");
builder.AddCorrectionsWorker();

var app = builder.Build();
app.MapCorrectionsWorker();
await app.RunAsync();
