using System.Net;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;

namespace DeviceRegistry.Tests.Staff;

/// <summary>Staff sign-in through the real pipeline: the page, its token, the cookie, the role policies.</summary>
public sealed class StaffSignInTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_signed_out_visitor_is_sent_to_the_sign_in_page_and_a_clerk_gets_in_with_the_right_password(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");
        using var client = StaffTestKit.CreateClient(web);

        var anonymous = await client.GetAsync("/backoffice");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("http://localhost/backoffice/account/signin?returnUrl=", anonymous.Headers.Location!.ToString(), StringComparison.Ordinal);

        var wrong = await StaffTestKit.SignInAsync(client, "clerk1", "Wrong-password-123");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("id=\"sign-in-error\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await StaffTestKit.SignInAsync(client, "clerk1");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var cookie = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("devreg-staff=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_form_posted_without_its_anti_forgery_token_is_refused(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");
        using var client = StaffTestKit.CreateClient(web);

        var response = await client.PostAsync("/backoffice/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "clerk1",
            ["Password"] = StaffTestKit.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("devreg-staff=", StringComparison.Ordinal)),
            "no session may be opened by a form without its token");
    }
}
