using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Web;

public sealed class DemoDataTests
{
    // The demo IMEIs are the brief's worked examples, so a newcomer can type them from DOMAIN.md.
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["357613004448485"] = "in_registration_window",
        ["352936001349777"] = "blocked_unregistered",
        ["490154203237518"] = "clone",
        ["260531793113837"] = "roaming_only",
    };

    private static async Task<string?> StatusOfAsync(HttpClient client, string imei)
    {
        using var answer = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/imei/{imei}?lang=en", UriKind.Relative)));
        Assert.True(answer.RootElement.GetProperty("valid").GetBoolean(), imei);
        return answer.RootElement.GetProperty("status").GetString();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_empty_database_gets_the_demo_set_once(DatabaseProvider provider)
    {
        var demoOn = new Dictionary<string, string?> { ["Demo:LoadOnEmptyDatabase"] = "true" };
        await using var web = await RegistryWebFactory.CreateAsync(provider, demoOn);
        using (var client = web.CreateClient())
        {
            foreach (var (imei, status) in Expected)
            {
                Assert.Equal(status, await StatusOfAsync(client, imei));
            }

            var page = await client.GetStringAsync(new Uri("/?lang=en", UriKind.Relative));
            Assert.Contains("Demo IMEIs to try", page, StringComparison.Ordinal);
            foreach (var imei in Expected.Keys)
            {
                Assert.Contains($"href=\"/?imei={imei}\"", page, StringComparison.Ordinal);
            }
        }

        await using (var context = web.Database.CreateContext())
        {
            var clone = await context.Set<DeviceRegistry.Clones.CloneStatus>().SingleAsync();
            Assert.True(clone.DistinctImsis >= 2 && clone.OverlapDays > 0, "the demo clone carries overlap evidence");
            Assert.True(await context.Set<DeviceRegistry.Clones.CloneAllowedPair>().CountAsync() >= 2);
            Assert.True(await context.ImeiChanges.AnyAsync(c => c.Imei == clone.Imei));
        }

        // A second host on the same, no longer empty, database loads nothing twice.
        var secondSettings = new Dictionary<string, string?>(web.Database.Settings) { ["Demo:LoadOnEmptyDatabase"] = "true" };
        await using var second = new SecondHost(web.Database, secondSettings);
        using var secondClient = second.CreateClient();
        Assert.Equal("clone", await StatusOfAsync(secondClient, "490154203237518"));
        Assert.Contains("href=\"/?imei=490154203237518\"", await secondClient.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        await using var check = web.Database.CreateContext();
        Assert.Equal(5, await check.Tacs.CountAsync());
        Assert.Equal(1, await check.Set<DeviceRegistry.Clones.CloneStatus>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_the_setting_off_the_database_stays_empty(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();

        using var answer = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/imei/490154203237518", UriKind.Relative)));

        Assert.Equal("never_seen", answer.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain("class=\"demo\"", await client.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        await using var context = web.Database.CreateContext();
        Assert.False(await context.SeenImeis.AnyAsync());
    }

    /// <summary>Another web host on an existing database, which it must not delete.</summary>
    private sealed class SecondHost(TestDatabase database, IReadOnlyDictionary<string, string?> settings)
        : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<DeviceRegistry.Web.WebEntryPoint>
    {
        public TestDatabase Database { get; } = database;

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
