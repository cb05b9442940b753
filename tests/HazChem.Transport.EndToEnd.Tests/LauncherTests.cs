using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace HazChem.Transport.EndToEnd.Tests;

/// <summary>The launcher as a user runs it: it prints its URLs, and SIGTERM stops it and every child cleanly.</summary>
[Collection(DevStackGroup.Name)]
public sealed partial class LauncherTests
{
    [Fact]
    public async Task Sigterm_AfterReady_StopsEveryProcessAndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Path.Combine(Path.GetTempPath(), "hazchem-launcher-" + Guid.NewGuid().ToString("N"));
        var launcher = Path.Combine(AppContext.BaseDirectory, "HazChem.Transport.Dev.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { launcher, "--data", data, "--port", "0", "--grpc-port", "0", "--service-port", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new List<string>();
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(e.Data);
            }

            if (e.Data.StartsWith("Ready.", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(90), ct);
            List<int> children;
            lock (output)
            {
                children = [.. output.SelectMany(l => PidPattern().Matches(l)).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
            }

            Assert.Equal(6, children.Count);
            Assert.True(Kill(process.Id, 15) == 0);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);

            Assert.Equal(0, process.ExitCode);
            Assert.All(children, pid => Assert.False(IsRunning(pid), $"child {pid} still runs after the launcher stopped"));
            Assert.Contains(output, l => l.Contains("Dashboard and REST API", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(data, "waybill.db")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var child = Process.GetProcessById(pid);
            return !child.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex PidPattern();
}
