using System.Diagnostics;

namespace DeviceRegistry.Tests.Infrastructure;

/// <summary>The exit code and output of a program a test runs (curl, h2load, node).</summary>
public sealed record ExternalToolResult(int ExitCode, string Out, string Error);

/// <summary>Runs an installed program and waits for it; a missing one fails the test naming what installs it.</summary>
public static class ExternalTool
{
    public static async Task<ExternalToolResult> RunAsync(
        string tool, IEnumerable<string> args, string installHint, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}); {installHint}");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cancel.Token);
            return new ExternalToolResult(process.ExitCode, await output, await error);
        }
    }
}
