using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Corrections.Http;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Messaging;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Queries;
using Corrections.Registry.Entities;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_an_operator_decides_over_http(PipelineService pipeline)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Should_roll_back_and_promote_as_the_operators_login_and_refuse_every_other_caller()
    {
        const string model = "http-operator-move";
        var v1 = await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, 81);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the report is applied");
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var @operator = Operator(app, DatabaseLogins.Operator, DatabaseLogins.Operator);
        using var wrongPassword = Operator(app, DatabaseLogins.Operator, "not-the-password");
        using var page = Operator(app, DatabaseLogins.Operator, "not-the-password");
        page.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        using var worker = Operator(app, DatabaseLogins.Worker, DatabaseLogins.Worker);
        using var producer = HttpApiHost.Client(app, pipeline.ProducerKey);
        var production = (await @operator.GetFromJsonAsync<AliasTarget>($"/v1/models/{model}/aliases/production", Json))!.Version;

        var me = await @operator.GetFromJsonAsync<OperatorIdentity>("/v1/operator", Json);
        var back = await @operator.PostAsJsonAsync($"/v1/models/{model}/rollback", new AliasMoveRequest(1, "http test: back to the base"));
        var notOlder = await @operator.PostAsJsonAsync($"/v1/models/{model}/rollback", new AliasMoveRequest(production, "forward is not back"));
        var noReason = await @operator.PostAsJsonAsync($"/v1/models/{model}/promote", new AliasMoveRequest(production, " "));
        var forward = await @operator.PostAsJsonAsync($"/v1/models/{model}/promote", new AliasMoveRequest(production, "http test: the fix again"));
        var refused = new[]
        {
            await wrongPassword.PostAsJsonAsync($"/v1/models/{model}/rollback", new AliasMoveRequest(1, "guessing")),
            await page.PostAsJsonAsync($"/v1/models/{model}/rollback", new AliasMoveRequest(1, "guessing")),
            await worker.PostAsJsonAsync($"/v1/models/{model}/rollback", new AliasMoveRequest(1, "a writer is no operator")),
            await producer.PostAsJsonAsync($"/v1/models/{model}/rollback", new AliasMoveRequest(1, "a producer is no operator")),
        };
        var missing = new[]
        {
            await @operator.PostAsJsonAsync("/v1/models/no-such-model/rollback", new AliasMoveRequest(1, "none")),
            await @operator.PostAsJsonAsync($"/v1/models/{model}/promote", new AliasMoveRequest(999, "none")),
        };
        // An operator reads every producer's reports, as the CLI's history does.
        var reports = await @operator.GetFromJsonAsync<List<ReportRow>>($"/v1/reports?model={model}", Json);

        Assert.Equal(DatabaseLogins.Operator, me!.Login);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        var moved = (await back.Content.ReadFromJsonAsync<AliasMoved>(Json))!;
        Assert.Equal((production, 1, true, DatabaseLogins.Operator), (moved.FromVersion, moved.ToVersion, moved.Rollback, moved.Actor));
        Assert.Equal(HttpStatusCode.Conflict, notOlder.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forward.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized], refused.Select(r => r.StatusCode));
        Assert.StartsWith("Basic", refused[0].Headers.WwwAuthenticate.Single().Scheme);
        Assert.Empty(refused[1].Headers.WwwAuthenticate);
        Assert.All(missing, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.All(refused.Concat(missing).Append(notOlder).Append(noReason), r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal([report.ReportId], reports!.Select(r => r.ReportId));
        await using var registry = pipeline.Registry();
        var moves = await registry.Promotions.Where(p => p.ModelId == v1.ModelId).OrderBy(p => p.Id).ToListAsync();
        // The two HTTP decisions, after the registration's and the gate's promotions, recorded with the login that made them.
        Assert.Equal([false, false, true, false], moves.Select(p => p.IsRollback));
        Assert.All(moves[^2..], p => Assert.Equal(DatabaseLogins.Operator, p.Actor));
        Assert.Equal("http test: back to the base", moves[^2].Reason);
        Assert.Equal(production, await registry.Versions.Where(v => v.Id == registry.Aliases.Single(a => a.ModelId == v1.ModelId && a.Name == "production").VersionId).Select(v => v.Number).SingleAsync());
        // Announced like the CLI's: the webhook subscriber hears the rollback.
        await pipeline.WaitUntilAsync(async _ => await Task.FromResult(pipeline.Webhooks.Requests.Any(r => r.Model == model && r.Event == "ModelRolledBack")), "the rollback reaches the webhook");
        // It names the file and its hash: the ETag a serving system's fetch of v1 gets.
        using var announced = JsonDocument.Parse(pipeline.Webhooks.Requests.First(r => r.Model == model && r.Event == "ModelRolledBack").Body);
        var artifact = await @operator.GetAsync(announced.RootElement.GetProperty("artifact").GetString());
        Assert.Equal($"\"{announced.RootElement.GetProperty("sha256").GetString()}\"", artifact.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Should_approve_a_reviewed_candidate_and_ask_the_scheduler_for_a_retrain()
    {
        const string model = "http-operator-approve";
        var v1 = await pipeline.RegisterAsync(model);
        await pipeline.AddProducerAsync("http-reviewed", ProducerTrust.Reviewed);
        var reviewed = pipeline.Report(model, 82);
        await pipeline.WorkerBus.Publish(reviewed, c => BrokerUser.Stamp(c, "http-reviewed"));
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.ModelId == v1.ModelId && v.Status == VersionStatus.AwaitingApproval),
            "the reviewed report's candidate awaits approval");
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var @operator = Operator(app, DatabaseLogins.Operator, DatabaseLogins.Operator);
        var versions = (await @operator.GetFromJsonAsync<VersionPage>($"/v1/models/{model}/versions", Json))!;
        var awaiting = versions.Versions.Single(v => v.Status == nameof(VersionStatus.AwaitingApproval)).Version;

        var refuseWithout = await @operator.PostAsJsonAsync($"/v1/models/{model}/versions/{awaiting}/refuse", new RefuseRequest(""));
        var approved = await @operator.PostAsync($"/v1/models/{model}/versions/{awaiting}/approve", null);
        var again = await @operator.PostAsync($"/v1/models/{model}/versions/{awaiting}/approve", null);
        var retrain = await @operator.PostAsync($"/v1/models/{model}/retrain", null);

        Assert.Equal(HttpStatusCode.BadRequest, refuseWithout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var outcome = (await approved.Content.ReadFromJsonAsync<ApprovalOutcome>(Json))!;
        Assert.True(outcome.Promoted);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retrain.StatusCode);
        var accepted = (await retrain.Content.ReadFromJsonAsync<RetrainAccepted>(Json))!;
        Assert.Equal((1, DatabaseLogins.Operator), (accepted.Corrections, accepted.RequestedBy));
        Assert.Equal($"/v1/models/{model}/versions", retrain.Headers.Location!.OriginalString);
        await using (var registry = pipeline.Registry())
        {
            var applied = await registry.Reports.SingleAsync(r => r.ReportId == reviewed.ReportId);
            Assert.Equal((ReportStatus.Applied, DatabaseLogins.Operator), (applied.Status, applied.ApprovedBy));
            Assert.Equal(DatabaseLogins.Operator, (await registry.Promotions.Where(p => p.ModelId == v1.ModelId).OrderBy(p => p.Id).LastAsync()).Actor);
        }
        await pipeline.WaitUntilAsync(async db => await db.Versions.AnyAsync(v => v.ModelId == v1.ModelId && v.Kind == VersionKind.Retrain && v.CreatedBy.Contains(accepted.Trigger)),
            "a worker node runs the retrain asked over HTTP", 120);
    }

    private static HttpClient Operator(Microsoft.AspNetCore.Builder.WebApplication app, string login, string password)
    {
        var client = HttpApiHost.Client(app, key: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
        return client;
    }
}
