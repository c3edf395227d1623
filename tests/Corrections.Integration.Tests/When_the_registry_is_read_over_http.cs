using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Corrections.Editing.Tests;
using Corrections.Http;
using Corrections.Integration.Tests.Infrastructure;
using Corrections.Pipeline.Queries;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Corrections.Integration.Tests;

[Collection(Workers.Name)]
public class When_the_registry_is_read_over_http(PipelineService pipeline)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Indented and unescaped, so the checked-in document reads well in a diff.
    private static readonly JsonSerializerOptions Document = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Should_tell_a_producer_what_became_of_its_report_and_no_one_else()
    {
        const string model = "http-read-report";
        await pipeline.RegisterAsync(model);
        var otherKey = await pipeline.AddProducerAsync("http-read-other", ProducerTrust.Trusted);
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var http = HttpApiHost.Client(app, pipeline.ProducerKey);
        using var other = HttpApiHost.Client(app, otherKey);
        using var anonymous = HttpApiHost.Client(app, key: null);
        var report = pipeline.Report(model, 77);
        var posted = await http.PostAsJsonAsync(ReportEndpoints.Path, report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the report is applied");

        var mine = await http.GetAsync(posted.Headers.Location);
        var theirs = await other.GetAsync(posted.Headers.Location);
        var nobody = await anonymous.GetAsync(posted.Headers.Location);
        var unknown = await http.GetAsync($"/v1/reports/{Guid.NewGuid()}");
        var applied = await http.GetFromJsonAsync<List<ReportRow>>($"/v1/reports?model={model}&status=applied", Json);
        var badStatus = await http.GetAsync($"/v1/reports?status=finished");
        var badLimit = await http.GetAsync($"/v1/reports?limit=0");

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        var row = (await mine.Content.ReadFromJsonAsync<ReportRow>(Json))!;
        Assert.Equal((report.ReportId, "Applied", pipeline.ProducerName), (row.ReportId, row.Status, row.Producer));
        Assert.True(row.Version > 1, $"version {row.Version}");
        Assert.NotNull(row.AppliedAt);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.All(new[] { theirs, nobody, unknown, badStatus, badLimit }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Equal([report.ReportId], applied!.Select(r => r.ReportId));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Should_list_models_versions_and_aliases_from_the_same_queries_as_the_cli()
    {
        const string model = "http-read-models";
        var v1 = await pipeline.RegisterAsync(model);
        await pipeline.Bus.Publish(pipeline.Report(model, 78));
        await pipeline.WaitUntilAsync(async db => await db.Versions.CountAsync(v => v.ModelId == v1.ModelId && v.Status == VersionStatus.Accepted) >= 2, "an edit is promoted");
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var http = HttpApiHost.Client(app, pipeline.ProducerKey);

        var models = await http.GetFromJsonAsync<List<ModelRow>>("/v1/models", Json);
        var one = await http.GetFromJsonAsync<ModelRow>($"/v1/models/{model}", Json);
        var page = await http.GetFromJsonAsync<VersionPage>($"/v1/models/{model}/versions?size=1&page=2", Json);
        var first = await http.GetFromJsonAsync<VersionDetail>($"/v1/models/{model}/versions/1", Json);
        var alias = await http.GetFromJsonAsync<AliasTarget>($"/v1/models/{model}/aliases/production", Json);
        var missing = new[]
        {
            await http.GetAsync("/v1/models/no-such-model"),
            await http.GetAsync($"/v1/models/{model}/versions/999"),
            await http.GetAsync($"/v1/models/{model}/aliases/staging"),
            await http.GetAsync("/v1/models/no-such-model/versions"),
        };
        var badPage = await http.GetAsync($"/v1/models/{model}/versions?size=0");

        Assert.Contains(models!, m => m.Name == model);
        Assert.Equal(alias!.Version, one!.Aliases["production"]);
        Assert.Equal((2, 1), (page!.Page, page.Versions.Count));
        Assert.True(page.Total >= 2);
        Assert.Equal(2, page.Versions[0].Version);
        Assert.Equal(("Base", "Accepted"), (first!.Summary.Kind, first.Summary.Status));
        Assert.Matches("^[0-9a-f]{64}$", first.Sha256);
        Assert.Equal([1], first.Lineage.Select(l => l.Version));
        await using (var registry = pipeline.Registry())
        {
            var production = await registry.Versions.SingleAsync(v => v.ModelId == v1.ModelId && v.Number == alias.Version);
            Assert.Equal(production.Sha256, alias.Sha256);
        }
        var promoted = await http.GetFromJsonAsync<VersionDetail>($"/v1/models/{model}/versions/{alias.Version}", Json);
        Assert.Contains(promoted!.Validations, v => v.Set == PipelineService.HeldOutSet && v.Passed);
        Assert.Single(promoted.Lineage[^1].Reports);
        Assert.All(missing, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
    }

    [Fact]
    public async Task Should_hand_out_a_version_whole_as_ctm_or_safetensors_with_its_hash_as_etag()
    {
        const string model = PipelineService.ArtifactModel;
        var v1 = await pipeline.RegisterAsync(model);
        await pipeline.Bus.Publish(pipeline.Report(model, 79));
        await pipeline.WaitUntilAsync(async db => await db.Versions.CountAsync(v => v.ModelId == v1.ModelId && v.Status == VersionStatus.Accepted) >= 2, "an edit is promoted");
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var http = HttpApiHost.Client(app, pipeline.ProducerKey);
        var alias = (await http.GetFromJsonAsync<AliasTarget>($"/v1/models/{model}/aliases/production", Json))!;
        using var directory = new TemporaryDirectory();

        var ctm = await http.GetAsync($"/v1/models/{model}/versions/{alias.Version}/artifact");
        var safetensors = await http.GetAsync($"/v1/models/{model}/versions/{alias.Version}/artifact?format=safetensors");
        var viaAlias = await http.GetAsync($"/v1/models/{model}/aliases/production/artifact");
        // What a serving system that heard the promotion fetches.
        var announced = new Contracts.ModelPromoted
        {
            Model = model,
            Alias = "production",
            Version = alias.Version,
            Reason = "test",
            Actor = "test",
            PromotedAt = DateTimeOffset.UtcNow,
        };
        var viaEvent = await http.GetAsync(announced.Artifact);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/v1/models/{model}/versions/{alias.Version}/artifact");
        conditional.Headers.IfNoneMatch.Add(ctm.Headers.ETag!);
        var unchanged = await http.SendAsync(conditional);
        var badFormat = await http.GetAsync($"/v1/models/{model}/versions/{alias.Version}/artifact?format=onnx");
        var missing = await http.GetAsync($"/v1/models/{model}/versions/999/artifact");

        Assert.Equal(HttpStatusCode.OK, ctm.StatusCode);
        var ctmPath = directory.File("m.ctm");
        await File.WriteAllBytesAsync(ctmPath, await ctm.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{Corrections.Editing.Persistence.TensorArchive.Sha256(ctmPath)}\"", ctm.Headers.ETag!.Tag);
        Assert.Equal(ctm.Headers.ETag, viaAlias.Headers.ETag);
        Assert.Equal(ctm.Headers.ETag, viaEvent.Headers.ETag);
        Assert.Contains("\"artifact\"", System.Text.Json.JsonSerializer.Serialize(announced, Json));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // Its versions are stored as deltas (a remembering chain); what comes out is whole, and both formats hold the same tensors as the store's model.
        var safetensorsPath = directory.File("m.safetensors");
        await File.WriteAllBytesAsync(safetensorsPath, await safetensors.Content.ReadAsByteArrayAsync());
        using var fromCtm = Corrections.Editing.EditableModel.Load(ctmPath);
        using var fromSafetensors = Corrections.Editing.EditableModel.Load(safetensorsPath);
        await using var registry = pipeline.Registry();
        var production = await registry.Versions.SingleAsync(v => v.ModelId == v1.ModelId && v.Number == alias.Version);
        Assert.True(production.IsDelta);
        var stored = pipeline.Services.GetRequiredService<Corrections.Pipeline.Edits.ModelCache>().Get(production);
        foreach (var (name, tensor) in stored.NamedTensors())
        {
            Assert.True(tensor.eq(fromCtm.NamedTensors().Single(t => t.Name == name).Tensor).all().item<bool>(), $"{name} (ctm)");
            Assert.True(tensor.eq(fromSafetensors.NamedTensors().Single(t => t.Name == name).Tensor).all().item<bool>(), $"{name} (safetensors)");
        }
    }

    [Fact]
    public async Task Should_confirm_a_fix_by_predicting_the_corrected_label_on_production_and_the_old_one_on_v1()
    {
        const string model = "http-predict";
        await pipeline.RegisterAsync(model);
        var report = pipeline.Report(model, 80);
        await pipeline.Bus.Publish(report);
        await pipeline.WaitUntilAsync(async db => await db.Reports.AnyAsync(r => r.ReportId == report.ReportId && r.Status == ReportStatus.Applied), "the report is applied");
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var http = HttpApiHost.Client(app, pipeline.ProducerKey);
        var png = pipeline.ReportAsPng(model, 80).Input;

        var now = await http.PostAsJsonAsync($"/v1/models/{model}/predict", new PredictRequest { Inputs = [report.Input, png], Top = 2 });
        var before = await http.PostAsJsonAsync($"/v1/models/{model}/predict", new PredictRequest { Inputs = [report.Input], Version = 1 });
        var wrongShape = await http.PostAsJsonAsync($"/v1/models/{model}/predict",
            new PredictRequest { Inputs = [new Contracts.ReportedInput { Shape = [3, 28, 28], Tensor = new byte[3 * 28 * 28 * 4] }] });
        var tooMany = await http.PostAsJsonAsync($"/v1/models/{model}/predict", new PredictRequest { Inputs = [.. Enumerable.Repeat(report.Input, PredictEndpoints.MaxInputs + 1)] });
        var unknown = await http.PostAsJsonAsync("/v1/models/no-such-model/predict", new PredictRequest { Inputs = [report.Input] });
        var noVersion = await http.PostAsJsonAsync($"/v1/models/{model}/predict", new PredictRequest { Inputs = [report.Input], Version = 999 });
        using var anonymous = HttpApiHost.Client(app, key: null);
        var nobody = await anonymous.PostAsJsonAsync($"/v1/models/{model}/predict", new PredictRequest { Inputs = [report.Input] });

        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        var fixedNow = (await now.Content.ReadFromJsonAsync<PredictResponse>(Json))!;
        Assert.True(fixedNow.Version > 1);
        Assert.Equal([report.CorrectLabel, report.CorrectLabel], fixedNow.Predictions.Select(p => p[0].Label));
        Assert.All(fixedNow.Predictions, p => Assert.Equal(2, p.Count));
        Assert.All(fixedNow.Predictions, p => Assert.True(p[0].Probability >= p[1].Probability && p[0].Probability <= 1));
        var old = (await before.Content.ReadFromJsonAsync<PredictResponse>(Json))!;
        Assert.Equal((1, report.PredictedLabel), (old.Version, old.Predictions[0][0].Label));
        Assert.Equal(HttpStatusCode.BadRequest, wrongShape.StatusCode);
        Assert.Contains("shape-mismatch", await wrongShape.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    /// <summary>
    /// The served OpenAPI document is the checked-in one, so every change to the API shows in a diff. After a deliberate
    /// change: <c>CORRECTIONS_WRITE_OPENAPI=1 scripts/test --filter FullyQualifiedName~OpenApi</c> rewrites it.
    /// </summary>
    [Fact]
    public async Task Should_serve_the_checked_in_openapi_document()
    {
        await using var app = await HttpApiHost.StartAsync(pipeline);
        using var http = HttpApiHost.Client(app, key: null);
        var served = JsonNode.Parse(await http.GetStringAsync(HttpApi.OpenApiPath))!.ToJsonString(Document);
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi-v1.json");
        if (Environment.GetEnvironmentVariable("CORRECTIONS_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served + "\n");
        }

        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(path))!.ToJsonString(Document);
        Assert.Equal(checkedIn, served);
        foreach (var operation in new[] { "PostReport", "GetReport", "ListReports", "ListModels", "GetModel", "ListVersions", "GetVersion", "GetAlias", "GetArtifact", "GetAliasArtifact", "Predict" })
        {
            Assert.Contains($"\"operationId\": \"{operation}\"", served, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Corrections.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Corrections.sln not found above the test binaries.");
    }
}
