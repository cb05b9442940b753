using System.Text.Json;

namespace HazChem.Transport.Telemetry.Tests.Jt808;

/// <summary>One row of <c>shared/data/jt808/vectors.tsv</c>: a frame from another implementation's tests and its expected values.</summary>
internal sealed record Jt808Vector(
    int Row,
    string SourceRepo,
    string SourceFile,
    string MessageId,
    string ProtocolVersion,
    string Hex,
    JsonElement Expected)
{
    public string InputForm => Expected.GetProperty("input_form").GetString()!;

    public override string ToString()
    {
        var test = Expected.TryGetProperty("test", out var name) ? name.GetString() : null;
        return $"row {Row}: {MessageId} {ProtocolVersion} {SourceRepo} {Path.GetFileName(SourceFile)} {test}".TrimEnd();
    }
}

/// <summary>
/// Loads the public vectors from <c>../shared/data/jt808/vectors.tsv</c> next to the repository root (the
/// folder holding HazChem.Transport.sln). Reference data is never copied into the repository.
/// </summary>
internal static class Jt808Vectors
{
    public const int Absent = -1;

    private static readonly Lazy<IReadOnlyList<Jt808Vector>?> Loaded = new(Load);

    public static string? FilePath { get; } = FindFile();

    public static string SkipReason =>
        $"JT/T 808 reference vectors not found: expected ../shared/data/jt808/vectors.tsv beside the repository root (searched up from {AppContext.BaseDirectory}).";

    public static IReadOnlyList<Jt808Vector>? All => Loaded.Value;

    /// <summary>One theory row per vector, or a single <see cref="Absent"/> row that skips with a reason.</summary>
    public static TheoryData<int> Rows()
    {
        var data = new TheoryData<int>();
        if (All is null)
        {
            data.Add(Absent);
            return data;
        }

        foreach (var vector in All)
        {
            data.Add(new TheoryDataRow<int>(vector.Row).WithTestDisplayName($"JT808 vector {vector}"));
        }

        return data;
    }

    public static Jt808Vector Get(int row)
    {
        if (row == Absent || All is null)
        {
            Assert.Skip(SkipReason);
        }

        return All[row];
    }

    private static string? FindFile()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HazChem.Transport.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "jt808", "vectors.tsv"));
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }

    private static List<Jt808Vector>? Load()
    {
        if (FilePath is null)
        {
            return null;
        }

        var vectors = new List<Jt808Vector>();
        foreach (var line in File.ReadLines(FilePath).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var columns = line.Split('\t');
            Assert.True(columns.Length == 6, $"vectors.tsv row {vectors.Count} has {columns.Length} columns, expected 6");
            var json = columns[5];
            if (json.StartsWith('"') && json.EndsWith('"'))
            {
                json = json[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
            }

            using var document = JsonDocument.Parse(json);
            vectors.Add(new Jt808Vector(
                vectors.Count, columns[0], columns[1], columns[2], columns[3], columns[4], document.RootElement.Clone()));
        }

        return vectors;
    }
}
