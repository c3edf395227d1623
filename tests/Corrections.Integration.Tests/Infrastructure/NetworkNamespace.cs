using System.Diagnostics;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// A network namespace of the test's own (<c>ip netns</c>), joined to this one by a veth pair: a process started in it
/// has its own loopback and reaches this host only at <see cref="HostAddress"/>, as a worker on another machine would.
/// Needs root (CAP_NET_ADMIN); <see cref="TryCreate"/> says why when the machine does not allow it.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly string _hostLink;

    private NetworkNamespace(string name, string hostLink, string hostAddress)
    {
        (Name, _hostLink, HostAddress) = (name, hostLink, hostAddress);
    }

    public string Name { get; }

    /// <summary>This host's address as seen from inside the namespace.</summary>
    public string HostAddress { get; }

    /// <summary>Namespace <paramref name="index"/> (0–63) of this process, or null with the reason it cannot be made here.</summary>
    public static (NetworkNamespace? Namespace, string? Reason) TryCreate(int index)
    {
        var name = $"corr-{Environment.ProcessId % 100000}-{index}";
        var (hostLink, innerLink) = ($"cv{Environment.ProcessId % 100000}h{index}", $"cv{Environment.ProcessId % 100000}n{index}");
        var (host, inner) = ($"10.231.{index * 4 % 256}.1", $"10.231.{index * 4 % 256}.2");
        string[][] steps =
        [
            ["netns", "add", name],
            ["link", "add", hostLink, "type", "veth", "peer", "name", innerLink],
            ["link", "set", innerLink, "netns", name],
            ["addr", "add", $"{host}/30", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["netns", "exec", name, "ip", "addr", "add", $"{inner}/30", "dev", innerLink],
            ["netns", "exec", name, "ip", "link", "set", innerLink, "up"],
            ["netns", "exec", name, "ip", "link", "set", "lo", "up"],
        ];
        var made = new NetworkNamespace(name, hostLink, host);
        foreach (var step in steps)
        {
            if (Ip(step) is { } failure)
            {
                made.Dispose();
                return (null, $"ip {string.Join(' ', step)}: {failure}");
            }
        }
        return (made, null);
    }

    public void Dispose()
    {
        Ip(["link", "del", _hostLink]);
        Ip(["netns", "del", Name]);
    }

    /// <summary>Runs <c>ip</c>; null when it succeeded, else what it said.</summary>
    private static string? Ip(string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
