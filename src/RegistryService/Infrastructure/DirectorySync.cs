using System.Runtime.InteropServices;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Flushes a directory's entries to disk (POSIX <c>fsync</c> on the directory), so a file renamed into
/// it survives a power loss as the new name, not only as its data. .NET has no API for it; on Windows,
/// where directories cannot be flushed this way and NTFS journals renames, it does nothing.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    /// <exception cref="IOException">The directory could not be opened or flushed.</exception>
    public static void Flush(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(path, ReadOnly | (OperatingSystem.IsLinux() ? Directory : 0));
        if (descriptor < 0)
        {
            throw new IOException($"Could not open directory {path} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Could not flush directory {path} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
