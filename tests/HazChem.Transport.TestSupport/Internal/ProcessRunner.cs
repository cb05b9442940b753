using System.Diagnostics;
using System.Text;

namespace HazChem.Transport.TestSupport.Internal;

/// <summary>The outcome of a finished child process, with the tail of what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Output);

/// <summary>Runs short-lived helper processes (initdb, pg_ctl, chown) with a hard timeout.</summary>
internal static class ProcessRunner
{
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = new Process
        {
            StartInfo = CreateStartInfo(fileName, arguments),
        };
        var output = new OutputTail();
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"'{Describe(fileName, process.StartInfo.ArgumentList)}' did not finish within {timeout.TotalSeconds:0}s. Output: {output}");
        }

        return new ProcessResult(process.ExitCode, output.ToString());
    }

    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(a => a.Length == 0 || a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Finds a system tool on PATH, else in the standard system directories (PATH may be trimmed), or null.</summary>
    public static string? FindSystemTool(string name) =>
        FindOnPath(name)
        ?? SystemDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Finds an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>Keeps the last lines a process printed, for error messages.</summary>
internal sealed class OutputTail(int maxLines = 40)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > maxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _lines.Count == 0 ? "(nothing)" : string.Join(Environment.NewLine, _lines);
        }
    }

    /// <summary>The last lines of a log file, or a note saying why there are none.</summary>
    public static string OfFile(string path, int maxLines = 40)
    {
        try
        {
            if (!File.Exists(path))
            {
                return $"({path} does not exist)";
            }

            var lines = File.ReadAllLines(path, Encoding.UTF8);
            return lines.Length == 0
                ? $"({path} is empty)"
                : string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - maxLines)));
        }
        catch (IOException ex)
        {
            return $"({path} unreadable: {ex.Message})";
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"({path} unreadable: {ex.Message})";
        }
    }
}
