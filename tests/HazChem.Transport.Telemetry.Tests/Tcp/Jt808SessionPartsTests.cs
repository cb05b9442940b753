using System.ComponentModel.DataAnnotations;
using HazChem.Transport.Telemetry.Jt808;
using HazChem.Transport.Telemetry.Options;
using HazChem.Transport.Telemetry.Tcp;
using HazChem.Transport.Telemetry.Tests.Jt808;
using Microsoft.Extensions.Configuration;

namespace HazChem.Transport.Telemetry.Tests.Tcp;

public sealed class Jt808SessionPartsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Profiles_ClockOverrideForOneTerminal_AppliesToItsPhoneInEitherWidth()
    {
        var options = new Jt808Options { TerminalClockOffsets = { ["13800138000"] = TimeSpan.Zero } };
        var profiles = new Jt808Profiles(Microsoft.Extensions.Options.Options.Create(options));

        Assert.Equal(TimeSpan.Zero, profiles.For(Jt808TestSupport.Phone("013800138000")).ClockUtcOffset);
        Assert.Equal(TimeSpan.Zero, profiles.For(Jt808TestSupport.Phone("13800138000", Jt808HeaderLayout.V2019)).ClockUtcOffset);
        Assert.Equal(TimeSpan.FromHours(8), profiles.For(Jt808TestSupport.Phone("13900139000")).ClockUtcOffset);
    }

    [Fact]
    public void Options_BadOffsetAndBadPhoneKey_NameTheKey()
    {
        var options = new Jt808Options { TerminalClockOffsets = { ["13800138000"] = TimeSpan.FromHours(15), ["abc"] = TimeSpan.Zero }, BindAddress = "not-an-ip" };
        var results = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Contains(results, m => m!.Contains("TerminalClockOffsets for 13800138000", StringComparison.Ordinal));
        Assert.Contains(results, m => m!.Contains("'abc' is not a terminal phone", StringComparison.Ordinal));
        Assert.Contains(results, m => m!.Contains("BindAddress", StringComparison.Ordinal));
    }

    [Fact]
    public void TelemetryOptions_RetentionUnderSixMonths_Refused()
    {
        var options = new TelemetryOptions { TrackRetention = TimeSpan.FromDays(90) };
        var result = Assert.Single(options.Validate(new ValidationContext(options)));
        Assert.Contains("TrackRetention", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AuthCodes_SameSecretAnyReplica_SameCode_OtherTerminal_Refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = "k" }).Build();
        var replicaA = new Jt808AuthCodes(Microsoft.Extensions.Options.Options.Create(new Jt808Options()), configuration);
        var replicaB = new Jt808AuthCodes(Microsoft.Extensions.Options.Options.Create(new Jt808Options()), configuration);

        var code = replicaA.For("13800138000");
        Assert.True(replicaB.Matches("13800138000", code));
        Assert.False(replicaB.Matches("13900139000", code));
        Assert.False(replicaB.Matches("13800138000", code[..^1]));
    }

    [Fact]
    public void AuthCodes_NoSecret_ListenerStartRefusedNamingTheKey()
    {
        var codes = new Jt808AuthCodes(Microsoft.Extensions.Options.Options.Create(new Jt808Options()), new ConfigurationBuilder().Build());
        var error = Assert.Throws<InvalidOperationException>(codes.EnsureConfigured);
        Assert.Contains("Jt808:AuthCodeSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubpackageAssembler_ThreePacketsAnyOrder_JoinedInIndexOrderWithFirstSerial()
    {
        var assembler = new Jt808SubpackageAssembler(TimeSpan.FromMinutes(1));
        var header = Jt808TestSupport.Header(Jt808MessageIds.BatchLocationUpload) with { IsSubpackage = true, PackageTotal = 3 };

        Assert.Null(assembler.Add(header with { SerialNumber = 12, PackageIndex = 3 }, new Jt808Subpackage(0x0704, 3, 3, new byte[] { 5, 6 }), T0, out _));
        Assert.Null(assembler.Add(header with { SerialNumber = 10, PackageIndex = 1 }, new Jt808Subpackage(0x0704, 3, 1, new byte[] { 1, 2 }), T0, out _));
        var whole = assembler.Add(header with { SerialNumber = 11, PackageIndex = 2 }, new Jt808Subpackage(0x0704, 3, 2, new byte[] { 3, 4 }), T0, out var problem);

        Assert.Null(problem);
        Assert.NotNull(whole);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, whole.Value.Body);
        Assert.Equal(10, whole.Value.Header.SerialNumber);
        Assert.False(whole.Value.Header.IsSubpackage);
    }

    [Fact]
    public void SubpackageAssembler_PacketsOutOfTimeOrRange_DroppedOrRefused()
    {
        var assembler = new Jt808SubpackageAssembler(TimeSpan.FromMinutes(1));
        var header = Jt808TestSupport.Header(Jt808MessageIds.BatchLocationUpload) with { IsSubpackage = true, PackageTotal = 2 };

        Assert.Null(assembler.Add(header with { SerialNumber = 20, PackageIndex = 1 }, new Jt808Subpackage(0x0704, 2, 1, new byte[] { 1 }), T0, out _));
        // The second packet comes after the timeout: the first was dropped, nothing completes.
        Assert.Null(assembler.Add(header with { SerialNumber = 21, PackageIndex = 2 }, new Jt808Subpackage(0x0704, 2, 2, new byte[] { 2 }), T0.AddMinutes(2), out _));
        Assert.Null(assembler.Add(header with { SerialNumber = 30, PackageIndex = 3 }, new Jt808Subpackage(0x0704, 2, 3, new byte[] { 3 }), T0, out var problem));
        Assert.Contains("out of range", problem, StringComparison.Ordinal);
    }
}
