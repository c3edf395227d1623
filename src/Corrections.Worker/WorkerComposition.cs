using System.Text.Json;
using Corrections.Http;
using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Producers;
using Corrections.Pipeline.Scheduling;
using Corrections.Registry;
using MassTransit;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Quartz;

namespace Corrections.Worker;

/// <summary>
/// The worker's one composition root: <c>Program.cs</c> and the integration tests build their hosts with it, so the
/// tests run what production runs, warm-up included.
/// </summary>
public static class WorkerComposition
{
    /// <summary>
    /// Every service of a worker. Order matters for start-up: check the schema is current (the worker never migrates), then warm the caches (a validation set that cannot
    /// be loaded stops the start), then start the bus, so consumers begin warm. <paramref name="consumers"/> adds
    /// consumers beside the pipeline's (a test's event recorder).
    /// </summary>
    public static WebApplicationBuilder AddCorrectionsWorker(this WebApplicationBuilder builder, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        // The producer of a consumed report is the broker's validated user_id, never a field of the message.
        builder.Services.AddSingleton(new BrokerPrincipal(BrokerUser.Of));
        builder.Services
            .AddCorrectionsRegistry(builder.Configuration)
            .AddRegistrySchemaCheck()
            .AddCorrectionsPipeline(builder.Configuration)
            .AddPipelineWarmup()
            .AddChainSweep()
            .AddCorrectionsMessaging(builder.Configuration, bus =>
            {
                bus.AddPipelineConsumers();
                consumers?.Invoke(bus);
            });
        // Scheduled retraining (Retraining:Schedules), on the clustered Quartz store in the registry database.
        if (builder.Configuration["Postgres:ConnectionString"] is { Length: > 0 } registry)
        {
            builder.Services.AddRetrainingScheduler(builder.Configuration, registry);
            builder.Services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
        }
        builder.Services.AddCorrectionsHttp();
        // Health of the registry, the model store, the validation sets and the bus at /health; metrics at /metrics.
        builder.Services.AddPipelineHealthChecks();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(PipelineMetrics.MeterName, "MassTransit")
            .AddPrometheusExporter());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes(builder.Configuration));
        return builder;
    }

    /// <summary>
    /// The largest HTTP body Kestrel reads (a larger one is answered 413 before it is parsed): a report is at most
    /// <c>Pipeline:MaxInputBytes</c> of payload, base64 in JSON (4/3), plus the envelope.
    /// </summary>
    public static long MaxRequestBodyBytes(IConfiguration configuration) =>
        configuration.GetValue("Pipeline:MaxInputBytes", 4 * 1024 * 1024) / 3 * 4 + 64 * 1024;

    /// <summary>The worker's HTTP surface: the API v1 and its OpenAPI document, health (JSON, every check with its description), metrics.</summary>
    public static WebApplication MapCorrectionsWorker(this WebApplication app)
    {
        app.MapCorrectionsHttp();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.ToDictionary(d => d.Key, d => d.Value?.ToString()),
            }),
        }, _json));
    }

    private static readonly JsonSerializerOptions _json = new() { WriteIndented = true };
}
