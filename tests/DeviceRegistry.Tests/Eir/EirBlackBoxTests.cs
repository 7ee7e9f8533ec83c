using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;

namespace DeviceRegistry.Tests.Eir;

/// <summary>
/// The independent black-box check (tests/eir-blackbox/check.mjs: Node, openapi-response-validator, the 3GPP
/// Rel-18 and Rel-17 documents) run against the whole web host on real sockets, over HTTP/1.1 on the main
/// listener and h2c on the SBA listener, with a registered, a stolen and a greylisted device. Any answer it
/// finds not conforming fails the test with the check's own report. The database plays no part: SQLite only.
/// </summary>
public sealed class EirBlackBoxTests
{
    private const string HomeSupi = "imsi-400011234567890";

    [Fact]
    public async Task The_black_box_check_finds_every_answer_conforming_over_http11_and_h2c()
    {
        var script = ScriptPath();
        var folder = Path.GetDirectoryName(script)!;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "openapi-response-validator")))
        {
            // A fresh clone: `dotnet test` alone installs the check's pinned packages from its lock file.
            var install = await ExternalTool.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
                ".ci/run installs it (Debian: nodejs, npm)", TimeSpan.FromMinutes(5), folder);
            Assert.True(install.ExitCode == 0, $"npm ci in {folder} failed ({install.ExitCode}): {install.Out}{install.Error}");
        }

        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" });
        var added = await Infrastructure.Cli.RunAsync(web.Database, "operator", "add", "BlackBox");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();

        const long registered = 35891110654321;
        const long stolen = 35332510123456;
        const long greylisted = 35209900176148;
        await Sql.DeviceStatusAsync(web.Database, registered, registered: true, blocked: false);
        await Sql.DeviceStatusAsync(web.Database, stolen, registered: false, blocked: true);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Sql.SeenAsync(web.Database, greylisted, today, today);

        var main = web.StartKestrel();
        var sba = web.SbaAddress;
        Assert.NotNull(sba);

        var run = await ExternalTool.RunAsync("node",
            [
                script, "--http", main.ToString(), "--h2c", sba.ToString(),
                "--registered", Pei(registered), "--stolen", Pei(stolen), "--greylisted", Pei(greylisted), "--home-supi", HomeSupi,
            ],
            ".ci/run installs it (Debian: nodejs, npm)", TimeSpan.FromMinutes(3), folder, new Dictionary<string, string> { ["EIR_SECRET"] = secret });
        var report = run.Out + run.Error;
        Assert.True(run.ExitCode == 0, $"the black-box check exited with {run.ExitCode}:{Environment.NewLine}{report}");
        var summary = report.Split('\n').Single(l => l.StartsWith("eir-blackbox: ", StringComparison.Ordinal));
        var probes = int.Parse(summary.Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(probes >= 120, $"expected at least 60 probes on each transport: {summary}");
        Assert.EndsWith("0 not conforming", summary.Trim(), StringComparison.Ordinal);
    }

    private static string Pei(long imei) => "imei-" + new Imei(imei).WithCheckDigit;

    private static string ScriptPath()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "eir-blackbox", "check.mjs");
        return File.Exists(script) ? script : throw new InvalidOperationException($"{script} not found");
    }
}
