using HazChem.Transport.Contracts.Telemetry.V1;
using HazChem.Transport.Telemetry.Domain;

namespace HazChem.Transport.Telemetry.Tests.Domain;

public sealed class FixRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);
    private static readonly FixThresholds Thresholds = new(TimeSpan.FromMinutes(5), 200);

    internal static Fix At(double lat, double lon, DateTimeOffset? fixTime = null, bool valid = true, string plate = "渝A12345") => new()
    {
        Plate = plate,
        FixTime = fixTime ?? Now.AddMinutes(-1),
        ReceivedTime = Now,
        Lat = lat,
        Lon = lon,
        SpeedKmh = 60,
        Valid = valid,
        Source = PositionSource.Http,
    };

    [Fact]
    public void CheckAlone_PlausibleFix_Accepted() =>
        Assert.Null(FixRules.CheckAlone(At(29.56, 106.55), Thresholds));

    [Fact]
    public void CheckAlone_TerminalMarksInvalid_TInvalid() =>
        Assert.Equal(FixCodes.Invalid, FixRules.CheckAlone(At(29.56, 106.55, valid: false), Thresholds)?.Code);

    [Theory]
    [InlineData(95, 106.55, "latitude 95")]
    [InlineData(-90.5, 106.55, "latitude -90.5")]
    [InlineData(29.56, 180.01, "longitude 180.01")]
    [InlineData(0, 0, "0/0")]
    [InlineData(double.NaN, 106.55, "latitude NaN")]
    public void CheckAlone_OutOfRange_TRangeNamingTheValue(double lat, double lon, string named)
    {
        var rejection = FixRules.CheckAlone(At(lat, lon), Thresholds);
        Assert.Equal(FixCodes.Range, rejection?.Code);
        Assert.Contains(named, rejection!.Value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAlone_BoundaryValues_Accepted()
    {
        Assert.Null(FixRules.CheckAlone(At(90, 180), Thresholds));
        Assert.Null(FixRules.CheckAlone(At(-90, -180), Thresholds));
        Assert.Null(FixRules.CheckAlone(At(0, 106.55), Thresholds));
    }

    [Fact]
    public void CheckAlone_FixIn2099_TFuture()
    {
        var rejection = FixRules.CheckAlone(At(29.56, 106.55, new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero)), Thresholds);
        Assert.Equal(FixCodes.Future, rejection?.Code);
        Assert.Contains("2099-01-01", rejection!.Value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAlone_FiveMinutesAheadExactly_Accepted_OneSecondMore_TFuture()
    {
        Assert.Null(FixRules.CheckAlone(At(29.56, 106.55, Now.AddMinutes(5)), Thresholds));
        Assert.Equal(FixCodes.Future, FixRules.CheckAlone(At(29.56, 106.55, Now.AddMinutes(5).AddSeconds(1)), Thresholds)?.Code);
    }

    [Fact]
    public void CheckAgainstHistory_SameTimeAndPositionAgain_TDuplicate()
    {
        var history = new VehicleFixHistory(8);
        var fix = At(29.56, 106.55);
        Assert.Null(FixRules.CheckAgainstHistory(fix, history, Thresholds));
        history.Add(AcceptedFix.Of(fix.FixTime, fix.Lat, fix.Lon));

        Assert.Equal(FixCodes.Duplicate, FixRules.CheckAgainstHistory(At(29.56, 106.55), history, Thresholds)?.Code);
        Assert.Null(FixRules.CheckAgainstHistory(At(29.5601, 106.55), history, Thresholds));
    }

    [Fact]
    public void CheckAgainstHistory_TenKilometresInOneMinute_TJump()
    {
        var history = new VehicleFixHistory(8);
        history.Add(AcceptedFix.Of(Now.AddMinutes(-2), 29.56, 106.55));
        // ~11 km north in 60 s: ~660 km/h.
        var jump = At(29.66, 106.55, Now.AddMinutes(-1));
        var rejection = FixRules.CheckAgainstHistory(jump, history, Thresholds);
        Assert.Equal(FixCodes.Jump, rejection?.Code);
        Assert.Contains("km/h", rejection!.Value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAgainstHistory_OneKilometreInOneMinute_Accepted()
    {
        var history = new VehicleFixHistory(8);
        history.Add(AcceptedFix.Of(Now.AddMinutes(-2), 29.56, 106.55));
        Assert.Null(FixRules.CheckAgainstHistory(At(29.569, 106.55, Now.AddMinutes(-1)), history, Thresholds));
    }

    [Fact]
    public void CheckAgainstHistory_LateFix_ComparedWithTheFixBeforeIt()
    {
        var history = new VehicleFixHistory(8);
        history.Add(AcceptedFix.Of(Now.AddHours(-2), 29.56, 106.55));
        history.Add(AcceptedFix.Of(Now.AddMinutes(-1), 30.56, 106.55));
        // A blind-area fix from 90 minutes ago, 1 km from the fix 2 h ago: plausible, though 110 km from the newest.
        Assert.Null(FixRules.CheckAgainstHistory(At(29.569, 106.55, Now.AddMinutes(-90)), history, Thresholds));
    }

    [Fact]
    public void FixId_SameFix_SameId_OtherPosition_OtherId()
    {
        var time = Now.AddMinutes(-1);
        Assert.Equal(FixId.Compute("渝A12345", time, 29.56, 106.55), FixId.Compute("渝A12345", time, 29.56, 106.55));
        Assert.NotEqual(FixId.Compute("渝A12345", time, 29.56, 106.55), FixId.Compute("渝A12345", time, 29.57, 106.55));
        Assert.NotEqual(FixId.Compute("渝A12345", time, 29.56, 106.55), FixId.Compute("渝A12346", time, 29.56, 106.55));
        Assert.Matches("^[0-9a-f]{32}$", FixId.Compute("渝A12345", time, 29.56, 106.55));
    }

    [Fact]
    public void VehicleFixHistory_BeyondCapacity_ForgetsTheOldest()
    {
        var history = new VehicleFixHistory(2);
        history.Add(AcceptedFix.Of(Now.AddMinutes(-3), 29.56, 106.55));
        history.Add(AcceptedFix.Of(Now.AddMinutes(-2), 29.56, 106.55));
        history.Add(AcceptedFix.Of(Now.AddMinutes(-1), 29.56, 106.55));
        Assert.False(history.Contains(AcceptedFix.Of(Now.AddMinutes(-3), 29.56, 106.55)));
        Assert.True(history.Contains(AcceptedFix.Of(Now.AddMinutes(-1), 29.56, 106.55)));
        Assert.Equal(Now.AddMinutes(-1), history.Newest);
    }
}
