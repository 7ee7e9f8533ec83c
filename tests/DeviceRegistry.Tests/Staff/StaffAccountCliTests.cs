using System.Net;
using System.Text.RegularExpressions;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Staff;

/// <summary>devreg user add / disable / list against the database a running web host uses.</summary>
public sealed partial class StaffAccountCliTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_generated_password_is_printed_once_and_signs_in_and_the_addition_is_audited(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);

        var add = await Infrastructure.Cli.RunAsync(web.Database, "user", "add", "clerk7", "--role", "clerk", "--office", "Baku Post Office 7");

        Assert.Equal(0, add.ExitCode);
        var password = PasswordLine().Match(add.Out).Groups[1].Value;
        Assert.True(password.Length >= StaffSettings.MinimumPasswordLength, add.Out);
        Assert.Single(Regex.Matches(add.Out + add.Error, Regex.Escape(password)));
        Assert.Matches("[A-Z]", password);
        Assert.Matches("[a-z]", password);
        Assert.Matches("[0-9]", password);

        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "clerk7", password);

        var second = await Infrastructure.Cli.RunAsync(web.Database, "user", "add", "clerk8", "--role", "clerk", "--office", "Baku Post Office 7");
        Assert.NotEqual(password, PasswordLine().Match(second.Out).Groups[1].Value);

        await using var db = web.Database.CreateContext();
        var entry = await db.Set<AuditEntry>().SingleAsync(a => a.Action == AuditActions.UserAdded && a.Subject == "user:clerk7");
        Assert.Equal(Environment.UserName, entry.ActorName);
        Assert.Equal("console", entry.ActorId);
        Assert.DoesNotContain(password, entry.After!, StringComparison.Ordinal);
        var user = await db.Users.SingleAsync(u => u.UserName == "clerk7");
        Assert.Equal("Baku Post Office 7", user.Office);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bad_input_is_refused_with_what_is_wrong_and_creates_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var weak = await Infrastructure.Cli.RunAsync(database, "user", "add", "rev1", "--role", "reviewer", "--password", "short1");
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("at least 12 characters", weak.Error, StringComparison.Ordinal);
        Assert.Contains("uppercase", weak.Error, StringComparison.Ordinal);

        var noOffice = await Infrastructure.Cli.RunAsync(database, "user", "add", "clerk1", "--role", "clerk");
        Assert.Equal(1, noOffice.ExitCode);
        Assert.Contains("--office", noOffice.Error, StringComparison.Ordinal);

        var nationalWithOffice = await Infrastructure.Cli.RunAsync(database, "user", "add", "sup1", "--role", "supervisor", "--office", "Baku 1");
        Assert.Equal(1, nationalWithOffice.ExitCode);
        Assert.Contains("only for clerks", nationalWithOffice.Error, StringComparison.Ordinal);

        var unknownRole = await Infrastructure.Cli.RunAsync(database, "user", "add", "x1", "--role", "boss");
        Assert.Equal(2, unknownRole.ExitCode);

        var badName = await Infrastructure.Cli.RunAsync(database, "user", "add", "no spaces", "--role", "admin");
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains("UserName", badName.Error, StringComparison.Ordinal);

        await using (var db = database.CreateContext())
        {
            Assert.Equal(0, await db.Users.CountAsync());
            Assert.Equal(0, await db.Set<AuditEntry>().CountAsync());
        }

        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(database, "user", "add", "admin1", "--role", "admin", "--password", StaffTestKit.Password)).ExitCode);
        var duplicate = await Infrastructure.Cli.RunAsync(database, "user", "add", "admin1", "--role", "admin");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already taken", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await Infrastructure.Cli.RunAsync(database, "user", "disable", "nobody")).ExitCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_disabled_user_cannot_sign_in_is_told_so_and_loses_the_open_session(DatabaseProvider provider)
    {
        var clock = new ShiftedClock();
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        web.Clock = clock;
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(web.Database, "user", "add", "rev1", "--role", "reviewer", "--password", StaffTestKit.Password)).ExitCode);
        using var open = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(open, "rev1");
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/backoffice/account/security")).StatusCode);

        var disable = await Infrastructure.Cli.RunAsync(web.Database, "user", "disable", "rev1");
        Assert.Equal(0, disable.ExitCode);
        Assert.Contains("disabled", disable.Out, StringComparison.Ordinal);
        var again = await Infrastructure.Cli.RunAsync(web.Database, "user", "disable", "rev1");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already disabled", again.Out, StringComparison.Ordinal);

        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.UseEnglishAsync(client);
        var refused = await StaffTestKit.SignInAsync(client, "rev1");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("This account has been disabled", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrongPassword = await StaffTestKit.SignInAsync(client, "rev1", "Wrong-password-123");
        Assert.DoesNotContain("disabled", await wrongPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The open session ends once its security stamp is checked again (the interval is a minute).
        clock.Shift = TimeSpan.FromMinutes(2);
        var afterStampCheck = await open.GetAsync("/backoffice/account/security");
        Assert.Equal(HttpStatusCode.Redirect, afterStampCheck.StatusCode);
        Assert.Contains("/backoffice/account/signin", afterStampCheck.Headers.Location!.ToString(), StringComparison.Ordinal);

        await using var db = web.Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.UserName == "rev1");
        Assert.NotNull(user.DisabledAt);
        Assert.Equal(DateTimeOffset.MaxValue.Year, user.LockoutEnd!.Value.Year);
        Assert.Single(await db.Set<AuditEntry>().Where(a => a.Action == AuditActions.UserDisabled && a.Subject == "user:rev1").ToListAsync());
        Assert.Equal(2, await db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.SignInFailed && a.Subject == "user:rev1" && a.ActorId == "anonymous"));

        var list = await Infrastructure.Cli.RunAsync(web.Database, "user", "list");
        Assert.Equal(0, list.ExitCode);
        var row = list.Out.Split('\n').Single(l => l.StartsWith("rev1 ", StringComparison.Ordinal));
        Assert.Matches(@"^rev1\s+reviewer\s+-\s+off\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+\d{4}-\d\d-\d\d \d\d:\d\dZ$", row.TrimEnd());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_list_shows_each_account_with_role_office_second_factor_and_state(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(database, "user", "add", "clerk1", "--role", "clerk", "--office", "Ganja Post Office 3", "--password", StaffTestKit.Password)).ExitCode);
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(database, "user", "add", "admin1", "--role", "admin", "--password", StaffTestKit.Password)).ExitCode);
        await using (var db = database.CreateContext())
        {
            var admin = await db.Users.SingleAsync(u => u.UserName == "admin1");
            admin.TwoFactorEnabled = true;
            await db.SaveChangesAsync();
        }

        var list = await Infrastructure.Cli.RunAsync(database, "user", "list");

        Assert.Equal(0, list.ExitCode);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Matches(@"^user\s+role\s+office\s+2fa\s+disabled\s+last_change$", lines[0]);
        Assert.Matches(@"^admin1\s+admin\s+-\s+on\s+no\s+\d{4}-", lines[1]);
        Assert.Matches(@"^clerk1\s+clerk\s+Ganja Post Office 3\s+off\s+no\s+\d{4}-", lines[2]);
    }

    [GeneratedRegex(@"^password: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();
}

/// <summary>The real clock moved by <see cref="Shift"/>, for tests that let time pass for the web host.</summary>
internal sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
}
