namespace HazChem.Transport.TestSupport.Internal;

/// <summary>
/// Runs server binaries as an unprivileged user when the tests run as root (containers, CI),
/// because initdb and postgres refuse to run as root.
/// </summary>
internal static class RunAsUser
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>The command line that runs <paramref name="executable"/> as <paramref name="user"/> when root, else as is.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(string? user, string executable, IEnumerable<string> arguments)
    {
        if (user is null)
        {
            return (executable, arguments.ToList());
        }

        var runuser = ProcessRunner.FindSystemTool("runuser")
            ?? throw new InvalidOperationException("running as root, but 'runuser' (util-linux) is not installed, so the server cannot run as another user");
        return (runuser, new[] { "-u", user, "--", executable }.Concat(arguments).ToList());
    }

    /// <summary>Whether a local account of that name exists (read from /etc/passwd).</summary>
    public static bool UserExists(string user)
    {
        try
        {
            return File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
