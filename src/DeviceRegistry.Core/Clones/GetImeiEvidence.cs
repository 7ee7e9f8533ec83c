using DeviceRegistry.Appeals;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Devices;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Sightings;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Clones;

/// <summary>
/// Everything a reviewer weighs on one IMEI: every SIM seen on it over the months kept (with the days
/// seen), the days two or more SIMs were in use together, the clone verdict with its evidence and history,
/// the registration and its duty, earlier appeals, and what the EIR answers today for each SIM (read and
/// decided by the EIR's own code). Opening it is audited: the entry commits before the evidence is returned.
/// </summary>
/// <param name="Imei">The IMEI as 15 digits (check digit included).</param>
/// <param name="Actor">Who is looking.</param>
public sealed record GetImeiEvidence(string Imei, StaffActor Actor) : IRequest<ImeiEvidence>
{
    /// <summary>Numbers to highlight (the applicant's), any common notation; normalised as <see cref="Msisdn.TryNormalize"/> does.</summary>
    public IReadOnlyList<string> HighlightMsisdns { get; init; } = [];

    /// <summary>An appeal on this IMEI whose numbers are highlighted too (its tracking number).</summary>
    public string? AppealTracking { get; init; }
}

/// <summary>One SIM (IMSI) seen on the IMEI.</summary>
/// <param name="Msisdn">The number of its latest sighting that carried one.</param>
/// <param name="Operator">The operator of its latest sighting.</param>
/// <param name="Msisdns">Every number seen with it, latest first.</param>
/// <param name="Days">The days seen (from the day masks), ascending.</param>
/// <param name="Allowed">One of the IMEI's allowed pairs (clone_allowed_pairs).</param>
/// <param name="Genuine">The presumed genuine owner: the verdict's genuine IMSI, else the earliest SIM.</param>
/// <param name="Highlighted">One of its numbers is a highlighted (applicant's) number.</param>
/// <param name="Answer">What an attach check with this SIM gets today.</param>
/// <param name="AnswerReason">Which rule gave it.</param>
/// <param name="AnswerText">The decision function's plain words for it.</param>
public sealed record EvidenceSim(
    string Imsi,
    string? Msisdn,
    string Operator,
    IReadOnlyList<string> Msisdns,
    DateOnly FirstSeen,
    DateOnly LastSeen,
    IReadOnlyList<DateOnly> Days,
    bool Home,
    bool Allowed,
    DateOnly? AllowedSince,
    bool Genuine,
    bool Highlighted,
    EquipmentStatus Answer,
    EirReason AnswerReason,
    string AnswerText)
{
    public string AnswerWord => EquipmentStatusWords.Of(Answer);
}

/// <summary>The current clone verdict (clone_statuses) with the figures it was given on.</summary>
public sealed record EvidenceVerdict(
    string Status, DateOnly Since, DateOnly AsOf, string Rule, int DistinctImsis, int DaysSeen, int OverlapDays, double OverlapShare,
    int ConcurrentDays, int MaxDailyImsis, DateOnly FirstSeen, DateOnly LastSeen, string? GenuineImsi);

public sealed record EvidenceStatusChange(string Status, DateOnly AsOf, DateTime ChangedAt, string? Rule, string? Reason);

public sealed record EvidenceInvoice(string Reference, decimal AmountAzn, InvoiceStatus Status, DateTime IssuedAt, DateTime? PaidAt, string? TransactionId);

/// <summary>A registration that covers (or covered) the IMEI, with its duty invoice.</summary>
public sealed record EvidenceRegistration(
    long Id, RegistrationStatus Status, RegistrationChannel Channel, string OwnerName, OwnerDocumentType OwnerDocumentType,
    string OwnerDocumentNumber, string? Brand, string? Model, DateOnly RegisteredOn, DateTime? EffectiveAt, DateTime? EndedAt,
    decimal DutyAzn, DutyBasis DutyBasis, EvidenceInvoice? Invoice);

public sealed record EvidenceAppeal(
    string TrackingNumber, AppealStatus Status, AppealOutcome? Outcome, AppealReason Reason, string Office, DateTime FiledAt,
    DateOnly DueOn, DateTime? DecidedAt, DateTime? ClosedAt, string? DecisionReason, IReadOnlyList<string> Numbers);

/// <param name="From">The first day of the months kept.</param>
/// <param name="To">Today: the last day of the period shown.</param>
/// <param name="TogetherDays">Days on which two or more SIMs were seen, ascending.</param>
/// <param name="HighlightedNumbers">The normalised numbers that were highlighted.</param>
public sealed record ImeiEvidence(
    Imei Imei,
    DateOnly Today,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<EvidenceSim> Sims,
    IReadOnlyList<DateOnly> TogetherDays,
    EvidenceVerdict? Verdict,
    IReadOnlyList<EvidenceStatusChange> History,
    IReadOnlyList<EvidenceRegistration> Registrations,
    IReadOnlyList<EvidenceAppeal> Appeals,
    IReadOnlyList<string> HighlightedNumbers,
    string? Brand,
    string? Model)
{
    public bool IsClone => Verdict?.Status == CloneStatusValues.Clone;
}

internal sealed class GetImeiEvidenceValidator : AbstractValidator<GetImeiEvidence>
{
    public GetImeiEvidenceValidator()
    {
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (!GetImeiEvidenceHandler.TryParse(text, out _, out var problem, out var code))
            {
                ctx.AddFailure(RefusalCodes.Failure(ctx.PropertyPath, code, $"'{text}': {problem}", text ?? string.Empty));
            }
        });
        RuleFor(x => x.Actor).NotNull();
        RuleForEach(x => x.HighlightMsisdns).Must(m => Msisdn.TryNormalize(m, out _)).WithErrorCode(RefusalCodes.EvidenceNumberFormat)
            .WithState((_, m) => new RefusalArguments([m])).WithMessage((_, m) => $"'{m}' is not a phone number");
        RuleFor(x => x.AppealTracking).MaximumLength(20).WithErrorCode(RefusalCodes.EvidenceTrackingTooLong)
            .WithMessage("a tracking number has at most 20 characters");
    }
}

internal sealed class GetImeiEvidenceHandler(
    RegistryDbContext db, EirIndexLoader states, AttachDecider decider, HomeNetworks homeNetworks, SightingsSettings sightings, RegistryClock clock)
    : IRequestHandler<GetImeiEvidence, ImeiEvidence>
{
    public async Task<ImeiEvidence> Handle(GetImeiEvidence request, CancellationToken ct)
    {
        if (!TryParse(request.Imei, out var imei, out var problem, out _))
        {
            throw new InvalidOperationException($"'{request.Imei}': {problem}");
        }

        var key = imei.Key;
        var today = clock.Today();
        var from = new DateOnly(today.Year, today.Month, 1).AddMonths(-sightings.RetentionMonths);
        var fromMonth = (from.Year * 100) + from.Month;

        // The sightings of the months kept: the month rows (a range read on the primary key) and any pending rows of deferred ingests.
        var rows = (await SightingRows.OfImeisAsync(db, [key], ct)).Where(s => s.Month >= fromMonth).ToList();
        var operatorIds = rows.Select(r => r.OperatorId).Distinct().ToList();
        var operators = await db.Operators.AsNoTracking().Where(o => operatorIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var verdict = await db.Set<CloneStatus>().AsNoTracking().FirstOrDefaultAsync(c => c.Imei == key, ct);
        var history = await db.Set<CloneStatusChange>().AsNoTracking().Where(c => c.Imei == key)
            .OrderBy(c => c.ChangedAt).ThenBy(c => c.Id)
            .Select(c => new EvidenceStatusChange(c.Status, c.AsOf, c.ChangedAt, c.Rule, c.Reason))
            .ToListAsync(ct);
        var allowed = await db.Set<CloneAllowedPair>().AsNoTracking().Where(p => p.Imei == key).ToDictionaryAsync(p => p.Imsi, p => p.Since, StringComparer.Ordinal, ct);

        // Registrations covering the IMEI (live or ended) with their duty invoices.
        var registrations = await (
                from ri in db.Set<RegistrationImei>().AsNoTracking()
                join r in db.Set<Registration>().AsNoTracking() on ri.RegistrationId equals r.Id
                join i in db.Set<DutyInvoice>().AsNoTracking() on r.Id equals i.RegistrationId into invoices
                from i in invoices.DefaultIfEmpty()
                where ri.Imei == key
                select new { r, i })
            .ToListAsync(ct);

        // Earlier appeals on the IMEI, and the numbers to highlight.
        var appeals = await db.Set<Appeal>().AsNoTracking().Where(a => a.Imei == key).OrderByDescending(a => a.FiledAt).ToListAsync(ct);
        var appealIds = appeals.Select(a => a.Id).ToList();
        var appealNumbers = (await db.Set<AppealNumber>().AsNoTracking().Where(n => appealIds.Contains(n.AppealId)).ToListAsync(ct))
            .ToLookup(n => n.AppealId, n => n.Msisdn);
        var highlighted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var number in request.HighlightMsisdns)
        {
            if (Msisdn.TryNormalize(number, out var normalized))
            {
                highlighted.Add(normalized);
            }
        }

        if (!string.IsNullOrWhiteSpace(request.AppealTracking)
            && appeals.FirstOrDefault(a => string.Equals(a.TrackingNumber, request.AppealTracking.Trim(), StringComparison.OrdinalIgnoreCase)) is { } appeal)
        {
            highlighted.UnionWith(appealNumbers[appeal.Id]);
        }

        // What the EIR answers today: the device state as the EIR index reads it, decided by the one decision function.
        var stored = (await states.ReadImeisAsync([key], ct))[0];
        var tacKnown = await db.Tacs.AsNoTracking().AnyAsync(t => t.Tac == imei.Tac, ct);
        var tacStanding = tacKnown ? TacStanding.Known : await db.Tacs.AnyAsync(ct) ? TacStanding.Unknown : TacStanding.NoTacDatabase;
        var device = new DeviceState(stored.State, Imei.IsJunk(imei), tacStanding);
        var allowedCodes = stored.AllowedImsis.ToHashSet();

        var sims = new List<EvidenceSim>();
        var simsPerDay = new Dictionary<DateOnly, int>();
        foreach (var group in rows.GroupBy(r => r.Imsi, StringComparer.Ordinal))
        {
            var days = new SortedSet<DateOnly>();
            foreach (var row in group)
            {
                var first = new DateOnly(row.Month / 100, row.Month % 100, 1);
                for (var bit = 0; bit < 31; bit++)
                {
                    if ((row.DayMask & (1 << bit)) != 0 && bit < DateTime.DaysInMonth(first.Year, first.Month))
                    {
                        days.Add(first.AddDays(bit));
                    }
                }
            }

            foreach (var day in days)
            {
                simsPerDay[day] = simsPerDay.GetValueOrDefault(day) + 1;
            }

            var latestFirst = group.OrderByDescending(r => r.LastSeen).ThenByDescending(r => r.Month).ToList();
            var numbers = latestFirst.Where(r => r.Msisdn is not null).Select(r => r.Msisdn!).Distinct(StringComparer.Ordinal).ToList();
            var imsi = group.Key;
            var isAllowed = allowed.TryGetValue(imsi, out var allowedSince);
            var sim = AttachDecider.Sim(imsi, homeNetworks, device.IsClone && allowedCodes.Contains(EirQuery.ImsiCode(imsi)));
            var decision = decider.Decide(device, sim, today);
            sims.Add(new EvidenceSim(
                imsi, numbers.FirstOrDefault(), operators.GetValueOrDefault(latestFirst[0].OperatorId) ?? $"#{latestFirst[0].OperatorId}", numbers,
                group.Min(r => r.FirstSeen), group.Max(r => r.LastSeen), days.ToList(), sim.Home, isAllowed, isAllowed ? allowedSince : null,
                Genuine: false, numbers.Any(highlighted.Contains), decision.Status, decision.Reason, decider.Describe(decision, device, today)));
        }

        // The presumed genuine owner: the verdict's, else the earliest SIM seen.
        var genuine = verdict?.GenuineImsi is { } g && sims.Any(s => s.Imsi == g) ? g
            : sims.OrderBy(s => s.FirstSeen).ThenBy(s => s.Imsi, StringComparer.Ordinal).FirstOrDefault()?.Imsi;
        var ordered = sims.Select(s => s.Imsi == genuine ? s with { Genuine = true } : s)
            .OrderByDescending(s => s.Genuine).ThenBy(s => s.FirstSeen).ThenBy(s => s.Imsi, StringComparer.Ordinal)
            .ToList();
        var together = simsPerDay.Where(d => d.Value >= 2).Select(d => d.Key).Order().ToList();

        var registered = registrations
            .OrderByDescending(x => x.r.RegisteredOn).ThenByDescending(x => x.r.Id)
            .Select(x => new EvidenceRegistration(
                x.r.Id, x.r.Status, x.r.Channel, x.r.OwnerName, x.r.OwnerDocumentType, x.r.OwnerDocumentNumber, x.r.Brand, x.r.Model,
                x.r.RegisteredOn, x.r.EffectiveAt, x.r.EndedAt, x.r.DutyAzn, x.r.DutyBasis,
                x.i is null ? null : new EvidenceInvoice(x.i.Reference, x.i.AmountAzn, x.i.Status, x.i.IssuedAt, x.i.PaidAt, x.i.TransactionId)))
            .ToList();
        var earlier = appeals.Select(a => new EvidenceAppeal(
                a.TrackingNumber, a.Status, a.Outcome, a.Reason, a.Office, a.FiledAt, a.DueOn, a.DecidedAt, a.ClosedAt, a.DecisionReason,
                appealNumbers[a.Id].Order(StringComparer.Ordinal).ToList()))
            .ToList();
        var tac = await db.Tacs.AsNoTracking().FirstOrDefaultAsync(t => t.Tac == imei.Tac, ct);
        var current = registered.FirstOrDefault(r => r.Status != RegistrationStatus.Transferred);

        // Who looked at which IMEI: committed before anything is shown.
        AuditLog.Record(db, request.Actor, AuditActions.EvidenceViewed, "imei:" + imei.WithCheckDigit, clock.UtcNow.UtcDateTime, imei: key,
            reason: request.AppealTracking is null ? null : "appeal:" + request.AppealTracking.Trim());
        await db.SaveChangesAsync(ct);

        return new ImeiEvidence(
            imei, today, from, today, ordered, together,
            verdict is null ? null : new EvidenceVerdict(
                verdict.Status, verdict.Since, verdict.AsOf, verdict.Rule, verdict.DistinctImsis, verdict.DaysSeen, verdict.OverlapDays,
                verdict.OverlapShare, verdict.ConcurrentDays, verdict.MaxDailyImsis, verdict.FirstSeen, verdict.LastSeen, verdict.GenuineImsi),
            history, registered, earlier, highlighted.ToList(),
            current?.Brand ?? tac?.Brand ?? tac?.Manufacturer, current?.Model ?? tac?.Model ?? tac?.MarketingName);
    }

    /// <summary>An IMEI as 15 digits with a valid check digit (junk patterns included: clones carry them).</summary>
    internal static bool TryParse(string? text, out Imei imei, out string problem, out string code)
    {
        text = text?.Trim() ?? string.Empty;
        if (text.Length != 15 || !text.All(char.IsAsciiDigit))
        {
            imei = default;
            problem = "an IMEI here is 15 digits";
            code = RefusalCodes.EvidenceImeiFormat;
            return false;
        }

        if (!GetImeiStatusHandler.TryParse(text, fromNetwork: false, out imei, out var p))
        {
            problem = Imei.Describe(p);
            code = RefusalCodes.ForImei(p);
            return false;
        }

        problem = string.Empty;
        code = string.Empty;
        return true;
    }
}
