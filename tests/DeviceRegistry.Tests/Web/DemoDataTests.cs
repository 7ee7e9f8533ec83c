using System.Text.Json;
using System.Text.RegularExpressions;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DeviceRegistry.Tests.Web;

public sealed class DemoDataTests
{
    private static async Task<string?> StatusOfAsync(HttpClient client, string imei)
    {
        using var answer = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/imei/{imei}?lang=en", UriKind.Relative)));
        Assert.True(answer.RootElement.GetProperty("valid").GetBoolean(), imei);
        return answer.RootElement.GetProperty("status").GetString();
    }

    /// <summary>The demo IMEIs the page offers, with the status each link promises.</summary>
    private static List<(string Imei, string Status)> OfferedDemoImeis(string page) =>
        Regex.Matches(page, "href=\"/\\?imei=(\\d{15})\"[^>]*data-status=\"([a-z_]+)\"")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .ToList();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Production_asking_for_it_loads_the_demo_set_once_and_Development_offers_it_by_default(DatabaseProvider provider)
    {
        var demoOn = new Dictionary<string, string?> { ["Demo:LoadOnEmptyDatabase"] = "true", ["Demo:Devices"] = "300" };
        await using var web = await RegistryWebFactory.CreateAsync(provider, demoOn, Environments.Production);
        List<(string Imei, string Status)> offered;
        using (var client = web.CreateClient())
        {
            var page = await client.GetStringAsync(new Uri("/?lang=en", UriKind.Relative));
            Assert.Contains("Demo IMEIs to try", page, StringComparison.Ordinal);
            offered = OfferedDemoImeis(page);

            // A newcomer sees at once a clone, a registered device and one inside its window,
            // and each answers as its link promises.
            foreach (var status in new[] { "clone", "registered", "in_registration_window", "blocked_unregistered" })
            {
                Assert.Contains(offered, o => o.Status == status);
            }

            foreach (var (imei, status) in offered)
            {
                Assert.Equal(status, await StatusOfAsync(client, imei));
            }
        }

        int clones;
        long ingestRuns;
        await using (var context = web.Database.CreateContext())
        {
            // Loaded through the real pipeline: an ingest run, detected clones with evidence, paid registrations.
            ingestRuns = await context.IngestRuns.LongCountAsync();
            Assert.Equal(1, ingestRuns);
            clones = await context.Set<DeviceRegistry.Clones.CloneStatus>().CountAsync();
            Assert.True(clones > 0);
            Assert.True(await context.Set<DeviceRegistry.Clones.CloneStatus>().AllAsync(c => c.DistinctImsis >= 2 && c.ConcurrentDays > 0));
            Assert.True(await context.Set<DeviceRegistry.Clones.CloneAllowedPair>().CountAsync() >= 2 * clones);
            Assert.True(await context.Set<DeviceRegistry.Registrations.DutyInvoice>().AnyAsync(i => i.Status == DeviceRegistry.Registrations.InvoiceStatus.Paid));
        }

        // A second host on the same, no longer empty, database loads nothing twice and offers the same IMEIs;
        // it runs in Development (WebApplicationFactory's default), where the setting is on without being asked for.
        await using var second = new SecondHost(web.Database, web.Database.Settings);
        using var secondClient = second.CreateClient();
        Assert.Equal(offered, OfferedDemoImeis(await secondClient.GetStringAsync(new Uri("/?lang=en", UriKind.Relative))));
        await using var check = web.Database.CreateContext();
        Assert.Equal(ingestRuns, await check.IngestRuns.LongCountAsync());
        Assert.Equal(clones, await check.Set<DeviceRegistry.Clones.CloneStatus>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Production_on_an_empty_database_stays_empty(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, environment: Environments.Production);

        await AssertStaysEmptyAsync(web);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Development_with_the_setting_off_stays_empty(DatabaseProvider provider)
    {
        var demoOff = new Dictionary<string, string?> { ["Demo:LoadOnEmptyDatabase"] = "false" };
        await using var web = await RegistryWebFactory.CreateAsync(provider, demoOff, Environments.Development);

        await AssertStaysEmptyAsync(web);
    }

    /// <summary>No demo data, no demo IMEIs on the page, and nothing of the demo loader registered.</summary>
    private static async Task AssertStaysEmptyAsync(RegistryWebFactory web)
    {
        using var client = web.CreateClient();

        using var answer = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/imei/490154203237518", UriKind.Relative)));

        Assert.Equal("never_seen", answer.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain("class=\"demo\"", await client.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain(web.Services.GetServices<IHostedService>(), s => s is DemoDataHostedService);
        await using (var scope = web.Services.CreateAsyncScope())
        {
            Assert.Null(scope.ServiceProvider.GetService<IDemoDataLoader>());
        }

        await using var context = web.Database.CreateContext();
        Assert.False(await context.SeenImeis.AnyAsync());
        Assert.False(await context.Set<DeviceRegistry.Registrations.Registration>().AnyAsync());
        Assert.False(await context.Operators.AnyAsync());
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
