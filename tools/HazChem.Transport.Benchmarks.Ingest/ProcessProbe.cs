using System.Globalization;
using System.Runtime.InteropServices;

namespace HazChem.Transport.Benchmarks.Ingest;

/// <summary>CPU time and memory of a process from /proc/&lt;pid&gt;/stat and /proc/&lt;pid&gt;/status (Linux).</summary>
internal sealed partial class ProcessProbe(int pid)
{
    private static readonly double TicksPerSecond = Math.Max(1, SysConf(2)); // _SC_CLK_TCK

    public int Pid => pid;

    /// <summary>utime + stime in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may contain spaces) start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>A field of /proc/pid/status in MiB (VmRSS, VmHWM), or a count (Threads).</summary>
    public double Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var parts = line[(field.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var value = double.Parse(parts[0], CultureInfo.InvariantCulture);
                return parts.Length > 1 && parts[1] == "kB" ? value / 1024 : value;
            }
        }

        return double.NaN;
    }

    /// <summary>Open socket descriptors (each accepted TCP connection is one).</summary>
    public int Sockets()
    {
        var count = 0;
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }

        return count;
    }

    /// <summary>Open file descriptors.</summary>
    public int OpenFiles() => Directory.GetFiles($"/proc/{pid}/fd").Length;

    /// <summary>The soft limit of open files (/proc/pid/limits).</summary>
    public string FileLimit() =>
        File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal))?[26..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] ?? "?";

    /// <summary>The process listening on TCP <paramref name="port"/> (via /proc/net/tcp{,6} inodes and /proc/*/fd links), or null.</summary>
    public static int? FindListener(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = f[1];
                if (f[3] == "0A" && int.Parse(local[(local.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    inodes.Add($"socket:[{f[9]}]");
                }
            }
        }

        if (inodes.Count == 0)
        {
            return null;
        }

        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.GetFiles(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                    {
                        return candidate;
                    }
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // gone or not ours
            }
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}

/// <summary>CPU use of a process between two moments.</summary>
internal sealed class CpuWindow(ProcessProbe? probe)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly double _start = probe?.CpuSeconds() ?? 0;

    /// <summary>Average CPU in percent of one core since construction (200 % = both cores of this machine).</summary>
    public double PercentOfOneCore() => probe is null ? double.NaN : (probe.CpuSeconds() - _start) / _clock.Elapsed.TotalSeconds * 100;
}
