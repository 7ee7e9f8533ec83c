using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>
/// The daily enforcement of the registration window as of a date (default today): lifts blocks
/// whose IMEIs are now registered, blocks IMEIs whose window ended unregistered, queues the warning
/// SMS that are due and sends the queued ones. Each step works in batches, each batch in its own
/// transaction, and decides from the database what is still to do (no block yet for this window, no
/// outbox row for this warning, message not yet sent): a run that dies half-way and is run again
/// finishes the work without skipping or repeating anything.
/// </summary>
public sealed record EnforceRegistrationWindow(DateOnly? AsOf = null) : IRequest<EnforcementReport>
{
    /// <summary>Called for each item before its batch commits: progress reporting, and the tests' fault injection.</summary>
    public Action<EnforcementStep, long>? OnItem { get; init; }

    /// <summary>Send the queued SMS in this run; false leaves them to the SMS delivery job (Hangfire, the web host's scheduled enforcement).</summary>
    public bool DeliverSms { get; init; } = true;
}

public enum EnforcementStep
{
    Lift,
    Block,
    Warn,
    Send,
}

public sealed record EnforcementReport(
    DateOnly AsOf,
    int BlocksLifted,
    int Blocked,
    int WarningsQueued,
    int WarningsWithoutRecipient,
    int SmsSent,
    int SmsFailed,
    int SmsPending,
    bool SmsGatewayConfigured);

internal sealed class EnforceRegistrationWindowHandler(
    RegistryDbContext db, RegistrationSettings settings, IEnumerable<ISmsSender> senders, Identifiers.HomeNetworks homeNetworks, Infrastructure.RegistryClock clock)
    : IRequestHandler<EnforceRegistrationWindow, EnforcementReport>
{
    public async Task<EnforcementReport> Handle(EnforceRegistrationWindow request, CancellationToken cancellationToken)
    {
        var asOf = request.AsOf ?? clock.Today();
        var lifted = await LiftRegisteredAsync(request, cancellationToken);
        var blocked = await BlockExpiredAsync(request, asOf, cancellationToken);
        var (queued, withoutRecipient) = await QueueWarningsAsync(request, asOf, cancellationToken);
        // Without a gateway nothing is delivered, so nothing is marked sent: the outbox keeps the messages pending.
        var sender = senders.LastOrDefault();
        var (sent, failed) = sender is null || !request.DeliverSms ? (0, 0) : await RegistrationWarnings.DeliverAsync(
            db, sender, settings, clock, cancellationToken, message => request.OnItem?.Invoke(EnforcementStep.Send, message.Imei));
        var pending = await db.Set<SmsMessage>().CountAsync(m => m.Status == SmsStatus.Pending, cancellationToken);
        return new EnforcementReport(asOf, lifted, blocked, queued, withoutRecipient, sent, failed, pending, sender is not null);
    }

    private IQueryable<long> EffectivelyRegistered() => EffectiveRegistrations.Query(db);

    private async Task<int> LiftRegisteredAsync(EnforceRegistrationWindow request, CancellationToken ct)
    {
        var registered = EffectivelyRegistered();
        var total = 0;
        while (true)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var blocks = await db.Set<ImeiBlock>()
                .Where(b => b.Reason == BlockReason.NoRegistration && b.LiftedAt == null && registered.Contains(b.Imei))
                .OrderBy(b => b.Id).Take(settings.EnforcementBatchSize).ToListAsync(ct);
            if (blocks.Count == 0)
            {
                return total;
            }

            var now = clock.UtcNow.UtcDateTime;
            foreach (var block in blocks)
            {
                ct.ThrowIfCancellationRequested();
                block.LiftedAt = now;
                block.LiftReason = "registered";
                db.Add(new ImeiChange { Imei = block.Imei, Source = "enforcement", ChangedAt = now });
                request.OnItem?.Invoke(EnforcementStep.Lift, block.Imei);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            total += blocks.Count;
        }
    }

    private async Task<int> BlockExpiredAsync(EnforceRegistrationWindow request, DateOnly asOf, CancellationToken ct)
    {
        // Day 1 is the first home sighting, so the window's last day is WindowDays - 1 later and the
        // block applies from the day after: first_home_seen <= asOf - WindowDays.
        var lastStartToBlock = asOf.AddDays(-settings.WindowDays);
        var registered = EffectivelyRegistered();
        var blocks = db.Set<ImeiBlock>();
        var total = 0;
        var after = long.MinValue;
        while (true)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var due = await db.SeenImeis.AsNoTracking()
                .Where(s => s.Imei > after && s.FirstHomeSeen != null && s.FirstHomeSeen <= lastStartToBlock)
                .Where(s => !registered.Contains(s.Imei))
                .Where(s => !blocks.Any(b => b.Imei == s.Imei && b.Reason == BlockReason.NoRegistration
                    && (b.LiftedAt == null || b.BlockedOn > s.FirstHomeSeen)))
                .OrderBy(s => s.Imei)
                .Select(s => new { s.Imei, FirstHomeSeen = s.FirstHomeSeen!.Value })
                .Take(settings.EnforcementBatchSize)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                return total;
            }

            var now = clock.UtcNow.UtcDateTime;
            foreach (var item in due)
            {
                ct.ThrowIfCancellationRequested();
                var blockedOn = settings.BlockDate(item.FirstHomeSeen);
                db.Add(new ImeiBlock
                {
                    Imei = item.Imei,
                    Reason = BlockReason.NoRegistration,
                    BlockedOn = blockedOn,
                    CreatedAt = now,
                    Note = $"window {item.FirstHomeSeen:yyyy-MM-dd} to {settings.Deadline(item.FirstHomeSeen):yyyy-MM-dd} ended unregistered",
                });
                db.Add(new ImeiChange { Imei = item.Imei, Source = "enforcement", ChangedAt = now });
                request.OnItem?.Invoke(EnforcementStep.Block, item.Imei);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            total += due.Count;
            after = due[^1].Imei;
        }
    }

    private async Task<(int Queued, int WithoutRecipient)> QueueWarningsAsync(EnforceRegistrationWindow request, DateOnly asOf, CancellationToken ct)
    {
        if (settings.DueWarningDays.Count == 0)
        {
            return (0, 0);
        }

        var firstStart = asOf.AddDays(1 - settings.WindowDays);
        var registered = EffectivelyRegistered();
        var liveBlocks = db.Set<ImeiBlock>().Where(b => b.Reason == BlockReason.NoRegistration && b.LiftedAt == null).Select(b => b.Imei);
        int queued = 0, withoutRecipient = 0;
        var after = long.MinValue;
        while (true)
        {
            db.ChangeTracker.Clear();
            var inWindow = await db.SeenImeis.AsNoTracking()
                .Where(s => s.Imei > after && s.FirstHomeSeen != null && s.FirstHomeSeen >= firstStart && s.FirstHomeSeen <= asOf)
                .Where(s => !registered.Contains(s.Imei) && !liveBlocks.Contains(s.Imei))
                .OrderBy(s => s.Imei)
                .Select(s => new { s.Imei, FirstHomeSeen = s.FirstHomeSeen!.Value })
                .Take(settings.EnforcementBatchSize)
                .ToListAsync(ct);
            if (inWindow.Count == 0)
            {
                return (queued, withoutRecipient);
            }

            after = inWindow[^1].Imei;

            // Only the latest warning due is queued: after a missed day the owner gets one message, not a burst.
            var due = inWindow
                .Select(s => (s.Imei, Start: s.FirstHomeSeen, Day: LatestWarningDay(RegistrationSettings.DayOfWindow(s.FirstHomeSeen, asOf))))
                .Where(d => d.Day > 0)
                .ToList();
            var keys = due.Select(d => d.Imei).ToList();
            var already = (await db.Set<SmsMessage>().AsNoTracking()
                    .Where(m => keys.Contains(m.Imei))
                    .Select(m => new { m.Imei, m.WindowStart, m.WarningDay })
                    .ToListAsync(ct))
                .Select(m => (m.Imei, m.WindowStart, m.WarningDay))
                .ToHashSet();
            due.RemoveAll(d => already.Contains((d.Imei, d.Start, d.Day)));
            if (due.Count == 0)
            {
                continue;
            }

            var dueKeys = due.Select(d => d.Imei).ToList();
            // Warnings go to the numbers of home-network SIMs seen on the IMEI (a roamer's number is not ours to warn).
            var numbers = (await Sightings.SightingRows.OfImeisAsync(db, dueKeys, ct))
                .Where(s => s.Msisdn != null)
                .Where(s => homeNetworks.IsHome(s.Imsi))
                .Select(s => (s.Imei, Msisdn: s.Msisdn!))
                .Distinct()
                .ToLookup(s => s.Imei, s => s.Msisdn);

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.UtcNow.UtcDateTime;
            foreach (var (imei, start, day) in due)
            {
                ct.ThrowIfCancellationRequested();
                var deadline = settings.Deadline(start);
                var body = WarningTexts.Compose(new Imei(imei).ToString(), day, settings.WindowDays, deadline);
                var recipients = numbers[imei].Order(StringComparer.Ordinal).ToList();
                if (recipients.Count == 0)
                {
                    db.Add(new SmsMessage
                    {
                        Imei = imei, Msisdn = string.Empty, WindowStart = start, WarningDay = day, Deadline = deadline,
                        Body = body, Status = SmsStatus.NoRecipient, CreatedAt = now,
                    });
                    withoutRecipient++;
                }

                foreach (var msisdn in recipients)
                {
                    db.Add(new SmsMessage
                    {
                        Imei = imei, Msisdn = msisdn, WindowStart = start, WarningDay = day, Deadline = deadline,
                        Body = body, Status = SmsStatus.Pending, CreatedAt = now,
                    });
                    queued++;
                }

                request.OnItem?.Invoke(EnforcementStep.Warn, imei);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    private int LatestWarningDay(int dayOfWindow)
    {
        var latest = 0;
        foreach (var day in settings.DueWarningDays)
        {
            if (day <= dayOfWindow && day > latest)
            {
                latest = day;
            }
        }

        return latest;
    }
}
