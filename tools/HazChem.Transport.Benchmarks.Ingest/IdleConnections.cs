using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HazChem.Transport.Simulator.Jt808;

namespace HazChem.Transport.Benchmarks.Ingest;

/// <summary>
/// Concurrent idle JT/T 808 connections: child processes of this benchmark (<c>hold-idle</c>) each open up to
/// <see cref="PerProcess"/> TCP connections (a process here may hold at most <c>ulimit -n</c> descriptors) from
/// their own 127.0.x.y source addresses, optionally send one heartbeat, and report how many stay open.
/// </summary>
internal static class IdleConnections
{
    public const int PerProcess = 9_000;

    public static async Task<List<Figure>> RunAsync(IReadOnlyList<IdleTarget> targets, int count, TimeSpan hold, bool heartbeat, Action<string> log, CancellationToken cancellationToken)
    {
        var before = targets.Select(t => t.Server is null ? double.NaN : t.Server.Status("VmRSS")).ToArray();
        var socketsBefore = targets.Select(t => t.Server?.Sockets() ?? 0).ToArray();

        // The connections are spread evenly over the targets (an L4 balancer's round robin), each share over holder
        // processes of at most PerProcess connections.
        var shares = new List<(string Endpoint, int Count)>();
        for (var t = 0; t < targets.Count; t++)
        {
            var share = (count / targets.Count) + (t < count % targets.Count ? 1 : 0);
            for (var offset = 0; offset < share; offset += PerProcess)
            {
                shares.Add((targets[t].Endpoint, Math.Min(PerProcess, share - offset)));
            }
        }

        var processes = shares.Count;
        var open = new int[processes];
        var answered = new int[processes];
        var children = new List<Process>();
        var self = Environment.ProcessPath!;
        var dll = typeof(IdleConnections).Assembly.Location;
        for (var p = 0; p < processes; p++)
        {
            var (jt808, n) = shares[p];
            var start = new ProcessStartInfo(self.EndsWith("dotnet", StringComparison.Ordinal) ? self : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            foreach (var arg in new[] { "hold-idle", "--jt808", jt808, "--count", n.ToString(CultureInfo.InvariantCulture), "--local-addresses", $"127.0.{p + 1}.1,127.0.{p + 1}.2,127.0.{p + 1}.3" })
            {
                start.ArgumentList.Add(arg);
            }

            if (heartbeat)
            {
                start.ArgumentList.Add("--heartbeat");
            }

            var child = Process.Start(start)!;
            var index = p;
            child.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("OPEN ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    Volatile.Write(ref open[index], int.Parse(parts[1], CultureInfo.InvariantCulture));
                    Volatile.Write(ref answered[index], int.Parse(parts[3], CultureInfo.InvariantCulture));
                }
                else if (e.Data is { Length: > 0 } other)
                {
                    log($"  holder {index}: {other}");
                }
            };
            child.BeginOutputReadLine();
            children.Add(child);
        }

        var clock = Stopwatch.StartNew();
        var peak = 0;
        try
        {
            // Connect phase (until the total stops growing for 5 s), then hold.
            var (last, stableSince) = (0, clock.Elapsed);
            while (clock.Elapsed - stableSince < TimeSpan.FromSeconds(5) && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                var total = open.Sum();
                if (total != last)
                {
                    (last, stableSince) = (total, clock.Elapsed);
                }

                peak = Math.Max(peak, total);
                log($"  idle: {total:N0} connections open after {clock.Elapsed.TotalSeconds:0} s");
            }

            log($"  idle: holding {open.Sum():N0} for {hold.TotalSeconds:0} s");
            var holdClock = Stopwatch.StartNew();
            while (holdClock.Elapsed < hold)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                peak = Math.Max(peak, open.Sum());
            }

            var stillOpen = open.Sum();
            var figures = new List<Figure>
            {
                new("idle JT/T 808", "requested", count.ToString("N0", CultureInfo.InvariantCulture) + (heartbeat ? " (one 0x0002 heartbeat each, unauthenticated)" : " (TCP only, no message)")),
                new("idle JT/T 808", "client side: peak open / still open after hold", $"{peak:N0} / {stillOpen:N0} (includes connections waiting in the listen backlog)"),
            };
            if (heartbeat)
            {
                figures.Add(new("idle JT/T 808", "connections whose heartbeat was answered", answered.Sum().ToString("N0", CultureInfo.InvariantCulture)));
            }

            for (var t = 0; t < targets.Count; t++)
            {
                if (targets[t].Server is not { } server)
                {
                    continue;
                }

                var name = targets.Count == 1 ? "Telemetry" : $"Telemetry replica {t + 1} (pid {server.Pid}, {targets[t].Endpoint})";
                figures.Add(new("idle JT/T 808", $"{name}: accepted and held after {hold.TotalSeconds:0} s (socket descriptors added)", (server.Sockets() - socketsBefore[t]).ToString("N0", CultureInfo.InvariantCulture)));
                figures.Add(new("idle JT/T 808", $"{name}: RSS before → holding", $"{before[t]:0} MiB → {server.Status("VmRSS"):0} MiB"));
                figures.Add(new("idle JT/T 808", $"{name}: open descriptors / limit", $"{server.OpenFiles():N0} / {server.FileLimit()}"));
                figures.Add(new("idle JT/T 808", $"{name}: threads", server.Status("Threads").ToString("0", CultureInfo.InvariantCulture)));
            }

            if (targets.Count > 1 && targets.All(t => t.Server is not null))
            {
                var held = targets.Select((t, i) => t.Server!.Sockets() - socketsBefore[i]).Sum();
                var rss = targets.Sum(t => t.Server!.Status("VmRSS"));
                figures.Add(new("idle JT/T 808", $"all {targets.Count} replicas: held / RSS together", $"{held:N0} / {rss:0} MiB"));
            }

            return figures;
        }
        finally
        {
            foreach (var child in children)
            {
                try
                {
                    child.StandardInput.Close();
                    if (!child.WaitForExit(TimeSpan.FromSeconds(10)))
                    {
                        child.Kill();
                    }
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }

                child.Dispose();
            }
        }
    }

    /// <summary>The child side: opens <paramref name="count"/> connections, prints <c>OPEN n</c> every second until stdin closes.</summary>
    public static async Task<int> HoldAsync(string jt808, int count, IReadOnlyList<IPAddress> locals, bool heartbeat)
    {
        var server = Simulator.SimulatorCommand.ParseEndPoint(jt808);
        var sockets = new List<Socket>(count);
        var answeredSockets = new HashSet<Socket>();
        var drain = new byte[4096];
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        var connect = Task.Run(async () =>
        {
            var beat = Jt808Encoder.Frame(Jt808MessageId.Heartbeat, new Jt808TerminalIdentity("999000000000", Jt808Edition.V2013), 0, []);
            for (var i = 0; i < count && !stdinClosed.IsCompleted; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(locals[i % locals.Count], 0));
                    await socket.ConnectAsync(server);
                    if (heartbeat)
                    {
                        await socket.SendAsync(beat, SocketFlags.None);
                    }

                    lock (sockets)
                    {
                        sockets.Add(socket);
                    }
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    Console.WriteLine($"connect {i} failed: {ex.SocketErrorCode} {ex.Message}");
                    await Task.Delay(100);
                }
            }
        });

        while (!stdinClosed.IsCompleted)
        {
            await Task.WhenAny(stdinClosed, Task.Delay(1000));
            int openCount;
            lock (sockets)
            {
                // Readable with nothing to read = closed by the server; bytes to read = an answer (drained).
                foreach (var s in sockets.Where(s => !answeredSockets.Contains(s) || s.Available > 0))
                {
                    if (s.Available > 0)
                    {
                        s.Receive(drain);
                        answeredSockets.Add(s);
                    }
                }

                openCount = sockets.Count(s => !(s.Poll(0, SelectMode.SelectRead) && s.Available == 0));
            }

            Console.WriteLine($"OPEN {openCount} ANSWERED {answeredSockets.Count}");
        }

        await connect;
        lock (sockets)
        {
            sockets.ForEach(s => s.Dispose());
        }

        return 0;
    }
}

/// <summary>A Telemetry JT/T 808 endpoint and, when known, its process for descriptors and memory.</summary>
internal sealed record IdleTarget(string Endpoint, ProcessProbe? Server);
