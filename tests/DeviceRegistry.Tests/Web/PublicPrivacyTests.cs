using System.Text.Json;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Web;

public sealed class PublicPrivacyTests
{
    private static readonly (string Imsi, string Msisdn)[] Sims =
    [
        ("400011234567890", "994501234567"),
        ("400027654321098", "994557654321"),
        ("250019876543210", "79161234567"),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task No_answer_of_the_api_or_the_page_carries_an_imsi_a_phone_number_or_an_owner(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        var db = web.Database;
        var today = WebTestData.Today;
        await db.AddTacAsync(35761300, "Samsung", "Galaxy A54 5G");
        var imeis = new[] { "35761300000011", "35761300000022", "35761300000033", "35761300000044" };
        await db.AddSeenAsync(imeis[0], today.AddDays(-5), today.AddDays(-5));
        await db.AddSeenAsync(imeis[1], today.AddDays(-50), today.AddDays(-50));
        await db.AddSeenAsync(imeis[2], today.AddDays(-50), today.AddDays(-50));
        await db.AddCloneStatusAsync(imeis[2], CloneStatusValues.Clone, Sims[0].Imsi, Sims[0].Imsi, Sims[1].Imsi);
        await db.AddSeenAsync(imeis[3], today.AddDays(-5), null);
        foreach (var imei in imeis)
        {
            await db.AddSightingsAsync(imei, Sims);
        }

        using var client = web.CreateClient();
        var bodies = new List<string>();
        foreach (var imei in imeis.Append("35761300000055"))
        {
            foreach (var language in new[] { "az", "en", "ru" })
            {
                var json = await client.GetStringAsync(new Uri($"/api/v1/imei/{imei}?lang={language}", UriKind.Relative));
                using (var document = JsonDocument.Parse(json))
                {
                    AssertNoPersonalPropertyNames(document.RootElement);
                }

                bodies.Add(json);
                bodies.Add(await client.GetStringAsync(new Uri($"/?lang={language}&imei={imei}", UriKind.Relative)));
            }
        }

        Assert.Contains(bodies, b => b.Contains("\"status\":\"clone\"", StringComparison.Ordinal));
        foreach (var body in bodies)
        {
            foreach (var (imsi, msisdn) in Sims)
            {
                Assert.DoesNotContain(imsi, body, StringComparison.Ordinal);
                Assert.DoesNotContain(msisdn, body, StringComparison.Ordinal);
                Assert.DoesNotContain(imsi[..10], body, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("Azercell", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static void AssertNoPersonalPropertyNames(JsonElement element)
    {
        string[] forbidden = ["imsi", "msisdn", "supi", "gpsi", "owner", "phone", "subscriber", "operator", "genuine", "sim"];
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Assert.DoesNotContain(forbidden, f => property.Name.Contains(f, StringComparison.OrdinalIgnoreCase));
                    AssertNoPersonalPropertyNames(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertNoPersonalPropertyNames(item);
                }

                break;
        }
    }
}
