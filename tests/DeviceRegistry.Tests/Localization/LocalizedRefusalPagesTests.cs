using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Appeals;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;

namespace DeviceRegistry.Tests.Localization;

/// <summary>Refusals of the core seen on the back-office pages in the reader's language; the CLI stays English.</summary>
public sealed partial class LocalizedRefusalPagesTests
{
    /// <summary>Fifteen digits whose last is not the check digit of the first 14.</summary>
    private const string WrongCheckDigit = "357613004448480";

    private static Dictionary<string, string> Intake(string imei, string documentNumber) => new()
    {
        ["Imei"] = imei,
        ["DocumentType"] = "IdCard",
        ["DocumentNumber"] = documentNumber,
        ["ApplicantName"] = "Rəşad Əliyev",
        ["ContactNumber"] = "+" + AppealFixture.ApplicantNumber,
        ["Numbers"] = AppealFixture.ApplicantNumber,
        ["Reason"] = nameof(AppealReason.NumberChange),
        ["Language"] = "az",
    };

    private static string FieldError(string html, string field)
    {
        var match = Regex.Match(html, $"<span class=\"ap-field-error\" id=\"err-{field}\"[^>]*>([^<]*)</span>");
        Assert.True(match.Success, $"no error beside {field}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clerk_sees_the_intake_refusals_in_russian_and_in_azerbaijani(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "clerk", StaffRoles.Clerk, "Baku 1");
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "clerk");

        // ?lang=ru on the page the token comes from sets the language cookie the POST then carries.
        var ru = await StaffTestKit.PostFormAsync(client, "/backoffice/intake", Intake(WrongCheckDigit, "A1"), tokenFrom: "/backoffice/intake?lang=ru");
        Assert.Equal(HttpStatusCode.OK, ru.StatusCode);
        var html = await ru.Content.ReadAsStringAsync();
        Assert.Equal("Последняя цифра не совпадает с контрольной: проверьте номер, вероятно, одна цифра набрана с ошибкой.", FieldError(html, "Imei"));
        Assert.Equal("Номер документа состоит из 4–40 букв и цифр.", FieldError(html, "DocumentNumber"));
        Assert.DoesNotContain("Luhn", html, StringComparison.Ordinal);

        var az = await StaffTestKit.PostFormAsync(client, "/backoffice/intake?lang=az", Intake("35761300444848A", ""), tokenFrom: "/backoffice/intake?lang=az");
        html = await az.Content.ReadAsStringAsync();
        Assert.Equal("IMEI yalnız rəqəmlərdən ibarətdir.", FieldError(html, "Imei"));
        Assert.Equal("Müraciət edənin sənədinin nömrəsini daxil edin.", FieldError(html, "DocumentNumber"));

        az = await StaffTestKit.PostFormAsync(client, "/backoffice/intake", Intake(WrongCheckDigit, "AZE-12"));
        html = await az.Content.ReadAsStringAsync();
        Assert.Equal("Son rəqəm yoxlama rəqəminə uyğun gəlmir: nömrəni yenidən yoxlayın, yəqin ki, bir rəqəm səhv yazılıb.", FieldError(html, "Imei"));
        Assert.Equal("Sənədin nömrəsi 4-40 hərf və rəqəmdən ibarətdir.", FieldError(html, "DocumentNumber"));

        // In English the same refusals read as the English texts.
        await StaffTestKit.UseEnglishAsync(client);
        html = await (await StaffTestKit.PostFormAsync(client, "/backoffice/intake", Intake(WrongCheckDigit, "A1"))).Content.ReadAsStringAsync();
        Assert.Equal("An ID document number is 4 to 40 letters and digits.", FieldError(html, "DocumentNumber"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_weak_new_password_is_refused_in_azerbaijani_on_the_security_page(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await StaffTestKit.CreateUserAsync(web, "rev1", StaffRoles.Reviewer);
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "rev1");

        var response = await StaffTestKit.PostFormAsync(client, "/backoffice/account/security?handler=Password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = StaffTestKit.Password, ["NewPassword"] = "short1", ["ConfirmPassword"] = "short1",
        }, tokenFrom: "/backoffice/account/security?lang=az");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<p class=\"bo-errors\" role=\"alert\">Parol ən azı 12 simvoldan ibarət olmalıdır.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"bo-errors\" role=\"alert\">Parolda ən azı bir böyük hərf ('A'-'Z') olmalıdır.</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Passwords must", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_cli_prints_refusals_in_english_whatever_the_culture(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ru");
        try
        {
            var check = await Infrastructure.Cli.RunAsync(database, "check", WrongCheckDigit);
            Assert.NotEqual(0, check.ExitCode);
            Assert.Contains("the last digit is not the Luhn check digit of the first 14", check.Error, StringComparison.Ordinal);

            var weak = await Infrastructure.Cli.RunAsync(database, "user", "add", "rev1", "--role", "reviewer", "--password", "short1");
            Assert.Equal(1, weak.ExitCode);
            Assert.Contains("Passwords must be at least 12 characters.", weak.Error, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
