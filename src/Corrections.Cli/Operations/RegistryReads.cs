using Corrections.Registry;
using Microsoft.EntityFrameworkCore;

namespace Corrections.Cli.Operations;

/// <summary>Small registry reads the operator commands share.</summary>
public static class RegistryReads
{
    public static async Task<int> ModelIdAsync(this RegistryDbContext db, string model, CancellationToken cancellation) =>
        await db.Models.Where(m => m.Name == model).Select(m => (int?)m.Id).SingleOrDefaultAsync(cancellation)
            ?? throw new OperatorError($"No model named '{model}' is registered.");

    public static Task<int?> AliasNumberAsync(this RegistryDbContext db, string model, string alias, CancellationToken cancellation) =>
        db.Aliases.Where(a => a.Name == alias && db.Models.Any(m => m.Id == a.ModelId && m.Name == model))
            .Select(a => (int?)a.Version!.Number).SingleOrDefaultAsync(cancellation);
}
