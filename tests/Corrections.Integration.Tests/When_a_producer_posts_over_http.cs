using System.Net;
using System.Net.Http.Json;
using Corrections.Http;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Messaging;
using Corrections.Registry.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_a_producer_posts_over_http(PipelineService pipeline)
{
    [Fact]
    public async Task Should_publish_the_report_to_the_pipeline_and_refuse_one_without_an_id()
    {
        const string model = "flow-http";
        await pipeline.RegisterAsync(model);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(pipeline.RabbitSettings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddCorrectionsMessaging(builder.Configuration);
        await using var app = builder.Build();
        app.MapReportEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var report = pipeline.Report(model, 70);

        var accepted = await http.PostAsJsonAsync(ReportEndpoints.Path, report);
        var withoutId = await http.PostAsJsonAsync(ReportEndpoints.Path, report with { ReportId = Guid.Empty });
        var notJson = await http.PostAsync(ReportEndpoints.Path, new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the posted report is applied");
        await app.StopAsync();
    }
}
