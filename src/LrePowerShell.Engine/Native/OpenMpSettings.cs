using System.Runtime.InteropServices;

namespace LrePowerShell.Engine.Native;

/// <summary>
/// libtorch's CPU kernels run on GNU OpenMP, whose threads by default spin for a while at the end of
/// every parallel region instead of sleeping. On a machine whose cores other processes also use (a
/// shared server, a laptop with a browser open) a spinning thread burns the time slice its partner
/// needs, and a 2-thread GPT-2 forward pass ran 2.3× slower than with OMP_WAIT_POLICY=PASSIVE (the
/// bench, 2 shared cores); on an idle machine passive waiting costs a futex wake per region, which the
/// large kernels of a forward pass do not notice. libgomp reads the variable once, when it is loaded,
/// so it is set in the native environment (which .NET's Environment.SetEnvironmentVariable does not
/// reach on Unix) before libtorch loads. A value the user set is kept.
/// </summary>
internal static class OpenMpSettings
{
    public const string WaitPolicy = "OMP_WAIT_POLICY";

    public static void PreferPassiveWaiting()
    {
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable(WaitPolicy) is not null) return;
        setenv(WaitPolicy, "PASSIVE", 0);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]        // Ansi is UTF-8 on Unix
    private static extern int setenv(string name, string value, int overwrite);
}
