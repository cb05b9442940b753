namespace HazChem.Transport.Simulator.Transport;

/// <summary>Live counters of a run, updated from many tasks (Interlocked), read by the progress view.</summary>
internal sealed class SimulatorStats
{
    private long _connected;
    private long _connectFailures;
    private long _registrationsRefused;
    private long _authenticated;
    private long _fixesSent;
    private long _blindSent;
    private long _acks;
    private long _failures;
    private long _heartbeats;
    private string _lastError = "";

    public long Connected => Interlocked.Read(ref _connected);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    public long RegistrationsRefused => Interlocked.Read(ref _registrationsRefused);

    public long Authenticated => Interlocked.Read(ref _authenticated);

    /// <summary>Fixes sent (live and blind-area).</summary>
    public long FixesSent => Interlocked.Read(ref _fixesSent);

    /// <summary>Of <see cref="FixesSent"/>, those sent as blind-area back-fill.</summary>
    public long BlindSent => Interlocked.Read(ref _blindSent);

    /// <summary>Fixes acknowledged as accepted (0x8001 result 0 per fix of the frame, or a batch's accepted count).</summary>
    public long Acks => Interlocked.Read(ref _acks);

    /// <summary>Fixes refused (0x8001 result ≠ 0, rejected indexes of a batch, failed sends).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    public string LastError => Volatile.Read(ref _lastError);

    public void OnConnected() => Interlocked.Increment(ref _connected);

    public void OnDisconnected() => Interlocked.Decrement(ref _connected);

    public void OnConnectFailed(string reason)
    {
        Interlocked.Increment(ref _connectFailures);
        Error(reason);
    }

    public void OnRegistrationRefused(string reason)
    {
        Interlocked.Increment(ref _registrationsRefused);
        Error(reason);
    }

    public void OnAuthenticated() => Interlocked.Increment(ref _authenticated);

    public void OnSent(int fixes, bool blind)
    {
        Interlocked.Add(ref _fixesSent, fixes);
        if (blind)
        {
            Interlocked.Add(ref _blindSent, fixes);
        }
    }

    public void OnAcked(int fixes) => Interlocked.Add(ref _acks, fixes);

    public void OnFailed(int fixes, string reason)
    {
        Interlocked.Add(ref _failures, fixes);
        Error(reason);
    }

    public void OnHeartbeat() => Interlocked.Increment(ref _heartbeats);

    public void Error(string reason) => Volatile.Write(ref _lastError, reason);
}
