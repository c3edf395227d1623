using System.Net;
using System.Net.Http.Json;
using Corrections.Http;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Producers;
using Corrections.Registry.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_a_producer_posts_over_http(PipelineService pipeline)
{
    [Fact]
    public async Task Should_publish_the_report_as_the_producer_its_key_proves()
    {
        const string model = "flow-http";
        await pipeline.RegisterAsync(model);
        await using var app = await StartAsync();
        using var http = Client(app, pipeline.ProducerKey);
        var report = pipeline.Report(model, 70);

        var accepted = await http.PostAsJsonAsync(ReportEndpoints.Path, report);
        var retried = await http.PostAsJsonAsync(ReportEndpoints.Path, report);
        var withoutId = await http.PostAsJsonAsync(ReportEndpoints.Path, report with { ReportId = Guid.Empty });
        var notJson = await http.PostAsync(ReportEndpoints.Path, new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the posted report is applied");
        await using var registry = pipeline.Registry();
        Assert.Equal(pipeline.ProducerName, await registry.Reports.Where(r => r.ReportId == report.ReportId).Select(r => r.Producer).SingleAsync());

        // Another report under the same id: refused at once, the original kept.
        var reused = await http.PostAsJsonAsync(ReportEndpoints.Path, pipeline.Report(model, 71, report.ReportId));
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id-reused", await reused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_refuse_a_missing_unknown_or_revoked_key_with_problem_details()
    {
        const string model = "flow-http-refused";
        await pipeline.RegisterAsync(model);
        var revokedKey = await pipeline.AddProducerAsync("http-revoked", ProducerTrust.Trusted);
        await using (var scope = pipeline.Operator.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProducerDirectory>().RevokeAsync("http-revoked", "left the team", "test", CancellationToken.None);
        }
        await using var app = await StartAsync();
        var reports = Enumerable.Range(72, 4).Select(i => pipeline.Report(model, i)).ToList();

        using var anonymous = Client(app, key: null);
        using var wrong = Client(app, ApiKeys.New());
        using var revoked = Client(app, revokedKey);
        using var viaHeader = Client(app, key: null);
        viaHeader.DefaultRequestHeaders.Add(ProducerKey.Header, "not-a-key");
        var responses = new[]
        {
            await anonymous.PostAsJsonAsync(ReportEndpoints.Path, reports[0]),
            await wrong.PostAsJsonAsync(ReportEndpoints.Path, reports[1]),
            await revoked.PostAsJsonAsync(ReportEndpoints.Path, reports[2]),
            await viaHeader.PostAsJsonAsync(ReportEndpoints.Path, reports[3]),
        };

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized], responses.Select(r => r.StatusCode));
        Assert.All(responses, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal("Bearer", responses[0].Headers.WwwAuthenticate.Single().Scheme);
        // Nothing reached the broker: no row for any of them, even after the worker had time to see one.
        await Task.Delay(1500);
        await using var registry = pipeline.Registry();
        var ids = reports.Select(r => r.ReportId).ToList();
        Assert.Equal(0, await registry.Reports.CountAsync(r => ids.Contains(r.ReportId)));
    }

    [Fact]
    public async Task Should_answer_413_to_a_body_over_the_limit_without_parsing_it()
    {
        const string model = "flow-http-large";
        await pipeline.RegisterAsync(model);
        await using var app = await StartAsync(maxInputBytes: 1024);
        using var http = Client(app, pipeline.ProducerKey);
        var limit = Corrections.Worker.WorkerComposition.MaxRequestBodyBytes(app.Configuration);
        var report = pipeline.Report(model, 76);
        var oversized = report with { Input = new Contracts.ReportedInput { Shape = [1, 28, 28], Tensor = new byte[limit] } };

        var response = await http.PostAsJsonAsync(ReportEndpoints.Path, oversized);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await Task.Delay(1000);
        await using var registry = pipeline.Registry();
        Assert.False(await registry.Reports.AnyAsync(r => r.ReportId == report.ReportId));
    }

    private Task<WebApplication> StartAsync(int? maxInputBytes = null) => HttpApiHost.StartAsync(pipeline, maxInputBytes);

    private static HttpClient Client(WebApplication app, string? key) => HttpApiHost.Client(app, key);
}
