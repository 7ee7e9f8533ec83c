using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DeviceRegistry.Eir;
using DeviceRegistry.Eir.Diameter;
using DeviceRegistry.Operators;

namespace DeviceRegistry.Web.Eir.Diameter;

/// <summary>
/// The EIR's Diameter peer for 4G cores (S13, 3GPP TS 29.272; docs/eir.md "Diameter S13"): a TCP listener on
/// <c>Eir:Diameter:Address</c>/<c>Port</c>, one <see cref="DiameterConnection"/> per accepted socket. Off unless
/// <c>Eir:Diameter:Enabled</c>. On host stop the listener and every connection are closed at once: nothing it
/// does waits on the database, so it stops promptly whatever the database or the peers do.
/// </summary>
public sealed class DiameterPeerService(
    EirSettings eirSettings, EirChecker checker, EirAdmission admission, OperatorAuthenticator operators,
    ILogger<DiameterPeerService> logger) : IHostedService, IDisposable
{
    private readonly DiameterSettings settings = eirSettings.Diameter;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<DiameterConnection, Task> connections = new();
    private Socket? listener;
    private Task? acceptLoop;
    private long peersConnected;
    private long watchdogsAnswered;

    /// <summary>The port listened on once started (a Port 0 setting resolved), or 0 when off.</summary>
    public int Port { get; private set; }

    /// <summary>The connections open now (tests, the health of the peer).</summary>
    public int OpenConnections => connections.Count;

    /// <summary>Capabilities exchanges that opened a connection since start.</summary>
    public long PeersConnected => Interlocked.Read(ref peersConnected);

    /// <summary>Device-Watchdog-Requests answered since start.</summary>
    public long WatchdogsAnswered => Interlocked.Read(ref watchdogsAnswered);

    internal void CountPeerConnected() => Interlocked.Increment(ref peersConnected);

    internal void CountWatchdog() => Interlocked.Increment(ref watchdogsAnswered);

    /// <summary>The value of Origin-State-Id in this process's messages: its start, in seconds (RFC 6733 8.16).</summary>
    internal uint OriginStateId { get; } = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    internal DiameterSettings Settings => settings;

    internal EirChecker Checker => checker;

    internal EirAdmission Admission => admission;

    internal ILogger Logger => logger;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        var address = IPAddress.Parse(settings.Address);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, settings.Port));
            socket.Listen(512);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Eir:Diameter cannot listen on {settings.Address}:{settings.Port}: {ex.Message}", ex);
        }

        listener = socket;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        logger.LogInformation("Diameter S13 peer listening on {Address}:{Port} as {OriginHost} ({OriginRealm}), {Peers} peer(s) allowed",
            settings.Address, Port, settings.OriginHost, settings.OriginRealm, settings.Peers.Count);
        acceptLoop = Task.Run(() => AcceptAsync(socket, stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (listener is null)
        {
            return;
        }

        await stopping.CancelAsync();
        listener.Dispose();
        foreach (var connection in connections.Keys)
        {
            connection.Abort();
        }

        var all = connections.Values.Append(acceptLoop ?? Task.CompletedTask).ToArray();
        try
        {
            await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Diameter S13 peer: {Count} connection(s) did not close within 5 s of the stop", connections.Count);
        }
    }

    /// <summary>The operator a peer's checks are attributed to, or null when the registry has no operator of that name.</summary>
    internal ValueTask<AuthenticatedOperator?> FindOperatorAsync(string name, CancellationToken ct) => operators.FindByNameAsync(name, ct);

    private async Task AcceptAsync(Socket socket, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                logger.LogWarning("Diameter S13 peer: accept failed: {Message}", ex.Message);
                continue;
            }

            if (connections.Count >= settings.MaxConnections)
            {
                logger.LogWarning("Diameter S13 peer: {Remote} refused, already {Count} connections (Eir:Diameter:MaxConnections)",
                    accepted.RemoteEndPoint, connections.Count);
                accepted.Dispose();
                continue;
            }

            accepted.NoDelay = true;
            var connection = new DiameterConnection(this, accepted);
            // Listed before it runs, so a connection that ends at once is still removed.
            var start = new Task<Task>(() => connection.RunAsync(ct));
            var run = start.Unwrap();
            connections[connection] = run;
            _ = run.ContinueWith(_ => connections.TryRemove(connection, out Task? _), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            start.Start(TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        listener?.Dispose();
        stopping.Dispose();
    }
}
