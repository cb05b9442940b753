using System.ComponentModel.DataAnnotations;
using HazChem.Transport.ServiceDefaults.Errors;
using HazChem.Transport.Waybill.Domain;
using HazChem.Transport.Waybill.Options;
using Microsoft.Extensions.Time.Testing;

namespace HazChem.Transport.Waybill.Tests.Domain;

/// <summary>The pure expiry rule: ISSUED, window end plus grace passed → EXPIRED; anything loaded never expires.</summary>
public sealed class WaybillExpiryTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromHours(2);

    // Samples.Content(): window 2026-11-24T01:00Z – 2026-11-24T10:00Z.
    private static readonly DateTimeOffset WindowEnd = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static WaybillSnapshot Waybill(LifecycleStatus status) => new(
        "wb-1", 1, status, "carrier-1", "permit", Samples.Content(), "c1", "c2", [], "", "", Samples.Now, Samples.Now);

    [Fact]
    public void IsDue_IssuedAsTimePasses_OnlyOnceWindowEndPlusGraceHasPassed()
    {
        var clock = new FakeTimeProvider(Samples.Now);
        var waybill = Waybill(LifecycleStatus.Issued);
        var seen = new List<(DateTimeOffset, bool)>();

        foreach (var at in new[] { WindowEnd.AddHours(-1), WindowEnd, WindowEnd.AddHours(1), WindowEnd + Grace, WindowEnd + Grace + TimeSpan.FromSeconds(1) })
        {
            clock.SetUtcNow(at);
            seen.Add((at, WaybillExpiry.IsDue(waybill, clock.GetUtcNow(), Grace)));
        }

        Assert.Equal(
            [(WindowEnd.AddHours(-1), false), (WindowEnd, false), (WindowEnd.AddHours(1), false), (WindowEnd + Grace, false), (WindowEnd + Grace + TimeSpan.FromSeconds(1), true)],
            seen);
    }

    [Theory]
    [InlineData("Loaded")]
    [InlineData("InTransit")]
    [InlineData("Delivered")]
    [InlineData("Cancelled")]
    [InlineData("Expired")]
    public void IsDue_NotIssuedLongAfterTheWindow_IsNeverDue(string status)
    {
        var clock = new FakeTimeProvider(WindowEnd);
        clock.Advance(TimeSpan.FromDays(30));

        Assert.False(WaybillExpiry.IsDue(Waybill(Enum.Parse<LifecycleStatus>(status)), clock.GetUtcNow(), Grace));
    }

    [Fact]
    public void IsDue_ZeroGrace_ExpiresRightAfterTheWindowEnd()
    {
        var waybill = Waybill(LifecycleStatus.Issued);

        Assert.False(WaybillExpiry.IsDue(waybill, WindowEnd, TimeSpan.Zero));
        Assert.True(WaybillExpiry.IsDue(waybill, WindowEnd.AddTicks(1), TimeSpan.Zero));
    }

    [Fact]
    public void IsDue_NegativeGrace_IsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WaybillExpiry.IsDue(Waybill(LifecycleStatus.Issued), WindowEnd, TimeSpan.FromMinutes(-1)));
    }

    [Fact]
    public void Expire_DueIssuedWaybill_IsTheNextVersionWithTheSystemActorAndTheWindowInTheReason()
    {
        var now = WindowEnd + Grace + TimeSpan.FromMinutes(1);
        var current = Waybill(LifecycleStatus.Issued);

        var next = WaybillExpiry.Expire(current, now);

        Assert.Equal((LifecycleStatus.Expired, 2, now), (next.Status, next.Version, next.UpdatedAt));
        Assert.Equal(current.Content, next.Content);
        Assert.Equal(("system:expiry", "service"), (WaybillExpiry.Actor.Subject, WaybillExpiry.Actor.Role));
        Assert.Equal("travel window ended at 2026-11-24T10:00:00Z without loading", WaybillExpiry.Reason(current));
    }

    [Fact]
    public void Expire_LoadedWaybill_IsRefusedWithWState()
    {
        var error = Assert.Throws<RuleRefusalException>(() => WaybillExpiry.Expire(Waybill(LifecycleStatus.Loaded), WindowEnd.AddDays(1)));

        Assert.Equal("W-STATE", Assert.Single(error.Findings).Code);
    }

    [Fact]
    public void Advance_ExpiredWaybill_RefusalSaysItExpiredAndToIssueANewOne()
    {
        var error = Assert.Throws<RuleRefusalException>(() => WaybillLifecycle.Advance(Waybill(LifecycleStatus.Expired), ChangeKind.Cancelled, WindowEnd.AddDays(1)));

        var finding = Assert.Single(error.Findings);
        Assert.Equal("W-STATE", finding.Code);
        Assert.Contains("cannot cancel a waybill that is EXPIRED", finding.Message, StringComparison.Ordinal);
        Assert.Contains("issue a new waybill", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ExpiryGrace", "-00:00:01")]
    [InlineData("ExpiryGrace", "8.00:00:00")]
    [InlineData("ExpiryInterval", "00:00:00")]
    [InlineData("ExpiryBatchSize", "0")]
    public void Options_ExpiryOutOfRange_AreRejectedNamingTheKey(string key, string value)
    {
        var options = new WaybillOptions();
        var property = typeof(WaybillOptions).GetProperty(key)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(key));
    }

    [Fact]
    public void Options_Defaults_AreTwoHoursGraceEveryMinuteInBatchesOf100()
    {
        var options = new WaybillOptions();

        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromMinutes(1), 100), (options.ExpiryGrace, options.ExpiryInterval, options.ExpiryBatchSize));
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
