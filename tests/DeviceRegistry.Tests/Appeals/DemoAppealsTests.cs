using System.Text.RegularExpressions;
using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Staff;
using DeviceRegistry.Tests.Web;
using DeviceRegistry.Web.Demo;
using DeviceRegistry.Devices;
using DeviceRegistry.Eir;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DeviceRegistry.Tests.Appeals;

/// <summary>
/// What a newcomer gets from `dotnet run`: the demo staff and appeals in several states, a queue to look at
/// once signed in, and the decision SMS delivered by the web host's loop when an SMS sender is configured.
/// </summary>
public sealed partial class DemoAppealsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Development_starts_with_appeals_in_each_state_a_reviewer_sees_them_and_decision_sms_go_out(DatabaseProvider provider)
    {
        var outbox = Path.Combine(Path.GetTempPath(), $"devreg-demo-sms-{Guid.NewGuid():N}.txt");
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Demo:LoadOnEmptyDatabase"] = "true",
                ["Registration:SmsOutboxFile"] = outbox,
                ["Appeals:MessageDeliverySeconds"] = "1",
            };
            await using var web = await RegistryWebFactory.CreateAsync(provider, settings, Environments.Development);
            using var client = StaffTestKit.CreateClient(web);
            await StaffTestKit.SignInOrFailAsync(client, "reviewer", DemoStaff.DevelopmentPassword);

            List<(string Tracking, AppealStatus Status)> appeals;
            await using (var db = web.Database.CreateContext())
            {
                appeals = (await db.Set<Appeal>().AsNoTracking().Select(a => new { a.TrackingNumber, a.Status }).ToListAsync())
                    .Select(a => (a.TrackingNumber, a.Status)).ToList();
            }

            Assert.Equal(
                [AppealStatus.New, AppealStatus.InReview, AppealStatus.InformationRequested, AppealStatus.AwaitingConfirmation, AppealStatus.Approved, AppealStatus.Rejected],
                appeals.Select(a => a.Status).Distinct().Order());

            var queue = await client.GetStringAsync(new Uri("/backoffice/appeals?lang=en", UriKind.Relative));
            var shown = TrackingNumbers().Matches(queue).Select(m => m.Value).Distinct().ToHashSet();
            Assert.All(appeals.Where(a => Appeal.IsOpen(a.Status)), a => Assert.Contains(a.Tracking, shown));

            // The demo's approved appeal paired the applicant's SIM on a device the applicant registered: the one
            // decision now admits that SIM, while a SIM never seen on the IMEI stays refused.
            await using (var scope = web.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                var approved = await db.Set<Appeal>().AsNoTracking().Include(a => a.Numbers).SingleAsync(a => a.Status == AppealStatus.Approved);
                var number = approved.Numbers.Single().Msisdn;
                var imsi = await db.Sightings.AsNoTracking().Where(x => x.Imei == approved.Imei && x.Msisdn == number).Select(x => x.Imsi).FirstAsync();
                var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
                var imei15 = new DeviceRegistry.Identifiers.Imei(approved.Imei).WithCheckDigit;
                Assert.Equal(EquipmentStatus.Whitelisted, (await mediator.Send(new GetImeiStatus(imei15, imsi))).Decision);
                Assert.Equal(EquipmentStatus.Blacklisted, (await mediator.Send(new GetImeiStatus(imei15, "400019999999999"))).Decision);
            }

            // A rejection and a request for information each queue an SMS naming the tracking number; the loop sends them.
            var texted = appeals.Where(a => a.Status is AppealStatus.Rejected or AppealStatus.InformationRequested).Select(a => a.Tracking).ToList();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            var lines = Array.Empty<string>();
            while (DateTime.UtcNow < deadline)
            {
                lines = File.Exists(outbox) ? await File.ReadAllLinesAsync(outbox) : [];
                if (texted.All(t => lines.Any(l => l.Contains(t, StringComparison.Ordinal))))
                {
                    break;
                }

                await Task.Delay(250);
            }

            Assert.All(texted, t => Assert.Contains(lines, l => l.Contains(t, StringComparison.Ordinal)));
            await using (var db = web.Database.CreateContext())
            {
                Assert.True(await db.Set<AppealMessage>().CountAsync(m => m.Status == DeviceRegistry.Registrations.SmsStatus.Sent) >= texted.Count);
            }
        }
        finally
        {
            File.Delete(outbox);
        }
    }

    [GeneratedRegex("AP-[0-9A-Z]{4}-[0-9A-Z]{4}")]
    private static partial Regex TrackingNumbers();
}
