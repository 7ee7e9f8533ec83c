using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Evidence;

/// <summary>Hand-built rows for the evidence and statistics tests, and the use cases on a fixed clock.</summary>
internal static class EvidenceTestKit
{
    /// <summary>1 December 2026, 10:00 in Baku.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly Today = new(2026, 12, 1);

    public static readonly StaffActor Reviewer = new("user-reviewer-1", "reviewer1", [StaffRoles.Reviewer], null);

    public static async Task<T> SendAsync<T>(TestDatabase db, IRequest<T> request, DateTimeOffset? now = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(now ?? Now));
        services.AddDeviceRegistry(new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    public static async Task<int> OperatorAsync(RegistryDbContext context, string name)
    {
        var op = await context.Operators.FirstOrDefaultAsync(o => o.Name == name);
        if (op is null)
        {
            op = new Operator { Name = name, CreatedAt = Now.UtcDateTime };
            context.Operators.Add(op);
            await context.SaveChangesAsync();
        }

        return op.Id;
    }

    /// <summary>Sightings of one SIM through one operator on the given days (one row per month, masks OR-ed).</summary>
    public static async Task SeeAsync(TestDatabase db, long imei, string imsi, string? msisdn, string operatorName, params DateOnly[] days)
    {
        await using var context = db.CreateContext();
        var op = await OperatorAsync(context, operatorName);
        foreach (var month in days.GroupBy(d => (d.Year * 100) + d.Month))
        {
            context.Sightings.Add(new Sighting
            {
                Imei = imei, Imsi = imsi, OperatorId = op, Month = month.Key, Msisdn = msisdn,
                DayMask = month.Aggregate(0, (mask, d) => mask | (1 << (d.Day - 1))),
                FirstSeen = month.Min(), LastSeen = month.Max(), MsisdnSeen = msisdn is null ? null : month.Max(),
            });
        }

        await context.SaveChangesAsync();
    }

    public static DateOnly[] Range(DateOnly from, DateOnly to)
    {
        var days = new List<DateOnly>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            days.Add(d);
        }

        return [.. days];
    }

    public static async Task CloneAsync(TestDatabase db, long imei, DateOnly since, string? genuineImsi, params string[] allowed)
    {
        await using var context = db.CreateContext();
        context.Set<CloneStatus>().Add(new CloneStatus
        {
            Imei = imei, Status = CloneStatusValues.Clone, Since = since, Rule = "concurrent-sims", DistinctImsis = 3, DaysSeen = 19,
            OverlapDays = 3, OverlapShare = 3 / 19.0, ConcurrentDays = 2, MaxDailyImsis = 2, FirstSeen = new DateOnly(2026, 10, 1),
            LastSeen = new DateOnly(2026, 11, 21), GenuineImsi = genuineImsi, AsOf = since, UpdatedAt = Now.UtcDateTime,
        });
        context.Set<CloneStatusChange>().Add(new CloneStatusChange
        {
            Imei = imei, Status = CloneStatusValues.Clone, AsOf = since, ChangedAt = since.ToDateTime(new TimeOnly(3, 0), DateTimeKind.Utc),
            Rule = "concurrent-sims", Reason = "{\"overlapDays\":3}",
        });
        foreach (var imsi in allowed)
        {
            context.Set<CloneAllowedPair>().Add(new CloneAllowedPair { Imei = imei, Imsi = imsi, Since = since });
        }

        await context.SaveChangesAsync();
    }

    /// <summary>An effective, paid registration of the IMEI.</summary>
    public static async Task RegisterAsync(TestDatabase db, long imei, string owner, string reference, DateOnly on)
    {
        await using var context = db.CreateContext();
        var registration = new Registration
        {
            Channel = RegistrationChannel.PostOffice, Status = RegistrationStatus.Effective, OwnerDocumentType = OwnerDocumentType.IdCard,
            OwnerDocumentNumber = "AZE1234567", OwnerName = owner, OwnerContact = "994501111111", Tac = new Imei(imei).Tac,
            Brand = "Samsung", Model = "Galaxy A54", RegisteredOn = on, DutyBasis = DutyBasis.Tariff, DutyAzn = 40m,
            CreatedAt = on.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc), EffectiveAt = on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc),
        };
        context.Add(registration);
        await context.SaveChangesAsync();
        context.Add(new RegistrationImei { RegistrationId = registration.Id, Imei = imei });
        context.Add(new RegisteredImei { RegistrationId = registration.Id, Imei = imei, Since = on });
        context.Add(new DutyInvoice
        {
            RegistrationId = registration.Id, Reference = reference, AmountAzn = 40m, Status = InvoiceStatus.Paid,
            IssuedAt = registration.CreatedAt, PaidAt = registration.EffectiveAt, TransactionId = "TX-" + reference,
        });
        await context.SaveChangesAsync();
    }

    public static async Task<Appeal> AppealAsync(
        TestDatabase db, long imei, string tracking, string office, AppealStatus status, DateTime filedAt, DateTime? closedAt = null,
        AppealOutcome? outcome = null, DateOnly? dueOn = null, params string[] numbers)
    {
        await using var context = db.CreateContext();
        var appeal = new Appeal
        {
            TrackingNumber = tracking, Imei = imei, Status = status, Reason = AppealReason.NumberChange, ApplicantDocumentNumber = "AZE7654321",
            ApplicantName = "Aysel Məmmədova", ApplicantContact = "994554444444", Language = "az", Office = office, FiledById = "user-clerk-1",
            FiledAt = filedAt, DueOn = dueOn ?? DateOnly.FromDateTime(filedAt).AddDays(14), Outcome = outcome,
            DecidedAt = closedAt, DecidedById = closedAt is null ? null : "user-reviewer-1", ClosedAt = closedAt, UpdatedAt = closedAt ?? filedAt,
            DecisionReason = outcome == AppealOutcome.Rejected ? "the SIMs were used together for weeks" : null,
            Numbers = numbers.Select(n => new AppealNumber { Msisdn = n }).ToList(),
        };
        context.Add(appeal);
        await context.SaveChangesAsync();
        return appeal;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
