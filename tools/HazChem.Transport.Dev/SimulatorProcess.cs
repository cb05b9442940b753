using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace HazChem.Transport.Dev;

/// <summary>
/// The fleet simulator (tools/HazChem.Transport.Simulator) as a child of the launcher (<c>--simulate N</c>): it
/// seeds its fleet through the gateway and drives N trucks over JT/T 808 TCP to Telemetry. Built on first use
/// when the solution build has not built it yet. Stopped with SIGTERM, like the services.
/// </summary>
internal sealed partial class SimulatorProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;

    private SimulatorProcess(Process process) => _process = process;

    /// <summary>The simulator's command line for <paramref name="vehicles"/> trucks against the stack.</summary>
    public static IReadOnlyList<string> Arguments(DevStack stack, int vehicles)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return
        [
            "--vehicles", vehicles.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--transport", "jt808",
            "--jt808", $"127.0.0.1:{stack.Jt808Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--gateway", stack.GatewayAddress.ToString(),
            "--seed",
            "--no-progress",
        ];
    }

    public static async Task<SimulatorProcess> StartAsync(string repositoryRoot, IReadOnlyList<string> arguments, Action<string, string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var configuration = typeof(SimulatorProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        var project = Path.Combine(repositoryRoot, "tools", "HazChem.Transport.Simulator", "HazChem.Transport.Simulator.csproj");
        var assembly = Path.Combine(Path.GetDirectoryName(project)!, "bin", configuration, "net10.0", "HazChem.Transport.Simulator.dll");
        if (!File.Exists(assembly))
        {
            output("simulator", $"building {project} ({configuration})…");
            using var build = Start("dotnet", ["build", project, "-c", configuration, "--nologo", "-v", "q"], output);
            await build.WaitForExitAsync(cancellationToken);
            if (build.ExitCode != 0 || !File.Exists(assembly))
            {
                throw new InvalidOperationException($"the simulator did not build (exit code {build.ExitCode}); see the output above");
            }
        }

        return new SimulatorProcess(Start("dotnet", [assembly, .. arguments], output));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, Sigterm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
    }

    private static Process Start(string file, IReadOnlyList<string> arguments, Action<string, string> output)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line)
        {
            if (line is not null)
            {
                output("simulator", line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
