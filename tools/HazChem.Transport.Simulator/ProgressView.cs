using System.Diagnostics;
using System.Globalization;
using HazChem.Transport.Simulator.Transport;
using Spectre.Console;

namespace HazChem.Transport.Simulator;

/// <summary>Live progress of a run: a Spectre.Console table refreshed twice a second, or a plain line every 10 s.</summary>
internal static class ProgressView
{
    public static async Task ShowAsync(string title, SimulatorStats stats, Task run, bool live)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(run);
        var clock = Stopwatch.StartNew();
        var (lastSent, lastAt) = (0L, TimeSpan.Zero);
        if (!live || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) != run)
            {
                var rate = Rate(stats.FixesSent, ref lastSent, clock.Elapsed, ref lastAt);
                Console.WriteLine(Line(stats, rate));
            }

            Console.WriteLine(Line(stats, 0));
            await run;
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).HideHeaders().Title(title).AddColumn("").AddColumn(new TableColumn("").RightAligned());
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            do
            {
                var rate = Rate(stats.FixesSent, ref lastSent, clock.Elapsed, ref lastAt);
                table.Rows.Clear();
                table.AddRow("elapsed", clock.Elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
                table.AddRow("connections open", N(stats.Connected));
                table.AddRow("authenticated (total)", N(stats.Authenticated));
                table.AddRow("connect failures", N(stats.ConnectFailures));
                table.AddRow("registrations refused", N(stats.RegistrationsRefused));
                table.AddRow("fixes sent", N(stats.FixesSent));
                table.AddRow("  of which blind-area", N(stats.BlindSent));
                table.AddRow("[green]acknowledged[/]", N(stats.Acks));
                table.AddRow("[red]refused / failed[/]", N(stats.Failures));
                table.AddRow("heartbeats", N(stats.Heartbeats));
                table.AddRow("rate (fixes/s)", rate.ToString("N0", CultureInfo.InvariantCulture));
                table.Caption(stats.LastError.Length == 0 ? "Ctrl+C stops" : Markup.Escape("last error: " + stats.LastError));
                context.Refresh();
            }
            while (await Task.WhenAny(run, Task.Delay(500)) != run);
        });
        Console.WriteLine(Line(stats, 0));
        await run;
    }

    public static string Line(SimulatorStats stats, double rate)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return string.Create(CultureInfo.InvariantCulture,
            $"connections {stats.Connected}, fixes sent {stats.FixesSent} (blind {stats.BlindSent}), acked {stats.Acks}, failed {stats.Failures}, refused registrations {stats.RegistrationsRefused}, {rate:0} fixes/s{(stats.LastError.Length == 0 ? "" : "; last error: " + stats.LastError)}");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static double Rate(long sent, ref long lastSent, TimeSpan now, ref TimeSpan lastAt)
    {
        var seconds = (now - lastAt).TotalSeconds;
        var rate = seconds > 0 ? (sent - lastSent) / seconds : 0;
        (lastSent, lastAt) = (sent, now);
        return rate;
    }
}
