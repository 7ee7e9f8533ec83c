using System.Net;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Web;

public sealed class PublicPageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_page_speaks_azerbaijani_by_default_and_remembers_a_chosen_language(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient(); // keeps cookies like a browser

        var first = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("<html lang=\"az\">", first, StringComparison.Ordinal);
        Assert.Contains("<label for=\"imei\">IMEI nömrəsi</label>", first, StringComparison.Ordinal);

        using var chosen = await client.GetAsync(new Uri("/?lang=ru", UriKind.Relative));
        Assert.Contains(chosen.Headers.GetValues("Set-Cookie"), c => c.StartsWith("devreg-lang=ru", StringComparison.Ordinal));
        Assert.Contains("Номер IMEI", await chosen.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var later = await client.GetStringAsync(new Uri("/?imei=490154203237518", UriKind.Relative));
        Assert.Contains("<html lang=\"ru\">", later, StringComparison.Ordinal);
        Assert.Contains("не использовалось", later, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task What_was_typed_comes_back_encoded_and_explained(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider);
        using var client = web.CreateClient();

        using var response = await client.GetAsync(new Uri("/?lang=en&imei=" + Uri.EscapeDataString("<script>alert(1)</script>"), UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Not a valid IMEI", html, StringComparison.Ordinal);
        Assert.Contains("An IMEI has 15 digits", html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"imei-hint result-reason\" aria-invalid=\"true\"", html, StringComparison.Ordinal);
    }
}
