using System.Net.Sockets;
using HazChem.Transport.Telemetry.Tcp;
using HazChem.Transport.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace HazChem.Transport.Telemetry.Tests.Service;

/// <summary>The server never takes the process's last file descriptors: past its limit new connections are closed at once.</summary>
public sealed class Jt808ConnectionLimitTests(PostgresFixture postgres, KafkaFixture kafka)
{
    [Fact]
    public async Task Accept_BeyondMaxConnections_ClosesTheNewConnectionAndKeepsTheOthers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await TelemetryHost.StartAsync(postgres, kafka, TestStorage.Sqlite, extra: new Dictionary<string, string?> { ["Jt808:MaxConnections"] = "2" });
        var listener = host.App.Services.GetRequiredService<Jt808Listener>();
        using var first = new TcpClient();
        using var second = new TcpClient();
        await first.ConnectAsync(host.Jt808EndPoint, ct);
        await second.ConnectAsync(host.Jt808EndPoint, ct);
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(30));
            while (listener.ConnectionCount < 2)
            {
                await Task.Delay(20, wait.Token);
            }
        }

        using var third = new TcpClient();
        await third.ConnectAsync(host.Jt808EndPoint, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var read = await third.GetStream().ReadAsync(new byte[16], timeout.Token);

        Assert.Equal(0, read);
        Assert.Equal(2, listener.ConnectionCount);
    }

    [Fact]
    public void DefaultMaxConnections_LeavesDescriptorsForTheRestOfTheProcess()
    {
        var limit = Jt808Listener.DefaultMaxConnections();

        Assert.InRange(limit, 1, 100_000_000);
        var line = File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        if (line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] is { } soft && int.TryParse(soft, out var files))
        {
            Assert.Equal(Math.Max(1, files - 1024), limit);
        }
    }
}
