using HazChem.Transport.Waybill.Domain;

namespace HazChem.Transport.Waybill.Tests.Domain;

public sealed class DangerousGoodsCsvTests
{
    private const string Header = "un_number,name_zh,name_en,class,subsidiary_risk,packing_group";

    [Fact]
    public void LoadFile_FullSharedList_LoadsEveryUnNumberWithNormalisedPackingGroups()
    {
        var list = DangerousGoodsCsv.LoadFile(Samples.RequireFullList());

        // 2,339 rows, one per UN number, in the shared GB 12268 extract.
        Assert.Equal(2339, list.Count);
        var gasoline = Assert.Single(list.Find("1203"));
        Assert.Equal(("3", "II"), (gasoline.HazardClass, gasoline.PackingGroup));
        Assert.Equal("MOTOR SPIRIT or GASOLINE or PETROL", gasoline.NameEn);
        Assert.Equal(("2.3", "-"), (list.Find("1005")[0].HazardClass, list.Find("1005")[0].PackingGroup));
        Assert.Equal(("1.1D", "-"), (list.Find("0004")[0].HazardClass, list.Find("0004")[0].PackingGroup));
        Assert.False(list.Contains("9999"));
    }

    [Theory]
    [InlineData("1203", "3", "II")]
    [InlineData("1202", "3", "III")]
    [InlineData("1005", "2.3", "-")]
    [InlineData("1075", "2.1", "-")]
    [InlineData("1017", "2.3", "-")]
    [InlineData("1830", "8", "II")]
    [InlineData("1789", "8", "II")]
    [InlineData("1789", "8", "III")]
    [InlineData("1824", "8", "II")]
    [InlineData("1090", "3", "II")]
    [InlineData("1230", "3", "II")]
    [InlineData("1114", "3", "II")]
    [InlineData("1689", "6.1", "I")]
    [InlineData("1942", "5.1", "III")]
    [InlineData("2556", "4.1", "II")]
    [InlineData("1965", "2.1", "-")]
    [InlineData("1263", "3", "III")]
    [InlineData("1170", "3", "II")]
    public void LoadBuiltIn_CommonGoods_AreListedWithClassAndPackingGroup(string un, string hazardClass, string packingGroup)
    {
        var rows = Samples.BuiltIn.Find(un);

        Assert.Contains(rows, r => r.HazardClass == hazardClass && r.PackingGroup == packingGroup);
    }

    [Fact]
    public void LoadBuiltIn_EveryEntry_AgreesWithTheFullList()
    {
        var full = DangerousGoodsCsv.LoadFile(Samples.RequireFullList());

        foreach (var un in Samples.BuiltIn.UnNumbers)
        {
            var builtIn = Samples.BuiltIn.Find(un);
            var official = full.Find(un);
            Assert.True(official.Count > 0, $"UN{un} of the built-in list is not on the full list");
            Assert.All(builtIn, b => Assert.Equal(official[0].HazardClass, b.HazardClass));
            Assert.Contains(official[0].PackingGroup, builtIn.Select(b => b.PackingGroup));
        }
    }

    [Theory]
    [InlineData("1203,汽油,PETROL,3,-\n", 2, "expected 6 fields")]
    [InlineData("1203,汽油,PETROL,3,-,II\n12O3,汽油,PETROL,3,-,II\n", 3, "un_number '12O3'")]
    [InlineData("1203,汽油,PETROL,3,-,II\n1202,柴油,DIESEL,3.9,-,III\n", 3, "class '3.9'")]
    [InlineData("1203,汽油,PETROL,3,-,II\n\n1202,柴油,DIESEL,3,-,IV\n", 4, "packing_group 'IV'")]
    [InlineData("1203,\"汽油,PETROL,3,-,II\n", 2, "quoted field is not closed")]
    public void Parse_MalformedLine_FailsNamingTheLine(string body, int line, string problem)
    {
        var error = Assert.Throws<DangerousGoodsFormatException>(() => DangerousGoodsCsv.Parse(new StringReader(Header + "\n" + body), "test.csv"));

        Assert.Equal(line, error.Line);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HeaderWithoutClassColumn_FailsOnLineOne()
    {
        var error = Assert.Throws<DangerousGoodsFormatException>(() => DangerousGoodsCsv.Parse(new StringReader("un_number,name,packing_group\n1203,x,II\n"), "test.csv"));

        Assert.Equal(1, error.Line);
        Assert.Contains("'class'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QuotedFieldsWithCommasAndQuotes_AreOneField()
    {
        var list = DangerousGoodsCsv.Parse(new StringReader(Header + "\n1005,无水氨,\"AMMONIA, \"\"ANHYDROUS\"\"\",2.3,8,-\n1789,盐酸,HYDROCHLORIC ACID,8,-,Ⅲ\n"), "test.csv");

        Assert.Equal("AMMONIA, \"ANHYDROUS\"", list.Find("1005")[0].NameEn);
        Assert.Equal("III", list.Find("1789")[0].PackingGroup);
    }

    [Fact]
    public void Parse_HeaderOnly_Fails()
    {
        Assert.Throws<DangerousGoodsFormatException>(() => DangerousGoodsCsv.Parse(new StringReader(Header + "\n"), "test.csv"));
    }
}
