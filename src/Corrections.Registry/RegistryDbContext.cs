using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Registry;

public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<RegisteredModel> Models => Set<RegisteredModel>();
    public DbSet<ModelVersion> Versions => Set<ModelVersion>();
    public DbSet<ModelAlias> Aliases => Set<ModelAlias>();
    public DbSet<Promotion> Promotions => Set<Promotion>();
    public DbSet<Report> Reports => Set<Report>();
    public DbSet<EditRecord> Edits => Set<EditRecord>();
    public DbSet<ValidationRecord> Validations => Set<ValidationRecord>();
    public DbSet<Producer> Producers => Set<Producer>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<StoredArtifact> Artifacts => Set<StoredArtifact>();
    public DbSet<ArtifactChunk> ArtifactChunks => Set<ArtifactChunk>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema("corrections");

        modelBuilder.Entity<RegisteredModel>(model =>
        {
            model.ToTable("models");
            model.HasIndex(m => m.Name).IsUnique();
            model.Property(m => m.Name).HasMaxLength(MaxNameLength);
            model.Property(m => m.Architecture).HasMaxLength(MaxNameLength);
        });

        modelBuilder.Entity<ModelVersion>(version =>
        {
            version.ToTable("model_versions");
            // Numbers are allocated as head + 1: of two writers that built on the same head, the second loses the
            // insert instead of silently forking the chain.
            version.HasIndex(v => new { v.ModelId, v.Number }).IsUnique();
            version.HasOne(v => v.Model).WithMany(m => m.Versions).HasForeignKey(v => v.ModelId);
            version.HasOne(v => v.Parent).WithMany().HasForeignKey(v => v.ParentId).OnDelete(DeleteBehavior.Restrict);
            version.Property(v => v.Kind).HasConversion<string>().HasMaxLength(16);
            version.Property(v => v.Sha256).HasMaxLength(64).IsFixedLength();
            version.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
            version.HasIndex(v => new { v.ModelId, v.Status });
        });

        modelBuilder.Entity<ModelAlias>(alias =>
        {
            alias.ToTable("model_aliases");
            alias.HasKey(a => new { a.ModelId, a.Name });
            alias.Property(a => a.Name).HasMaxLength(MaxNameLength);
            alias.HasOne(a => a.Version).WithMany().HasForeignKey(a => a.VersionId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Promotion>(promotion =>
        {
            promotion.ToTable("promotions");
            promotion.HasIndex(p => new { p.ModelId, p.At });
            promotion.Property(p => p.Alias).HasMaxLength(MaxNameLength);
        });

        modelBuilder.Entity<Report>(report =>
        {
            report.ToTable("reports");
            report.HasKey(r => r.ReportId);
            report.HasIndex(r => new { r.ModelName, r.ReceivedAt });
            report.HasIndex(r => r.Status);
            report.Property(r => r.ModelName).HasMaxLength(MaxNameLength);
            report.Property(r => r.Source).HasMaxLength(MaxNameLength);
            report.Property(r => r.Producer).HasMaxLength(MaxNameLength);
            report.Property(r => r.ApprovedBy).HasMaxLength(MaxNameLength);
            // Quotas count a producer's reports of the last hour.
            report.HasIndex(r => new { r.Producer, r.ReceivedAt });
            report.Property(r => r.InputFormat).HasMaxLength(16);
            report.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            report.Property(r => r.BacklogCause).HasConversion<string>().HasMaxLength(32);
            report.HasIndex(r => r.VersionId);
            report.HasOne<ModelVersion>().WithMany().HasForeignKey(r => r.VersionId).OnDelete(DeleteBehavior.Restrict);
            report.HasIndex(r => r.FoldedVersionId);
            report.HasOne<ModelVersion>().WithMany().HasForeignKey(r => r.FoldedVersionId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Producer>(producer =>
        {
            producer.ToTable("producers");
            producer.HasKey(p => p.Name);
            producer.Property(p => p.Name).HasMaxLength(MaxNameLength);
            producer.Property(p => p.Trust).HasConversion<string>().HasMaxLength(16);
            producer.HasIndex(p => p.ApiKeyHash).IsUnique();
            producer.Property(p => p.ApiKeyPrefix).HasMaxLength(16);
            producer.Property(p => p.CreatedBy).HasMaxLength(MaxNameLength);
            producer.Property(p => p.RevokedBy).HasMaxLength(MaxNameLength);
        });

        modelBuilder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.ToTable("webhook_deliveries");
            delivery.HasIndex(d => d.DeliveryId);
            delivery.HasIndex(d => new { d.Model, d.Version });
            delivery.Property(d => d.Subscriber).HasMaxLength(MaxNameLength);
            delivery.Property(d => d.Event).HasMaxLength(32);
            delivery.Property(d => d.Model).HasMaxLength(MaxNameLength);
        });

        modelBuilder.Entity<StoredArtifact>(artifact =>
        {
            artifact.ToTable("artifacts");
            artifact.HasKey(a => a.Sha256);
            artifact.Property(a => a.Sha256).HasMaxLength(64).IsFixedLength();
        });

        modelBuilder.Entity<ArtifactChunk>(chunk =>
        {
            chunk.ToTable("artifact_chunks");
            chunk.HasKey(c => new { c.Sha256, c.Index });
            chunk.Property(c => c.Sha256).HasMaxLength(64).IsFixedLength();
        });

        modelBuilder.Entity<EditRecord>(edit =>
        {
            edit.ToTable("edits");
            edit.HasIndex(e => e.VersionId);
            edit.HasIndex(e => e.ReportId);
            edit.HasOne<ModelVersion>().WithMany().HasForeignKey(e => e.VersionId).OnDelete(DeleteBehavior.Restrict);
            edit.HasOne<Report>().WithMany().HasForeignKey(e => e.ReportId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ValidationRecord>(validation =>
        {
            validation.ToTable("validations");
            validation.HasIndex(v => v.VersionId);
            validation.Property(v => v.SetName).HasMaxLength(MaxNameLength);
            validation.HasOne<ModelVersion>().WithMany().HasForeignKey(v => v.VersionId).OnDelete(DeleteBehavior.Restrict);
        });
    }

    public const int MaxNameLength = 128;
}
