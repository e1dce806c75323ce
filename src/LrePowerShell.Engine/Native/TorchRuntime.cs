using System.Runtime.InteropServices;
using LrePowerShell.Engine.Errors;
using TorchSharp;

namespace LrePowerShell.Engine.Native;

/// <summary>
/// The one door to libtorch. <see cref="EnsureLoaded"/> loads libLibTorchSharp (and through its
/// $ORIGIN RUNPATH libtorch, libc10, libgomp) by full path before TorchSharp's static constructor
/// runs: TorchSharp's own probe swallows the loader's error text and then tries to copy ~470 MB of
/// natives out of the NuGet cache. Loading it ourselves turns any failure into a clear error.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>The folder the native libraries were loaded from (after <see cref="EnsureLoaded"/>).</summary>
    public static string? NativeDirectory { get; private set; }

    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            OpenMpSettings.PreferPassiveWaiting();
            string file = OperatingSystem.IsWindows() ? "LibTorchSharp.dll"
                        : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib"
                        : "libLibTorchSharp.so";
            string asmDir = Path.GetDirectoryName(typeof(TorchRuntime).Assembly.Location)!;
            string rid = RuntimeInformation.RuntimeIdentifier;
            foreach (var dir in new[] { asmDir, Path.Combine(asmDir, "runtimes", rid, "native") })
            {
                string path = Path.Combine(dir, file);
                if (!File.Exists(path)) continue;
                try
                {
                    NativeLibrary.Load(path);
                }
                catch (DllNotFoundException ex)
                {
                    throw new LreException("LibTorchLoadFailed", LreErrorKind.ResourceUnavailable,
                        $"Could not load TorchSharp's native library '{path}': {ex.Message}. " +
                        "On Debian 12 this is usually GLIBCXX_3.4.32: rebuild with build.ps1, which patches the published copy.", ex);
                }
                NativeDirectory = dir;
                _loaded = true;
                return;
            }
            throw new LreException("LibTorchNotFound", LreErrorKind.ResourceUnavailable,
                $"'{file}' was not found next to {typeof(TorchRuntime).Assembly.Location}: publish the module with build.ps1 (it publishes for {rid}).");
        }
    }

    /// <summary>
    /// Parses and checks a device string: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>mps</c>.
    /// Asking libtorch for a device it lacks throws an InvalidOperationException with no useful
    /// text, so availability is checked first and reported with what would make it work.
    /// </summary>
    public static torch.Device ResolveDevice(string device)
    {
        EnsureLoaded();
        string d = (device ?? "cpu").Trim().ToLowerInvariant();
        if (d == "cpu") return torch.CPU;
        if (d == "mps")
        {
            if (!torch.mps_is_available())
                throw Unavailable(device!, "the Apple Metal (mps) backend exists only in macOS builds of libtorch; this module runs the Linux CPU build");
            return torch.device("mps");
        }
        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (d.Length > 4 && (!int.TryParse(d.AsSpan(5), out index) || index < 0))
                throw new LreException("InvalidDevice", LreErrorKind.InvalidArgument,
                    $"Device '{device}' is not understood: use cpu, cuda, cuda:N (N a GPU index) or mps.");
            if (!torch.cuda.is_available())
                throw Unavailable(device!, "no CUDA device is visible to the libtorch this module was built with (the CPU build). " +
                    "On a machine with an NVIDIA GPU, build with './build.ps1 -Cuda' to ship the CUDA libtorch package");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw Unavailable(device!, $"only {count} CUDA device(s) are visible (cuda:0..cuda:{count - 1})");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new LreException("InvalidDevice", LreErrorKind.InvalidArgument,
            $"Device '{device}' is not understood: use cpu, cuda, cuda:N (N a GPU index) or mps.");
    }

    private static LreException Unavailable(string device, string why) =>
        new("DeviceUnavailable", LreErrorKind.ResourceUnavailable, $"Device '{device}' is not available: {why}.");
}
