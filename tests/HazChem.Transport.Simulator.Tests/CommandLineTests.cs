using HazChem.Transport.Simulator.Seeding;

namespace HazChem.Transport.Simulator.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:10", 10_000)]
    public void Parse_Duration_Milliseconds(string text, double milliseconds)
    {
        Assert.Equal(milliseconds, Duration.Parse(text).TotalMilliseconds);
    }

    [Fact]
    public void Parse_NotADuration_SaysWhatIsAccepted()
    {
        var error = Assert.Throws<FormatException>(() => Duration.Parse("soon"));

        Assert.Contains("5s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreditCode_DemoCarrierBase_GivesItsKnownCheckCharacter()
    {
        // The demo carrier of the dev launcher, accepted by Qualification: 91500115MA5YDEM01M.
        const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        static char Check(string first17, string alphabet, int[] w) => alphabet[(31 - (first17.Select((c, i) => alphabet.IndexOf(c, StringComparison.Ordinal) * w[i]).Sum() % 31)) % 31];
        Assert.Equal('M', Check("91500115MA5YDEM01", Alphabet, weights));

        var code = FleetSeeder.CreditCode('D');

        Assert.Matches("^[1-9ANY][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", code);
        Assert.Equal(Check(code[..17], Alphabet, weights), code[17]);
    }

    [Fact]
    public void IdNumber_FleetPeople_DistinctValidNumbers()
    {
        var numbers = "DEFGH".SelectMany(letter => Enumerable.Range(0, 4).Select(n => FleetSeeder.IdNumber(letter, n))).ToList();

        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(numbers, n =>
        {
            Assert.Matches("^50[0-9]{15}[0-9X]$", n);
            Assert.True(DateOnly.TryParseExact(n.Substring(6, 8), "yyyyMMdd", out _), n);
            int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            Assert.Equal("10X98765432"[n[..17].Select((c, i) => (c - '0') * weights[i]).Sum() % 11], n[17]);
        });
    }

    [Fact]
    public void ParseEndPoint_HostAndPort_IsAnEndPointElseError()
    {
        Assert.Equal("127.0.0.1:6808", SimulatorCommand.ParseEndPoint("127.0.0.1:6808").ToString());
        Assert.Throws<FormatException>(() => SimulatorCommand.ParseEndPoint("localhost"));
    }
}
