using Corrections.Editing;
using Corrections.Editing.Evaluation;
using Corrections.Pipeline.Chain;
using Corrections.Pipeline.Consumers;
using Corrections.Pipeline.Edits;
using Corrections.Pipeline.Gate;
using Corrections.Pipeline.Ingest;
using Corrections.Pipeline.Observability;
using Corrections.Pipeline.Producers;
using Corrections.Pipeline.Resilience;
using Corrections.Pipeline.Retraining;
using Corrections.Pipeline.Storage;
using Corrections.Editing.Persistence;
using Corrections.Registry;
using Microsoft.Extensions.Options;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Corrections.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The pipeline's services: ingest, edit worker, gate, registrar, and the in-memory model and feature caches.</summary>
    public static IServiceCollection AddCorrectionsPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>()
            .Bind(configuration.GetSection(PipelineOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ValidationOptions>()
            .Bind(configuration.GetSection(ValidationOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Sets.Select(s => s.Name).Distinct().Count() == o.Sets.Count, "Validation set names must be unique.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        services.AddOptions<ResilienceOptions>()
            .Bind(configuration.GetSection(ResilienceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ResiliencePipelines>();
        services.AddSingleton<ComputeGate>();
        services.AddOptions<ComputeOptions>()
            .Bind(configuration.GetSection(ComputeOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ComputeOptions>, ComputeOptionsValidator>();
        services.AddSingleton(provider => ComputeDevice.Resolve(provider.GetRequiredService<IOptions<ComputeOptions>>().Value.Device));
        services.AddSingleton(provider =>
        {
            var pipeline = provider.GetRequiredService<IOptions<PipelineOptions>>().Value;
            return new ModelStore(pipeline.ModelStoreRoot, pipeline.ArtifactStore == ArtifactStoreKind.Postgres
                ? new PostgresArtifactStore(provider.GetRequiredService<IOptions<PostgresOptions>>().Value.ConnectionString)
                : null, provider.GetRequiredService<ComputeDevice>().Device);
        });
        services.AddSingleton<ModelCache>();
        services.AddOptions<MemorySettings>()
            .Bind(configuration.GetSection(MemorySettings.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<MemoryReference>();
        services.AddSingleton<ValidationFeatures>();
        services.AddSingleton<ValidationData>();
        services.AddSingleton<TriggerReferences>();
        services.AddOptions<Webhooks.WebhookOptions>()
            .Bind(configuration.GetSection(Webhooks.WebhookOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Subscribers.All(s => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(s, new(s), null, validateAllProperties: true)),
                "Webhooks:Subscribers: every subscriber needs a Name (a-z, 0-9, '.', '_', '-'), an absolute Url and a Secret of 16 or more characters.")
            .ValidateOnStart();
        services.AddSingleton<Webhooks.WebhookDispatcher>();
        services.AddOptions<ProducerOptions>()
            .Bind(configuration.GetSection(ProducerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The transport's adapter replaces this: without one, nobody is vouched for.
        services.TryAddSingleton(new BrokerPrincipal(static _ => null));
        services.AddScoped<ProducerDirectory>();
        services.AddScoped<ProducerRevocation>();
        services.AddScoped<Chain.CandidateApprovals>();
        services.AddScoped<Chain.OperatorDecisions>();
        services.AddScoped<Queries.Artifacts>();
        services.AddScoped<ArtifactPush>();
        services.AddScoped<ProducerAdmission>();
        services.AddScoped<HeldReports>();
        services.AddScoped<ReportIntake>();
        services.AddScoped<EditWorker>();
        services.AddScoped<CandidateGate>();
        services.AddScoped<ModelRegistrar>();
        services.AddOptions<RetrainingOptions>()
            .Bind(configuration.GetSection(RetrainingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<RetrainingRun>();
        return services;
    }

    /// <summary>Health checks of the registry database and the model store (the bus adds its own), and the backlog gauge.</summary>
    public static IServiceCollection AddPipelineHealthChecks(this IServiceCollection services)
    {
        services.AddHostedService<BacklogMonitor>();
        services.AddHealthChecks()
            .AddCheck<RegistryHealthCheck>("registry", tags: ["ready"])
            .AddCheck<ModelStoreHealthCheck>("model-store", tags: ["ready"])
            .AddCheck<ValidationSetsHealthCheck>("validation-sets", tags: ["ready"]);
        return services;
    }

    /// <summary>Preloads models and validation caches at start; register it before the bus so consumers start warm.</summary>
    /// <summary>Stops the start when the registry's schema is missing or behind (see <see cref="Migration.RegistrySchemaCheck"/>).</summary>
    public static IServiceCollection AddRegistrySchemaCheck(this IServiceCollection services) =>
        services.AddHostedService<Migration.RegistrySchemaCheck>();

    public static IServiceCollection AddPipelineWarmup(this IServiceCollection services)
    {
        services.AddHostedService<PipelineWarmup>();
        return services;
    }

    /// <summary>The worker's sweep for chains a crash left without progress (see <see cref="ChainSweep"/>).</summary>
    public static IServiceCollection AddChainSweep(this IServiceCollection services) => services.AddHostedService<ChainSweep>();

    /// <summary>
    /// Ingest, the edit worker (on new reports, on each verdict, on a resume command) and the validation consumer, each
    /// on its own queue.
    /// </summary>
    public static void AddPipelineConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MisclassificationReportedConsumer, MisclassificationReportedConsumerDefinition>();
        bus.AddConsumer<ReportAcceptedConsumer, ReportAcceptedConsumerDefinition>();
        bus.AddConsumer<CandidateCreatedConsumer, SerialConsumerDefinition<CandidateCreatedConsumer>>();
        bus.AddConsumer<CandidateValidatedConsumer, SerialConsumerDefinition<CandidateValidatedConsumer>>();
        bus.AddConsumer<CandidateRejectedConsumer, SerialConsumerDefinition<CandidateRejectedConsumer>>();
        bus.AddConsumer<ResumeChainConsumer, SerialConsumerDefinition<ResumeChainConsumer>>();
        bus.AddConsumer<ModelPromotedConsumer>();
        bus.AddConsumer<ModelRolledBackConsumer>();
    }
}
