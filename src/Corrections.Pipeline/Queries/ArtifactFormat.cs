namespace Corrections.Pipeline.Queries;

/// <summary>How a version is handed out: the store's own format (<c>.ctm</c>) or safetensors, both materialised in full.</summary>
public enum ArtifactFormat
{
    Ctm,
    Safetensors,
}
