using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Public;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Web;

/// <summary>
/// Registered and reported-stolen come from the registrations feature's status query, which plugs
/// in behind IPublicStatusSource; these tests hold the wording of those answers to the contract.
/// </summary>
public sealed class PublicStatusSourceSwapTests
{
    private sealed class FixedStatusSource(PublicStatusKind kind) : IPublicStatusSource
    {
        public Task<PublicDeviceStatus> GetStatusAsync(Imei imei, CancellationToken ct) =>
            Task.FromResult(new PublicDeviceStatus(kind, new DeviceModelInfo(imei.TacText, "Apple", "iPhone 13")));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Registered_and_stolen_answers_read_in_each_language(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var cases = new (PublicStatusKind Kind, string Status, string Az, string En, string Ru)[]
        {
            (PublicStatusKind.Registered, "registered", "qeydiyyatdan keçib", "is registered", "зарегистрировано"),
            (PublicStatusKind.ReportedStolen, "stolen", "oğurlandığı", "reported stolen", "украденн"),
        };
        foreach (var (kind, status, az, en, ru) in cases)
        {
            using var swapped = web.WithWebHostBuilder(b => b.ConfigureTestServices(
                services => services.AddScoped<IPublicStatusSource>(_ => new FixedStatusSource(kind))));
            using var client = swapped.CreateClient();
            foreach (var (language, phrase) in new[] { ("az", az), ("en", en), ("ru", ru) })
            {
                var body = await client.GetStringAsync(new Uri($"/api/v1/imei/352936001349777?lang={language}", UriKind.Relative));
                using var answer = JsonDocument.Parse(body);
                Assert.Equal(status, answer.RootElement.GetProperty("status").GetString());
                Assert.Contains(phrase, answer.RootElement.GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);
                Assert.Equal("iPhone 13", answer.RootElement.GetProperty("device").GetProperty("model").GetString());
            }
        }
    }
}
