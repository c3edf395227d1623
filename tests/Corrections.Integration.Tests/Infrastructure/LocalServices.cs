using System.Diagnostics;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// Restarts one of the private services (<c>scripts/services restart rabbitmq|postgres</c>) for the fault suite. Only
/// the scripts' instances can be restarted in place; under Testcontainers a restarted container gets new ports, so the
/// fault suite needs the scripts' services (scripts/test starts them).
/// </summary>
public static class LocalServices
{
    public static async Task RestartAsync(string service)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CORRECTIONS_RABBITMQ__HOST")))
        {
            throw new InvalidOperationException("The fault suite restarts the services of scripts/services; run it with scripts/test.");
        }
        var script = Path.Combine(WorkerProcess.RepositoryRoot(), "scripts", "services");
        using var process = Process.Start(new ProcessStartInfo(script, ["restart", service]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} restart {service} failed ({process.ExitCode}): {output}");
        }
    }
}
