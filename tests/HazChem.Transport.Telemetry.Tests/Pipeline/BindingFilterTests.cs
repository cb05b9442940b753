using HazChem.Transport.Telemetry.Domain;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Pipeline;
using HazChem.Transport.Telemetry.Registry;
using HazChem.Transport.Telemetry.Tests.Domain;

namespace HazChem.Transport.Telemetry.Tests.Pipeline;

public sealed class BindingFilterTests
{
    [Fact]
    public async Task FilterAsync_ManyUncachedPlates_LookedUpConcurrentlyButBoundedAndEachOnce()
    {
        var directory = new SlowDirectory(registered: plate => !plate.EndsWith('7'));
        var plates = Enumerable.Range(0, 200).Select(i => $"渝A{i:D5}").ToList();
        var fixes = plates.SelectMany(p => new[] { FixRulesTests.At(29.5, 106.5, plate: p), FixRulesTests.At(29.5, 106.5, plate: p) }).ToList();
        var batch = new FixBatch(fixes, reporter: "platform");

        await Filter(directory).FilterAsync(batch, TestContext.Current.CancellationToken);

        Assert.Equal(200, directory.Calls);
        Assert.InRange(directory.MostInFlight, 2, BindingFilter.LookupsInFlight);
        for (var i = 0; i < fixes.Count; i++)
        {
            var unregistered = fixes[i].Plate.EndsWith('7');
            Assert.Equal(unregistered, batch.IsRejected(i));
            if (unregistered)
            {
                Assert.Equal(FixCodes.Unbound, batch.RejectionAt(i)?.Code);
            }
        }
    }

    [Fact]
    public async Task FilterAsync_RegistryFailsForOnePlate_TheBatchFailsWithTheRegistryError()
    {
        var directory = new SlowDirectory(registered: _ => true, failing: "渝A00005");
        var batch = new FixBatch([.. Enumerable.Range(0, 10).Select(i => FixRulesTests.At(29.5, 106.5, plate: $"渝A{i:D5}"))], reporter: "platform");

        await Assert.ThrowsAsync<RegistryUnavailableException>(() => Filter(directory).FilterAsync(batch, TestContext.Current.CancellationToken).AsTask());
    }

    private static BindingFilter Filter(IVehicleDirectory directory)
    {
        var options = new TelemetryOptions();
        options.PlatformGateways.Add("platform");
        return new BindingFilter(directory, Microsoft.Extensions.Options.Options.Create(options));
    }

    /// <summary>A registry that answers after a short pause and records how many lookups overlap.</summary>
    private sealed class SlowDirectory(Func<string, bool> registered, string? failing = null) : IVehicleDirectory
    {
        private int _inFlight;
        private int _calls;
        private int _most;

        public int Calls => _calls;

        public int MostInFlight => _most;

        public async ValueTask<VehicleBinding?> FindByPlateAsync(string plate, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while ((seen = Volatile.Read(ref _most)) < now && Interlocked.CompareExchange(ref _most, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(5, cancellationToken);
                if (plate == failing)
                {
                    throw new RegistryUnavailableException("registry down", new TimeoutException());
                }

                return registered(plate) ? new VehicleBinding(plate, "carrier-1", "") : null;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public ValueTask<VehicleBinding?> FindByTerminalAsync(string terminalPhone, CancellationToken cancellationToken) =>
            ValueTask.FromResult<VehicleBinding?>(null);
    }
}
