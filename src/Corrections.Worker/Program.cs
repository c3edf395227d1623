using Corrections.Http;
using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Scheduling;
using OpenTelemetry.Metrics;
using Quartz;
using Corrections.Registry;

// Before anything touches libtorch: malloc tuning and its log level (see NativeRuntime).
Corrections.Editing.NativeRuntime.Prepare();

// appsettings.json ships next to the binary; the worker may be started from anywhere.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// CORRECTIONS_POSTGRES__CONNECTIONSTRING -> Postgres:ConnectionString, as printed by `scripts/services env`.
builder.Configuration.AddEnvironmentVariables("CORRECTIONS_");

// Order matters for start-up: migrate, then warm the caches, then start the bus (consumers begin once warm).
builder.Services
    .AddCorrectionsRegistry(builder.Configuration)
    .AddRegistryMigrationOnStart(builder.Configuration)
    .AddCorrectionsPipeline(builder.Configuration)
    .AddPipelineWarmup()
    .AddCorrectionsMessaging(builder.Configuration, bus => bus.AddPipelineConsumers());
// Scheduled retraining (Retraining:Schedules), on the clustered Quartz store in the registry database.
if (builder.Configuration["Postgres:ConnectionString"] is { Length: > 0 } registry)
{
    builder.Services.AddRetrainingScheduler(builder.Configuration, registry);
    builder.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
}
// Health of the registry, the model store and the bus at /health; the pipeline's and MassTransit's metrics at /metrics.
builder.Services.AddPipelineHealthChecks();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(PipelineMetrics.MeterName, "MassTransit")
    .AddPrometheusExporter());
// A report is at most MaxInputBytes of payload, base64 in JSON (4/3), plus the envelope.
var maxInput = builder.Configuration.GetValue("Pipeline:MaxInputBytes", 4 * 1024 * 1024);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxInput / 3 * 4 + 64 * 1024);

var app = builder.Build();
app.MapReportEndpoints();
app.MapHealthChecks("/health");
app.MapPrometheusScrapingEndpoint();
await app.RunAsync();
