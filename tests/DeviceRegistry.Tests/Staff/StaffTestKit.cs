using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Staff;

/// <summary>
/// Staff accounts for back-office tests: users created through Identity's UserManager in the host under
/// test, and signed in through the real sign-in page (its form and anti-forgery token) over HTTP.
/// </summary>
/// <example>
/// <code>
/// await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
/// await StaffTestKit.CreateUserAsync(web, "clerk1", StaffRoles.Clerk, "Baku 1");
/// using var client = StaffTestKit.CreateClient(web);
/// await StaffTestKit.SignInAsync(client, "clerk1");
/// </code>
/// </example>
internal static partial class StaffTestKit
{
    /// <summary>A password that meets the rules (12+ characters, upper, lower, digit).</summary>
    public const string Password = "Correct-Horse-42-Battery";

    /// <summary>Settings for tests that are not about the second factor (it is required outside Development).</summary>
    public static IReadOnlyDictionary<string, string?> WithoutTwoFactor { get; } =
        new Dictionary<string, string?> { ["Staff:RequireTwoFactor"] = "false" };

    public static async Task<StaffUser> CreateUserAsync(RegistryWebFactory web, string userName, string role, string? office = null, string password = Password)
    {
        await using var scope = web.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = userName, Office = office, CreatedAt = DateTime.UtcNow };
        Check(await users.CreateAsync(user, password), $"create {userName}");
        Check(await users.AddToRoleAsync(user, role), $"add {userName} to {role}");
        return user;
    }

    /// <summary>A client that keeps cookies and does not follow redirects (tests look at them).</summary>
    public static HttpClient CreateClient(RegistryWebFactory web) =>
        web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the sign-in page; returns the response to the form's POST (a redirect on success).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password = Password)
    {
        var token = await AntiforgeryTokenAsync(client, "/backoffice/account/signin");
        var response = await client.PostAsync("/backoffice/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
        return response;
    }

    /// <summary>Signs in and fails the test unless the sign-in succeeded.</summary>
    public static async Task SignInOrFailAsync(HttpClient client, string userName, string password = Password)
    {
        var response = await SignInAsync(client, userName, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString() is { } to && !to.Contains("signin", StringComparison.OrdinalIgnoreCase),
            $"sign-in of {userName} failed: {(int)response.StatusCode} {response.Headers.Location} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The anti-forgery token of the first form on a page.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string url)
    {
        var html = await client.GetStringAsync(url);
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"{url} has no anti-forgery token field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static void Check(IdentityResult result, string what) =>
        Assert.True(result.Succeeded, what + ": " + string.Join("; ", result.Errors.Select(e => e.Description)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
