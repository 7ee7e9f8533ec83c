using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using DeviceRegistry.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace DeviceRegistry.Tests.Staff;

public sealed class DemoStaffTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Development_gets_one_account_per_role_with_the_documented_password_and_leaves_existing_ones(DatabaseProvider provider)
    {
        var settings = new Dictionary<string, string?>(StaffTestKit.WithoutTwoFactor) { ["Demo:LoadOnEmptyDatabase"] = "false" };
        await using var web = await RegistryWebFactory.CreateAsync(provider, settings, Environments.Development);
        await StaffTestKit.CreateUserAsync(web, "admin", StaffRoles.Admin, password: "Someone-Elses-Pass-99");

        var created = await DemoStaff.CreateAsync(web.Services, CancellationToken.None);

        Assert.Equal(["clerk", "clerk2", "reviewer", "reviewer2", "supervisor"], created.Select(c => c.UserName));
        Assert.All(created, c => Assert.Equal(DemoStaff.DevelopmentPassword, c.Password));
        Assert.Empty(await DemoStaff.CreateAsync(web.Services, CancellationToken.None));
        await using (var db = web.Database.CreateContext())
        {
            var offices = await db.Users.Where(u => u.Office != null).OrderBy(u => u.UserName).Select(u => u.UserName + "@" + u.Office).ToListAsync();
            Assert.Equal(["clerk@Baku Post Office 1", "clerk2@Ganja Post Office 3"], offices);
            Assert.Equal(5, await db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.UserAdded && a.ActorId == "demo"));
        }

        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "supervisor", DemoStaff.DevelopmentPassword);
        using var other = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(other, "admin", "Someone-Elses-Pass-99");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Elsewhere_each_demo_account_gets_its_own_random_password(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);

        var created = await DemoStaff.CreateAsync(web.Services, CancellationToken.None);

        Assert.Equal(6, created.Count);
        Assert.DoesNotContain(created, c => c.Password == DemoStaff.DevelopmentPassword);
        Assert.Equal(6, created.Select(c => c.Password).Distinct().Count());
        var clerk = created.Single(c => c.UserName == "clerk");
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "clerk", clerk.Password);
    }
}
