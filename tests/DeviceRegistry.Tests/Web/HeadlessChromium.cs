using Microsoft.Playwright;

namespace DeviceRegistry.Tests.Web;

/// <summary>
/// Debian's Chromium driven by Playwright (which cannot download its own browsers here). Fails with
/// the reason when no chromium is on PATH: browser tests are never skipped.
/// </summary>
internal static class HeadlessChromium
{
    public static string ExecutablePath()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("Browser tests need Debian's Chromium: apt-get install -y chromium (no chromium found on PATH).");
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
}
