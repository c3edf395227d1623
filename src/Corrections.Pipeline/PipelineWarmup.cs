using Corrections.Editing.Evaluation;
using System.Diagnostics;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Gate;
using Corrections.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corrections.Pipeline;

/// <summary>
/// Loads every model's production version, its validation sets and their cached activations before the bus starts
/// (it is registered ahead of it), so the first reports after a restart do not wait seconds for what later ones get in
/// milliseconds. A failure here is logged, not fatal: the caches fill on first use instead.
/// </summary>
public sealed class PipelineWarmup(
    IServiceScopeFactory scopes, ModelCache models, ValidationFeatures features, ValidationData data, ComputeGate gate,
    IOptions<PipelineOptions> options, ILogger<PipelineWarmup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var alias = options.Value.Alias;
            var productions = await db.Aliases.AsNoTracking().Where(a => a.Name == alias)
                .Select(a => new { Model = db.Models.Single(m => m.Id == a.ModelId), a.Version }).ToListAsync(cancellationToken);
            foreach (var production in productions)
            {
                var trained = await db.TrainedAsync(production.Version!, cancellationToken);
                await gate.RunAsync(() =>
                {
                    var model = models.Get(production.Version!);
                    var trainedModel = models.Get(trained);
                    foreach (var (set, examples) in data.For(production.Model.Name, production.Model.InputShape, production.Model.ClassCount))
                    {
                        features.ErrorRate(set.Name, examples, production.Version!.Id, model, trained.Id, trainedModel);
                    }
                    return 0;
                }, cancellationToken);
            }
            log.LogInformation("Warmed up {Count} model(s) in {Ms:F0} ms", productions.Count, clock.Elapsed.TotalMilliseconds);
        }
        catch (ValidationSetUnusableException e)
        {
            // Refuse to start: every candidate of the model would be judged on a set that is not there.
            log.LogCritical("{Message}", e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Warm-up failed after {Ms:F0} ms; caches will fill on first use", clock.Elapsed.TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
