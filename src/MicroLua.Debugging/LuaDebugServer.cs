using System.Net;
using System.Net.Sockets;

namespace MicroLua.Debugging;

/// <summary>
/// A debug server on a loopback TCP port (127.0.0.1 only): a game or service host calls
/// <see cref="Listen"/> once, and a DAP client (VS Code with "debugServer": port in an attach
/// configuration) connects whenever it likes, one client at a time. A client that leaves takes
/// its breakpoints with it and lets the script run on; the next one can connect.
/// </summary>
public sealed class LuaDebugServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Thread _acceptor;
    private volatile bool _disposed;

    private LuaDebugServer(LuaState state, int port)
    {
        Adapter = new LuaDebugAdapter();
        Adapter.Attach(state);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start(1);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptor = new Thread(AcceptLoop) { IsBackground = true, Name = "MicroLua DAP listener" };
        _acceptor.Start();
    }

    /// <summary>
    /// Attaches a debug adapter to <paramref name="state"/> and listens on 127.0.0.1:<paramref name="port"/>
    /// (0: a free port, see <see cref="Port"/>). Call it on the state's thread while no script runs.
    /// From then on the state runs its hooked loop (see <see cref="LuaDebugAdapter"/> for the cost).
    /// </summary>
    /// <exception cref="SocketException">The port cannot be listened on.</exception>
    public static LuaDebugServer Listen(LuaState state, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new LuaDebugServer(state, port);
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The adapter the clients talk to.</summary>
    public LuaDebugAdapter Adapter { get; }

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            TcpClient client;
            try
            {
                client = _listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            // One client at a time; a client that has just disconnected may still be closing
            // its session (its reader thread ends after the disconnect response), so a new
            // client waits a moment for that before it is refused.
            if (!TryConnect(stream) && !(Adapter.WaitForDisconnect(TimeSpan.FromSeconds(5)) && TryConnect(stream)))
            {
                client.Dispose();
            }
        }
    }

    private bool TryConnect(NetworkStream stream)
    {
        try
        {
            Adapter.Connect(stream, stream);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Stops listening, disconnects the client and detaches from the state (call on the state's thread).</summary>
    public void Dispose()
    {
        _disposed = true;
        _listener.Stop();
        _acceptor.Join(TimeSpan.FromSeconds(5));
        Adapter.Dispose();
    }
}
