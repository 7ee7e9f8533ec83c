using System.Net;
using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Appeals;

/// <summary>The appeal pages over HTTP: roles and offices are enforced by the host, not by which forms a page shows.</summary>
public sealed class AppealPagesTests
{
    internal static async Task<string> FileThroughServicesAsync(RegistryWebFactory web, StaffUser clerk, string imei15, string number = AppealFixture.ApplicantNumber)
    {
        await using var scope = web.Services.CreateAsyncScope();
        var filed = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new FileAppeal
        {
            Actor = new StaffActor(clerk.Id, clerk.UserName!, [StaffRoles.Clerk], clerk.Office),
            Imei = imei15, DocumentType = DeviceRegistry.Registrations.OwnerDocumentType.IdCard, DocumentNumber = "AZE7654321",
            ApplicantName = "Rashad Aliyev", ContactNumber = "+" + number, Numbers = [number], Reason = AppealReason.NumberChange, Language = "ru",
        });
        return filed.TrackingNumber;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clerk_gets_403_on_decision_posts_even_when_crafted(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await web.Database.AddCloneStatusAsync(AppealFixture.CloneImei, CloneStatusValues.Clone, AppealFixture.GenuineImsi, AppealFixture.GenuineImsi);
        await web.Database.AddSightingsAsync(AppealFixture.CloneImei, (AppealFixture.ApplicantImsi, AppealFixture.ApplicantNumber));
        var clerk = await StaffTestKit.CreateUserAsync(web, "clerk", StaffRoles.Clerk, "Baku 1");
        var tracking = await FileThroughServicesAsync(web, clerk, AppealFixture.Imei15);
        using var client = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(client, "clerk");

        var page = $"/backoffice/appeals/{tracking}";
        var token = await StaffTestKit.AntiforgeryTokenAsync(client, page); // the clerk's add-document form
        foreach (var handler in new[] { "Take", "Pair", "ProposeLift", "Reject", "RequestInformation", "ConfirmLift", "ReturnLift", "Assign" })
        {
            using var response = await client.PostAsync($"{page}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Version"] = "0", ["Text"] = "crafted", ["Imsis"] = AppealFixture.ApplicantImsi, ["AssignTo"] = "clerk",
                ["__RequestVerificationToken"] = token,
            }));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{handler}: {(int)response.StatusCode}");
        }

        await using var db = web.Database.CreateContext();
        var appeal = await db.Set<Appeal>().SingleAsync();
        Assert.Equal((AppealStatus.New, 0, null), (appeal.Status, appeal.Version, appeal.AssignedToId));
        Assert.Equal(1, await db.Set<CloneAllowedPair>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_clerk_of_another_office_cannot_see_the_appeal(DatabaseProvider provider)
    {
        await using var web = await RegistryWebFactory.CreateAsync(provider, StaffTestKit.WithoutTwoFactor);
        await web.Database.AddCloneStatusAsync(AppealFixture.CloneImei, CloneStatusValues.Clone, AppealFixture.GenuineImsi, AppealFixture.GenuineImsi);
        var clerk = await StaffTestKit.CreateUserAsync(web, "clerk", StaffRoles.Clerk, "Baku 1");
        await StaffTestKit.CreateUserAsync(web, "clerk2", StaffRoles.Clerk, "Ganja 2");
        var tracking = await FileThroughServicesAsync(web, clerk, AppealFixture.Imei15);

        using var own = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(own, "clerk");
        Assert.Contains(tracking, await own.GetStringAsync("/backoffice/appeals"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync($"/backoffice/appeals/{tracking}")).StatusCode);

        using var other = StaffTestKit.CreateClient(web);
        await StaffTestKit.SignInOrFailAsync(other, "clerk2");
        Assert.DoesNotContain(tracking, await other.GetStringAsync("/backoffice/appeals?status=all"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/backoffice/appeals/{tracking}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/backoffice/intake/receipt/{tracking}")).StatusCode);

        // Signed out, the page sends to the sign-in.
        using var anonymous = StaffTestKit.CreateClient(web);
        var redirect = await anonymous.GetAsync($"/backoffice/appeals/{tracking}");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
    }
}
