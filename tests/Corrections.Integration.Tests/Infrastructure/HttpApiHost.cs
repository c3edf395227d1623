using System.Net.Http.Headers;
using Corrections.Http;
using Corrections.Messaging;
using Corrections.Pipeline;
using Corrections.Pipeline.Scheduling;
using Corrections.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>The HTTP API as the worker hosts it (its body limit too), on a port of its own, logged in to the broker and the registry as the worker.</summary>
public static class HttpApiHost
{
    public static async Task<WebApplication> StartAsync(PipelineService pipeline, int? maxInputBytes = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(pipeline.RabbitSettings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Postgres:ConnectionString"] = pipeline.ConnectionString,
            ["Pipeline:ModelStoreRoot"] = pipeline.Store.Path,
        });
        if (maxInputBytes is { } max)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pipeline:MaxInputBytes"] = $"{max}" });
        }
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Corrections.Worker.WorkerComposition.MaxRequestBodyBytes(builder.Configuration));
        builder.Services.AddCorrectionsHttp();
        builder.Services.AddCorrectionsRegistry(builder.Configuration).AddCorrectionsPipeline(builder.Configuration).AddCorrectionsMessaging(builder.Configuration);
        // A retrain asked over HTTP goes to the fixture's workers, whose clustered schedulers share this store.
        builder.Services.AddRetrainingTrigger(pipeline.ConnectionString);
        var app = builder.Build();
        app.MapCorrectionsHttp();
        await app.StartAsync();
        return app;
    }

    /// <summary>The address <paramref name="app"/> listens on (its port is the system's choice).</summary>
    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <summary>A client of <paramref name="app"/> that sends <paramref name="key"/> as a Bearer token (none when null).</summary>
    public static HttpClient Client(WebApplication app, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Address(app)) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }
}
