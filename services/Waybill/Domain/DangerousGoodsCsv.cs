using System.Reflection;
using System.Text;

namespace HazChem.Transport.Waybill.Domain;

/// <summary>A dangerous-goods CSV that cannot be read; the message names the line.</summary>
internal sealed class DangerousGoodsFormatException(string source, int line, string problem)
    : Exception($"Dangerous-goods list {source}, line {line}: {problem}")
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads the dangerous-goods list from CSV in the format of <c>un_dangerous_goods.csv</c>: a header row naming at
/// least <c>un_number</c>, <c>class</c> and <c>packing_group</c> (optionally <c>name_zh</c>, <c>name_en</c> and
/// more, ignored), comma-separated, fields quoted with <c>"</c> when they hold commas. Any malformed line stops
/// the load with its line number: a half-read list would accept unknown goods or refuse known ones.
/// </summary>
internal static class DangerousGoodsCsv
{
    public const string BuiltInSource = "built-in list";
    private const string BuiltInResource = "HazChem.Transport.Waybill.Data.dangerous-goods-builtin.csv";

    /// <summary>Loads the file at <paramref name="path"/>.</summary>
    public static DangerousGoodsList LoadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>The built-in list of common goods shipped with the service (used when no file is configured).</summary>
    public static DangerousGoodsList LoadBuiltIn()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"Embedded resource {BuiltInResource} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader, BuiltInSource);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in errors.</summary>
    public static DangerousGoodsList Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine() ?? throw new DangerousGoodsFormatException(source, 1, "the file is empty; expected a header row");
        var columns = Split(header.TrimStart('\uFEFF'), source, 1).Select(c => c.Trim().ToLowerInvariant()).ToList();
        var un = Require(columns, "un_number", source);
        var hazardClass = Require(columns, "class", source);
        var packingGroup = Require(columns, "packing_group", source);
        var nameZh = columns.IndexOf("name_zh");
        var nameEn = columns.IndexOf("name_en");

        var entries = new List<DangerousGoodsEntry>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = Split(line, source, lineNumber);
            if (fields.Count != columns.Count)
            {
                throw new DangerousGoodsFormatException(source, lineNumber, $"expected {columns.Count} fields as in the header, found {fields.Count}");
            }

            var unNumber = fields[un].Trim();
            if (!UnNumbers.IsWellFormed(unNumber))
            {
                throw new DangerousGoodsFormatException(source, lineNumber, $"un_number '{unNumber}' is not four digits");
            }

            var classValue = fields[hazardClass].Trim();
            if (classValue != "-" && !HazardClasses.IsWellFormed(classValue))
            {
                throw new DangerousGoodsFormatException(source, lineNumber, $"class '{classValue}' is not a hazard class or division (e.g. 3, 2.1, 1.1D)");
            }

            var group = HazardClasses.NormalisePackingGroup(fields[packingGroup]);
            if (group is null)
            {
                throw new DangerousGoodsFormatException(source, lineNumber, $"packing_group '{fields[packingGroup].Trim()}' is not I, II, III or -");
            }

            entries.Add(new DangerousGoodsEntry(
                unNumber,
                nameZh >= 0 ? fields[nameZh].Trim() : "",
                nameEn >= 0 ? fields[nameEn].Trim() : "",
                HazardClasses.Normalise(classValue),
                group));
        }

        if (entries.Count == 0)
        {
            throw new DangerousGoodsFormatException(source, lineNumber, "the list holds no goods");
        }

        return new DangerousGoodsList(entries, source);
    }

    private static int Require(List<string> columns, string name, string source)
    {
        var index = columns.IndexOf(name);
        return index >= 0
            ? index
            : throw new DangerousGoodsFormatException(source, 1, $"the header has no '{name}' column (found: {string.Join(", ", columns)})");
    }

    /// <summary>RFC 4180 fields of one line: quoted fields may hold commas and doubled quotes.</summary>
    private static List<string> Split(string line, string source, int lineNumber)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        current.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"' && current.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw new DangerousGoodsFormatException(source, lineNumber, "a quoted field is not closed");
        }

        fields.Add(current.ToString());
        return fields;
    }
}
