namespace Corrections.Registry;

/// <summary>
/// Whom this scope's registry connections log in as: the configured login (<see cref="PostgresOptions.ConnectionString"/>)
/// unless a request proved another, an operator's, before the scope's first <see cref="RegistryDbContext"/>. The
/// database's triggers then record that login as the actor and its role decides what it may change.
/// </summary>
public sealed class RegistryLogin
{
    private string? _connectionString;
    private bool _used;

    /// <summary>This scope's connections log in with <paramref name="connectionString"/>.</summary>
    /// <exception cref="InvalidOperationException">A context of this scope was already made with the configured login.</exception>
    public void As(string connectionString)
    {
        if (_used)
        {
            throw new InvalidOperationException("The scope's registry context was made before its login was set; set the login first.");
        }
        _connectionString = connectionString;
    }

    internal string ConnectionString(string configured)
    {
        _used = true;
        return _connectionString ?? configured;
    }
}
