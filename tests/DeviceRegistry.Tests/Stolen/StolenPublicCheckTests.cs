using System.Net;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;

namespace DeviceRegistry.Tests.Stolen;

using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

/// <summary>
/// The public check of a device reported stolen: "reported stolen" in az, en and ru, on the page and through the API,
/// and neither the case (number, reporter) nor the owner's registration data; after recovery, "registered" again.
/// </summary>
public sealed class StolenPublicCheckTests
{
    private const string Owned = "35467211777777";
    private const string OwnedFull = "354672117777779";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_public_check_says_reported_stolen_in_each_language_and_shows_nothing_of_the_case_or_the_owner(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" });
        var db = web.Database;
        // Registered by "Leyla Mammadova", document AZE5550123, contact +994501234567 (the helper's owner).
        await AttachChecksEndToEndTests.RegisterAndPayAsync(db, Owned, "AZE5550123", DateOnly.FromDateTime(DateTime.UtcNow));
        var report = await Cli.RunAsync(db, "stolen", "report", "--imei", OwnedFull, "--case-number", "NAS-2026-7788",
            "--reported-by", "Nasimi district police station");
        Assert.True(report.ExitCode == 0, report.Error);

        using var client = web.CreateClient();
        var titles = new Dictionary<string, string>
        {
            ["az"] = "Oğurlanmış kimi bildirilib",
            ["en"] = "Reported stolen",
            ["ru"] = "Заявлено как украденное",
        };
        var bodies = new List<string>();
        foreach (var (language, title) in titles)
        {
            var page = await client.GetStringAsync(new Uri($"/?lang={language}&imei={OwnedFull}", UriKind.Relative));
            Assert.Contains("data-status=\"stolen\"", page, StringComparison.Ordinal);
            Assert.Contains(title, page, StringComparison.Ordinal);
            var api = await client.GetStringAsync(new Uri($"/api/v1/imei/{OwnedFull}?lang={language}", UriKind.Relative));
            Assert.Contains("\"status\":\"stolen\"", api, StringComparison.Ordinal);
            Assert.Contains(title, api, StringComparison.Ordinal);
            bodies.Add(page);
            bodies.Add(api);
        }

        foreach (var body in bodies)
        {
            Assert.DoesNotContain("NAS-2026", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Nasimi", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Mammadova", body, StringComparison.Ordinal);
            Assert.DoesNotContain("AZE5550123", body, StringComparison.Ordinal);
            Assert.DoesNotContain("501234567", body, StringComparison.Ordinal);
        }

        var recover = await Cli.RunAsync(db, "stolen", "recover", "--imei", OwnedFull, "--case-number", "NAS-2026-7788");
        Assert.True(recover.ExitCode == 0, recover.Error);
        using var after = await client.GetAsync(new Uri($"/api/v1/imei/{OwnedFull}?lang=en", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("\"status\":\"registered\"", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
