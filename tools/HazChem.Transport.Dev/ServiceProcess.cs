using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HazChem.Transport.Dev;

/// <summary>One child process of the dev stack (a service or the gateway), restarted when it dies unexpectedly.</summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private const int MaxRestarts = 5;
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(10);
    private readonly string _assemblyPath;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Action<string, string> _output;
    private readonly Lock _gate = new();
    private Process? _process;
    private bool _stopping;

    internal ServiceProcess(string name, Uri address, string assemblyPath, IReadOnlyDictionary<string, string> environment, Action<string, string> output)
    {
        Name = name;
        Address = address;
        _assemblyPath = assemblyPath;
        _environment = environment;
        _output = output;
    }

    /// <summary>Short name, e.g. <c>qualification</c>.</summary>
    public string Name { get; }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>The running process id, or null.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    /// <summary>How many times the launcher restarted it after an unexpected exit.</summary>
    public int Restarts { get; private set; }

    /// <summary>Starts the process.</summary>
    public void Start()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_assemblyPath)!,
        };
        start.ArgumentList.Add(_assemblyPath);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Exited += (_, _) => OnExited(process);
        lock (_gate)
        {
            _stopping = false;
            process.Start();
            _process = process;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Kills the process as a crash would (SIGKILL); the launcher's supervision restarts it.</summary>
    public void Kill()
    {
        lock (_gate)
        {
            _process?.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Stops the process: SIGTERM, then SIGKILL after a grace period. No restart.</summary>
    public async Task StopAsync()
    {
        Process? process;
        lock (_gate)
        {
            _stopping = true;
            process = _process;
        }

        if (process is null || process.HasExited)
        {
            return;
        }

        _ = SendSignal(process.Id, Sigterm);
        using var timeout = new CancellationTokenSource(GracefulStop);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    private void OnExited(Process process)
    {
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(process, _process))
            {
                return;
            }
        }

        if (Restarts >= MaxRestarts)
        {
            _output(Name, $"exited with code {process.ExitCode}; restarted {Restarts} times already, giving up (see its output above)");
            return;
        }

        _output(Name, $"exited with code {process.ExitCode}; restarting in 1 s");
        Restarts++;
        _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ =>
        {
            lock (_gate)
            {
                if (_stopping)
                {
                    return;
                }
            }

            Start();
        }, TaskScheduler.Default);
    }

    private void Forward(string? line)
    {
        if (line is not null)
        {
            _output(Name, line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
