using System.Diagnostics;
using System.Globalization;

namespace HazChem.Transport.TestSupport.Internal;

/// <summary>
/// Throw-away directories for servers the fixtures start. Each records the test process that owns it,
/// so a later run can stop and delete what a killed run left behind.
/// </summary>
internal static class ScratchDirectory
{
    private const string Prefix = "hazchem-test-";
    private const string OwnerFileName = "owner";

    public static string Create(string kind)
    {
        var path = Path.Combine(TempRoot(), $"{Prefix}{kind}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        using var self = Process.GetCurrentProcess();
        File.WriteAllText(
            Path.Combine(path, OwnerFileName),
            string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {self.StartTime.ToUniversalTime().Ticks}"));
        return path;
    }

    /// <summary>Directories of this kind whose owning test process is gone.</summary>
    public static IEnumerable<string> FindOrphans(string kind)
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetDirectories(TempRoot(), $"{Prefix}{kind}-*");
        }
        catch (IOException)
        {
            yield break;
        }
        catch (UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var candidate in candidates)
        {
            if (!IsOwnerAlive(candidate))
            {
                yield return candidate;
            }
        }
    }

    public static void Delete(string path)
    {
        // A server may still be flushing its last files; a few tries beat leaving litter.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 4)
            {
                Thread.Sleep(100);
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Where scratch directories go. As root the servers run as another user (initdb refuses root),
    /// and that user must reach the directory, which a private TMPDIR under /root would prevent.
    /// </summary>
    public static string TempRoot() =>
        RunAsUser.IsRoot && Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();

    private static bool IsOwnerAlive(string directory)
    {
        string[] parts;
        try
        {
            parts = File.ReadAllText(Path.Combine(directory, OwnerFileName)).Split(' ');
        }
        catch (IOException)
        {
            // No owner file: either being created right now or not ours to judge. Leave it.
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }

        if (parts.Length != 2
            || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var startTicks))
        {
            return true;
        }

        try
        {
            using var owner = Process.GetProcessById(pid);
            // A reused pid belongs to a process that started at another time.
            return Math.Abs(owner.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
