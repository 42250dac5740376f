namespace Maestro.AppHost.Hosting;

/// <summary>The AppHost's console: every line prefixed with the resource it came from.</summary>
public static class ConsoleLog
{
    private static readonly Lock Gate = new();

    public const string AppHostSource = "apphost";

    public static void Write(string source, string line)
    {
        lock (Gate)
        {
            Console.Out.WriteLine($"{source,-10} | {line}");
        }
    }

    public static void Info(string line) => Write(AppHostSource, line);
}
