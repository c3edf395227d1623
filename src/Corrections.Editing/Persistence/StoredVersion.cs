namespace Corrections.Editing.Persistence;

/// <summary>
/// Where a model version lies in a <see cref="ModelStore"/> (a path relative to the store's root) and the SHA-256 its
/// file must have. A delta version holds only the edited tensors and names its parent.
/// </summary>
public sealed record StoredVersion(string Location, string Sha256, bool IsDelta, long Bytes);
