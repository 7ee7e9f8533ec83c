using DeviceRegistry.Cli;

namespace DeviceRegistry.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs devreg in-process, pointed at a test database, and captures what it prints.</summary>
public static class Cli
{
    public static Task<CliResult> RunAsync(TestDatabase db, params string[] args) => RunAsync(db.Settings, args);

    /// <summary>Runs devreg with these settings (a test database's plus any overrides).</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DevReg.RunAsync(args, output, error, settings);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
