using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Devices;

/// <summary>
/// The full status of one IMEI as of a date (default today), and the decision an attach check with
/// <see cref="Imsi"/> would get. The EIR, the public portal and <c>devreg check</c> use this one query.
/// </summary>
public sealed record GetImeiStatus(string Imei, string? Imsi = null, DateOnly? AsOf = null) : IRequest<ImeiStatus>
{
    /// <summary>True when the IMEI comes from a network (its 15th digit is not checked); a person's 15-digit IMEI must pass Luhn.</summary>
    public bool FromNetwork { get; init; }

    /// <summary>
    /// An IMEI the caller already parsed; <see cref="Imei"/> is then ignored. Lets the public check look up
    /// a junk-pattern number, which a network may still carry (clones often do).
    /// </summary>
    public Imei? Parsed { get; init; }

    public static GetImeiStatus For(Imei imei, DateOnly? asOf = null) => new(imei.ToString(), null, asOf) { Parsed = imei };
}

public enum DeviceStatus
{
    /// <summary>Never seen on a network and not registered.</summary>
    NotSeen,

    /// <summary>Seen only with foreign (roaming) SIMs: the window has not started.</summary>
    RoamingOnly,

    /// <summary>Unregistered (or awaiting payment) and within its registration window.</summary>
    InWindow,

    /// <summary>The window is over; the block applies at the next enforcement run.</summary>
    WindowEnded,

    /// <summary>Registered and effective.</summary>
    Registered,

    /// <summary>Blocked: the window ended unregistered.</summary>
    BlockedNoRegistration,

    Stolen,

    /// <summary>Clone status: only the SIMs already on it may attach.</summary>
    Clone,
}

public enum AttachDecision
{
    WHITELISTED,
    GREYLISTED,
    BLACKLISTED,
}

/// <summary>What anyone may see: no IMSI, MSISDN, owner or payment reference.</summary>
public sealed record PublicImeiStatus(
    string Imei,
    DeviceStatus Status,
    string? Brand,
    string? Model,
    bool Registered,
    DateOnly? RegisteredSince,
    bool AwaitingPayment,
    DateOnly? WindowStart,
    DateOnly? Deadline,
    int? DayOfWindow,
    decimal? DutyHintAzn,
    string? DutyHintBasis,
    DateOnly? BlockedSince,
    bool IsClone,
    bool Stolen);

public sealed record ImeiStatus(
    Imei Imei,
    DateOnly AsOf,
    DeviceStatus Status,
    AttachDecision Decision,
    string DecisionReason,
    string? Brand,
    string? Model,
    DateOnly? FirstSeen,
    DateOnly? LastSeen,
    DateOnly? WindowStart,
    DateOnly? Deadline,
    int? DayOfWindow,
    int WindowDays,
    long? RegistrationId,
    RegistrationStatus? RegistrationStatus,
    DateOnly? RegisteredSince,
    decimal? DutyHintAzn,
    string? DutyHintBasis,
    DateOnly? BlockedSince,
    bool Stolen,
    bool IsClone,
    DateOnly? CloneSince,
    bool ImsiAllowedOnClone)
{
    public PublicImeiStatus ToPublic() => new(
        Imei.ToString(), Status, Brand, Model,
        RegistrationStatus == Registrations.RegistrationStatus.Effective, RegistrationStatus == Registrations.RegistrationStatus.Effective ? RegisteredSince : null,
        RegistrationStatus == Registrations.RegistrationStatus.AwaitingPayment,
        WindowStart, Deadline, DayOfWindow, DutyHintAzn, DutyHintBasis, BlockedSince, IsClone, Stolen);
}

internal sealed class GetImeiStatusValidator : AbstractValidator<GetImeiStatus>
{
    public GetImeiStatusValidator()
    {
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (ctx.InstanceToValidate.Parsed is not null)
            {
                return;
            }

            var ok = ctx.InstanceToValidate.FromNetwork
                ? Identifiers.Imei.TryParseFromNetwork(text ?? string.Empty, out _, out var problem)
                : Identifiers.Imei.TryParseFromPerson(text ?? string.Empty, out _, out problem);
            if (!ok)
            {
                ctx.AddFailure($"'{text}': {Identifiers.Imei.Describe(problem)}");
            }
        });
        RuleFor(x => x.Imsi).Must(i => Identifiers.Imsi.Validate(i) == ImsiProblem.None)
            .When(x => x.Imsi is not null)
            .WithMessage(x => $"'{x.Imsi}': {Identifiers.Imsi.Describe(Identifiers.Imsi.Validate(x.Imsi))}");
    }
}

internal sealed class GetImeiStatusHandler(RegistryDbContext db, RegistrationSettings settings, TimeProvider clock)
    : IRequestHandler<GetImeiStatus, ImeiStatus>
{
    public async Task<ImeiStatus> Handle(GetImeiStatus request, CancellationToken cancellationToken)
    {
        var imei = request.Parsed ?? (request.FromNetwork ? Imei.ParseFromNetwork(request.Imei) : ParsePerson(request.Imei));
        var key = imei.Key;
        var asOf = request.AsOf ?? settings.Today(clock);

        var tac = await db.Tacs.AsNoTracking().FirstOrDefaultAsync(t => t.Tac == imei.Tac, cancellationToken);
        var seen = await db.SeenImeis.AsNoTracking().FirstOrDefaultAsync(s => s.Imei == key, cancellationToken);
        var live = await db.Set<RegisteredImei>().AsNoTracking().FirstOrDefaultAsync(r => r.Imei == key, cancellationToken);
        var registration = live is null ? null
            : await db.Set<Registration>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == live.RegistrationId, cancellationToken);
        var blocks = await db.Set<ImeiBlock>().AsNoTracking().Where(b => b.Imei == key && b.LiftedAt == null).ToListAsync(cancellationToken);
        var stolen = blocks.Where(b => b.Reason == BlockReason.Stolen).OrderBy(b => b.BlockedOn).FirstOrDefault();
        var noRegistration = blocks.Where(b => b.Reason == BlockReason.NoRegistration).OrderBy(b => b.BlockedOn).FirstOrDefault();
        var clone = await db.Set<CloneStatus>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Imei == key && c.Status == CloneStatusValues.Clone, cancellationToken);
        var imsiAllowed = clone is not null && request.Imsi is not null && await db.Set<CloneAllowedPair>().AsNoTracking()
            .AnyAsync(p => p.Imei == key && p.Imsi == request.Imsi, cancellationToken);

        var brand = registration?.Brand ?? tac?.Brand ?? tac?.Manufacturer;
        var model = registration?.Model ?? tac?.Model ?? tac?.MarketingName;
        var effective = registration?.Status == RegistrationStatus.Effective;
        var windowStart = effective ? null : seen?.FirstHomeSeen;
        DateOnly? deadline = windowStart is { } start ? settings.Deadline(start) : null;
        int? day = windowStart is { } s2 ? RegistrationSettings.DayOfWindow(s2, asOf) : null;

        var status =
            stolen is not null ? DeviceStatus.Stolen
            : clone is not null ? DeviceStatus.Clone
            : noRegistration is not null ? DeviceStatus.BlockedNoRegistration
            : effective ? DeviceStatus.Registered
            : windowStart is not null && asOf > deadline ? DeviceStatus.WindowEnded
            : windowStart is not null ? DeviceStatus.InWindow
            : seen is not null ? DeviceStatus.RoamingOnly
            : DeviceStatus.NotSeen;

        decimal? dutyHint = null;
        string? dutyBasis = null;
        if (!effective && status is not (DeviceStatus.Stolen))
        {
            if (registration is not null)
            {
                dutyHint = registration.DutyAzn;
                dutyBasis = "the open duty invoice of the registration";
            }
            else
            {
                var listed = await RegisterDeviceHandler.FindListPriceAsync(db, brand, model, cancellationToken);
                var tariff = await db.Set<DutyTariff>().AsNoTracking().ToListAsync(cancellationToken);
                try
                {
                    var quote = DutyCalculator.Quote(tariff, asOf, listed?.PriceUsd, listed?.BasicPhone ?? false, unlisted: listed is null);
                    dutyHint = quote.DutyAzn;
                    dutyBasis = quote.Describe();
                }
                catch (InvalidOperationException)
                {
                    dutyBasis = "no tariff in force";
                }
            }
        }

        var roamer = request.Imsi is not null && !Imsi.IsHome(request.Imsi);
        var (decision, reason) = status switch
        {
            DeviceStatus.Stolen => (AttachDecision.BLACKLISTED, "reported stolen"),
            DeviceStatus.Clone when imsiAllowed => (AttachDecision.WHITELISTED, "clone IMEI, but this IMSI is on its allowed pairs"),
            DeviceStatus.Clone => (AttachDecision.BLACKLISTED, request.Imsi is null
                ? "clone IMEI: only its allowed IMEI-IMSI pairs may attach (give --imsi to check a pair)"
                : "clone IMEI: this IMSI is not on its allowed pairs"),
            // The same order as the EIR's decision (docs/eir.md): an IMEI block outranks the roaming exemption.
            DeviceStatus.BlockedNoRegistration => (AttachDecision.BLACKLISTED, "blocked: the registration window ended unregistered"),
            _ when roamer => (AttachDecision.WHITELISTED, "foreign SIM (roaming): the registration rules apply to home-network SIMs"),
            DeviceStatus.Registered => (AttachDecision.WHITELISTED, "registered"),
            DeviceStatus.WindowEnded => (AttachDecision.BLACKLISTED, "the registration window ended unregistered"),
            DeviceStatus.InWindow => (AttachDecision.GREYLISTED, $"unregistered, day {day} of {settings.WindowDays} of the registration window"),
            _ => (AttachDecision.GREYLISTED, "not registered; a first use with a home-network SIM starts the registration window"),
        };

        return new ImeiStatus(imei, asOf, status, decision, reason, brand, model, seen?.FirstSeen, seen?.LastSeen,
            windowStart, deadline, day, settings.WindowDays, registration?.Id, registration?.Status, live?.Since,
            dutyHint, dutyBasis, stolen?.BlockedOn ?? noRegistration?.BlockedOn, stolen is not null, clone is not null,
            clone?.Since, imsiAllowed);
    }

    private static Imei ParsePerson(string text) =>
        Imei.TryParseFromPerson(text, out var imei, out var problem)
            ? imei
            : throw new InvalidOperationException($"'{text}' is not an IMEI: {Imei.Describe(problem)}");
}
