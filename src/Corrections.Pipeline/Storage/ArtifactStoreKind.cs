namespace Corrections.Pipeline.Storage;

/// <summary>Where the pipeline keeps version files for every host (<c>Pipeline:ArtifactStore</c>).</summary>
public enum ArtifactStoreKind
{
    /// <summary>The model store's directory, shared by every host that uses it.</summary>
    Directory,

    /// <summary>The registry's database; each host's directory is its cache.</summary>
    Postgres,
}
