using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A serving system's webhook endpoint, for the fixture's workers to deliver to: it records every POST, and answers 503
/// to the first one for a model named in <see cref="FailFirst"/> (so the retry shows) and 400 to every one for a model in
/// <see cref="Refuse"/> (so a failed delivery shows).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "integration-webhook-secret";

    private WebApplication? _app;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentDictionary<string, bool> FailFirst { get; } = new();
    public ConcurrentDictionary<string, bool> Refuse { get; } = new();
    public string Url { get; private set; } = "";

    public sealed record Received(string Event, string? Signature, byte[] Body, string Model, int Status);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var model = JsonDocument.Parse(body).RootElement.GetProperty("model").GetString() ?? "";
            var status = Refuse.ContainsKey(model) ? 400 : FailFirst.TryRemove(model, out _) ? 503 : 200;
            Requests.Enqueue(new Received(request.Headers["X-Corrections-Event"].ToString(), request.Headers["X-Corrections-Signature"], body, model, status));
            return Results.StatusCode(status);
        });
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hook";
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
