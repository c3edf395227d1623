namespace Corrections.Pipeline.Queries;

/// <summary>A version's model file, whole (no delta), at <see cref="Path"/>, with its SHA-256.</summary>
public sealed record Artifact(string Model, int Version, ArtifactFormat Format, string Path, string Sha256)
{
    public string FileName => $"{Model}-v{Version}{(Format == ArtifactFormat.Safetensors ? ".safetensors" : ".ctm")}";
}
