using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Web.Demo;

/// <summary>
/// Demo appeals on the demo data set's clones, filed and moved on through the appeal use cases as the demo
/// staff (clerk, clerk2, reviewer, reviewer2, supervisor): one each New, InReview, InformationRequested,
/// AwaitingConfirmation, Approved (paired) and Rejected. Skips quietly (with a log line) when a user is
/// missing or when appeals already exist.
/// </summary>
public static class DemoAppeals
{
    /// <returns>The appeals filed.</returns>
    public static async Task<int> CreateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoAppeals));
        var db = provider.GetRequiredService<RegistryDbContext>();
        var users = provider.GetRequiredService<UserManager<StaffUser>>();
        if (await db.Set<Appeal>().AnyAsync(ct))
        {
            logger.LogInformation("Demo appeals: appeals exist already, none added");
            return 0;
        }

        var actors = new Dictionary<string, StaffActor>(StringComparer.Ordinal);
        foreach (var name in new[] { "clerk", "clerk2", "reviewer", "reviewer2", "supervisor" })
        {
            var user = await users.FindByNameAsync(name);
            if (user is null)
            {
                logger.LogInformation("Demo appeals skipped: no staff user {User} (the demo staff are created first)", name);
                return 0;
            }

            actors[name] = new StaffActor(user.Id, name, [.. await users.GetRolesAsync(user)], user.Office);
        }

        var clones = await db.Set<CloneStatus>().AsNoTracking().Where(s => s.Status == CloneStatusValues.Clone)
            .OrderBy(s => s.Imei).Select(s => s.Imei).Take(7).ToListAsync(ct);
        if (clones.Count < 7)
        {
            logger.LogInformation("Demo appeals skipped: {Count} clone IMEIs in the demo data, 7 needed", clones.Count);
            return 0;
        }

        var mediator = provider.GetRequiredService<IMediator>();
        var people = new[]
        {
            ("Leyla Mammadova", "AZE1234567", "en"), ("Rashad Aliyev", "AZE2345678", "az"), ("Gunel Hasanova", "AZE3456789", "ru"),
            ("Elvin Guliyev", "AZE4567890", "az"), ("Nigar Ismayilova", "AZE5678901", "en"), ("Tural Huseynov", "AZE6789012", "az"),
        };
        var filed = 0;
        var today = provider.GetRequiredService<DeviceRegistry.Infrastructure.RegistryClock>().Today();
        for (var i = 0; i < 6; i++)
        {
            var imei = clones[i];
            // The applicant's number: one seen on the IMEI with a SIM that is not allowed (a later SIM), when there is one.
            var allowed = db.Set<CloneAllowedPair>().Where(p => p.Imei == imei).Select(p => p.Imsi);
            var number = await db.Sightings.AsNoTracking().Where(s => s.Imei == imei && s.Msisdn != null && !allowed.Contains(s.Imsi))
                .Select(s => s.Msisdn).FirstOrDefaultAsync(ct) ?? await AddRefusedNewSimAsync(db, imei, i, today.AddDays(-1), ct);
            var (name, document, language) = people[i];
            var clerk = i % 2 == 0 ? actors["clerk"] : actors["clerk2"];
            var appeal = await mediator.Send(new FileAppeal
            {
                Actor = clerk, Imei = new Imei(imei).WithCheckDigit, DocumentType = OwnerDocumentType.IdCard, DocumentNumber = document,
                ApplicantName = name, ContactNumber = number, Numbers = [number],
                Reason = i == 5 ? AppealReason.Other : AppealReason.NumberChange, ReasonText = i == 5 ? "Says the phone was never lent to anyone." : null,
                Language = language,
            }, ct);
            filed++;
            var tracking = appeal.TrackingNumber;
            if (i == 0)
            {
                continue; // New
            }

            var reviewer = i % 2 == 0 ? actors["reviewer"] : actors["reviewer2"];
            var version = await mediator.Send(new AssignAppeal { Actor = reviewer, TrackingNumber = tracking, Version = 0 }, ct);
            switch (i)
            {
                case 2:
                    await mediator.Send(new RequestInformation
                    {
                        Actor = reviewer, TrackingNumber = tracking, Version = version, Message = "Ask for the phone's box or invoice showing the IMEI.",
                    }, ct);
                    break;
                case 3:
                    await mediator.Send(new DecideAppeal
                    {
                        Actor = reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.ProposeLift,
                        Reason = "The applicant is the IMEI's first user; the later SIMs are the clone's.",
                    }, ct);
                    break;
                case 4:
                    await RegisterForApplicantAsync(mediator, db, imei, document, name, number, ct);
                    try
                    {
                        await mediator.Send(new DecideAppeal { Actor = reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Pair }, ct);
                    }
                    catch (AppealException ex)
                    {
                        logger.LogInformation("Demo appeal {Tracking} stays InReview: {Reason}", tracking, ex.Message);
                    }

                    break;
                case 5:
                    await mediator.Send(new DecideAppeal
                    {
                        Actor = reviewer, TrackingNumber = tracking, Version = version, Decision = AppealDecision.Reject,
                        Reason = "The network shows two phones with this IMEI in use at the same time in different cities.",
                    }, ct);
                    break;
            }
        }

        logger.LogInformation("Demo appeals: {Count} filed (New, InReview, InformationRequested, AwaitingConfirmation, Approved, Rejected)", filed);

        // One clone left without an appeal, for a newcomer to file one at the post-office desk and pair it.
        var spare = clones[6];
        var spareAllowed = db.Set<CloneAllowedPair>().Where(p => p.Imei == spare).Select(p => p.Imsi);
        var spareNumber = await db.Sightings.AsNoTracking().Where(s => s.Imei == spare && s.Msisdn != null && !spareAllowed.Contains(s.Imsi))
            .Select(s => s.Msisdn).FirstOrDefaultAsync(ct) ?? await AddRefusedNewSimAsync(db, spare, 6, today.AddDays(-1), ct);
        await RegisterForApplicantAsync(mediator, db, spare, "AZE7000006", "Demo Applicant", spareNumber, ct);
        logger.LogInformation(
            "To walk an appeal yourself: sign in as clerk, file one for the clone IMEI {Imei} (registered by the applicant) with the applicant's number {Number} (refused by the EIR today: a SIM that came after the verdict); then sign in as reviewer, take it and pair: the EIR admits that SIM within seconds",
            new Imei(spare).WithCheckDigit, spareNumber);
        return filed;
    }

    /// <summary>
    /// The usual story behind an appeal when the demo clone has no later SIM: the applicant changed number after
    /// the verdict, and the new SIM (not an allowed pair) has been refused since. Adds yesterday's sighting of it.
    /// </summary>
    private static async Task<string> AddRefusedNewSimAsync(RegistryDbContext db, long imei, int index, DateOnly yesterday, CancellationToken ct)
    {
        var operatorId = await db.Operators.OrderBy(o => o.Id).Select(o => o.Id).FirstAsync(ct);
        var msisdn = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"99455{7000000 + index}");
        db.Sightings.Add(new Sighting
        {
            Imei = imei, Imsi = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"4000190{70000000 + index}"), Msisdn = msisdn,
            OperatorId = operatorId, Month = (yesterday.Year * 100) + yesterday.Month, DayMask = 1 << (yesterday.Day - 1),
            FirstSeen = yesterday, LastSeen = yesterday, MsisdnSeen = yesterday,
        });
        await db.SaveChangesAsync(ct);
        return msisdn;
    }

    /// <summary>
    /// The applicant registered the phone within its window and paid the duty (as a genuine owner does), so an
    /// approval by pairing shows in the EIR's answer; an unregistered device past its window stays blocked for
    /// every SIM whatever the appeal decides.
    /// </summary>
    private static async Task RegisterForApplicantAsync(
        IMediator mediator, RegistryDbContext db, long imei, string document, string name, string contact, CancellationToken ct)
    {
        var firstHome = await db.SeenImeis.AsNoTracking().Where(s => s.Imei == imei).Select(s => s.FirstHomeSeen ?? s.FirstSeen).FirstAsync(ct);
        await GeneratedDemoDataLoader.RegisterAndPayAsync(mediator, imei, document, name, contact, firstHome.AddDays(3), ct);
    }
}
