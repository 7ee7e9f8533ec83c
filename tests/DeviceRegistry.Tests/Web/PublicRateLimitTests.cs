using System.Net;
using System.Text.Json;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Web;

public sealed class PublicRateLimitTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Checks_past_the_limit_get_a_429_problem_with_retry_after(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, new Dictionary<string, string?> { ["PublicCheck:PermitPerMinute"] = "3" });
        using var client = web.CreateClient();
        var uri = new Uri("/api/v1/imei/490154203237518?lang=en", UriKind.Relative);

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.GetAsync(uri);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await client.GetAsync(uri);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        var detail = problem.RootElement.GetProperty("detail").GetString();
        Assert.Contains("3 IMEI checks per minute", detail, StringComparison.Ordinal);
        Assert.Contains($"{(int)retryAfter.Value.TotalSeconds} seconds", detail, StringComparison.Ordinal);

        // The page's checks share the limit and say so in the reader's language; the bare page stays open.
        using var page = await client.GetAsync(new Uri("/?lang=ru&imei=490154203237518", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Слишком много проверок", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var bare = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
    }
}
