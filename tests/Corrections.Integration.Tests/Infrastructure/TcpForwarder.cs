using System.Net;
using System.Net.Sockets;

namespace Corrections.Integration.Tests.Infrastructure;

/// <summary>
/// Accepts connections on an address and port and relays each to 127.0.0.1 on the same port: the local broker and database listen on the loopback only, and a process in a
/// <see cref="NetworkNamespace"/> reaches them through this, over the veth link.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int _port;
    private int _connections;

    /// <summary>Connections relayed so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public TcpForwarder(string listenAddress, int port)
    {
        _port = port;
        _listener = new TcpListener(IPAddress.Parse(listenAddress), port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        using (inbound)
        using (var outbound = new TcpClient())
        {
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _port, _stop.Token);
                using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                // Either side closing (or a restart of the service behind) ends both directions.
                await Task.WhenAny(
                    inbound.GetStream().CopyToAsync(outbound.GetStream(), cut.Token),
                    outbound.GetStream().CopyToAsync(inbound.GetStream(), cut.Token));
                await cut.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The connection ends; the client sees it closed, as it would a network failure.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
