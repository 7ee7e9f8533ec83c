using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Devices;

/// <summary>
/// The full status of one IMEI as of a date (default today), and the decision an attach check with
/// <see cref="Imsi"/> would get: the device state is read by the same code that loads the EIR index and
/// decided by the same <see cref="AttachDecider"/>. The public portal and <c>devreg check</c> use this query.
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
    bool Stolen,
    bool TacUnknown);

public sealed record ImeiStatus(
    Imei Imei,
    DateOnly AsOf,
    DeviceStatus Status,
    EquipmentStatus Decision,
    EirReason Reason,
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
    bool ImsiAllowedOnClone,
    bool Registered,
    TacStanding Tac = TacStanding.NoTacDatabase)
{
    /// <summary>
    /// The TAC is not in the loaded GSMA TAC database (DIRBS's informative "TAC not found" condition). False while no
    /// TAC file has been imported: an IMEI is not doubted for data the registry does not have.
    /// </summary>
    public bool TacUnknown => Tac == TacStanding.Unknown;

    /// <summary>The registration's date, shown only once it is effective.</summary>
    public DateOnly? EffectiveSince => Registered ? RegisteredSince : null;

    public bool AwaitingPayment => RegistrationStatus == Registrations.RegistrationStatus.AwaitingPayment;

    public PublicImeiStatus ToPublic() => PublicStatusMapper.ToPublic(this);
}

/// <summary>
/// What of a status the public may see. The target decides: every member of <see cref="PublicImeiStatus"/> must be
/// mapped (a build error otherwise), and nothing else of <see cref="ImeiStatus"/> (SIMs, numbers, owner) is copied.
/// </summary>
[Riok.Mapperly.Abstractions.Mapper(RequiredMappingStrategy = Riok.Mapperly.Abstractions.RequiredMappingStrategy.Target)]
internal static partial class PublicStatusMapper
{
    [Riok.Mapperly.Abstractions.MapProperty(nameof(ImeiStatus.EffectiveSince), nameof(PublicImeiStatus.RegisteredSince))]
    [Riok.Mapperly.Abstractions.MapperIgnoreSource(nameof(ImeiStatus.RegisteredSince))]
    [Riok.Mapperly.Abstractions.MapperIgnoreSource(nameof(ImeiStatus.Tac))]
    public static partial PublicImeiStatus ToPublic(ImeiStatus status);
}

internal sealed class GetImeiStatusValidator : AbstractValidator<GetImeiStatus>
{
    public GetImeiStatusValidator()
    {
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (ctx.InstanceToValidate.Parsed is null && !GetImeiStatusHandler.TryParse(text ?? string.Empty, ctx.InstanceToValidate.FromNetwork, out _, out var problem))
            {
                ctx.AddFailure($"'{text}': {Identifiers.Imei.Describe(problem)}");
            }
        });
        RuleFor(x => x.Imsi).Must(i => Identifiers.Imsi.Validate(i) == ImsiProblem.None)
            .When(x => x.Imsi is not null)
            .WithMessage(x => $"'{x.Imsi}': {Identifiers.Imsi.Describe(Identifiers.Imsi.Validate(x.Imsi))}");
    }
}

internal sealed class GetImeiStatusHandler(
    RegistryDbContext db, EirIndexLoader states, AttachDecider decider, HomeNetworks homeNetworks, RegistrationSettings settings,
    Infrastructure.RegistryClock clock)
    : IRequestHandler<GetImeiStatus, ImeiStatus>
{
    public async Task<ImeiStatus> Handle(GetImeiStatus request, CancellationToken cancellationToken)
    {
        var imei = request.Parsed ?? (TryParse(request.Imei, request.FromNetwork, out var parsed, out var problem)
            ? parsed
            : throw new InvalidOperationException($"'{request.Imei}' is not an IMEI: {Imei.Describe(problem)}"));
        var key = imei.Key;
        var asOf = request.AsOf ?? clock.Today();

        // What decides: read as the EIR index reads it, decided by the one decision function.
        var stored = (await states.ReadImeisAsync([key], cancellationToken))[0];
        var tac = await db.Tacs.AsNoTracking().FirstOrDefaultAsync(t => t.Tac == imei.Tac, cancellationToken);
        var tacStanding = tac is not null ? TacStanding.Known
            : await db.Tacs.AnyAsync(cancellationToken) ? TacStanding.Unknown
            : TacStanding.NoTacDatabase;
        var device = new DeviceState(stored.State, Imei.IsJunk(imei), tacStanding);
        var imsiAllowed = device.IsClone && request.Imsi is not null && stored.AllowedImsis.Contains(EirQuery.ImsiCode(request.Imsi));
        var decision = decider.Decide(device, AttachDecider.Sim(request.Imsi, homeNetworks, imsiAllowed), asOf);

        // What is shown: names, dates and the duty, none of which changes the decision.
        var seen = await db.SeenImeis.AsNoTracking().FirstOrDefaultAsync(s => s.Imei == key, cancellationToken);
        var live = await db.Set<RegisteredImei>().AsNoTracking().FirstOrDefaultAsync(r => r.Imei == key, cancellationToken);
        var registration = live is null ? null
            : await db.Set<Registration>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == live.RegistrationId, cancellationToken);
        var blocks = await db.Set<ImeiBlock>().AsNoTracking().Where(b => b.Imei == key && b.LiftedAt == null).ToListAsync(cancellationToken);
        var blockedSince = blocks.Where(b => b.Reason == BlockReason.Stolen).Concat(blocks).Select(b => (DateOnly?)b.BlockedOn).FirstOrDefault();
        var clone = device.IsClone
            ? await db.Set<CloneStatus>().AsNoTracking().FirstOrDefaultAsync(c => c.Imei == key && c.Status == CloneStatusValues.Clone, cancellationToken)
            : null;

        var brand = registration?.Brand ?? tac?.Brand ?? tac?.Manufacturer;
        var model = registration?.Model ?? tac?.Model ?? tac?.MarketingName;
        var windowStart = device.Registered ? null : device.WindowStart;
        DateOnly? deadline = windowStart is { } start ? settings.Deadline(start) : null;
        int? day = windowStart is { } s2 ? RegistrationSettings.DayOfWindow(s2, asOf) : null;
        var status = PublicStatusOf(device, seen is not null, asOf);

        decimal? dutyHint = null;
        string? dutyBasis = null;
        if (!device.Registered && !device.Stolen)
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

        return new ImeiStatus(imei, asOf, status, decision.Status, decision.Reason, decider.Describe(decision, device, asOf), brand, model,
            seen?.FirstSeen, seen?.LastSeen, windowStart, deadline, day, settings.WindowDays, registration?.Id, registration?.Status,
            live?.Since, dutyHint, dutyBasis, blockedSince, device.Stolen, device.IsClone, clone?.Since, imsiAllowed, device.Registered, tacStanding);
    }

    /// <summary>The public category of a device: the strongest fact first, as the decision orders them.</summary>
    private DeviceStatus PublicStatusOf(in DeviceState device, bool seen, DateOnly asOf) =>
        device.Stolen ? DeviceStatus.Stolen
        : device.IsClone ? DeviceStatus.Clone
        : device.BlockedForNoRegistration && !device.Registered ? DeviceStatus.BlockedNoRegistration
        : device.Registered ? DeviceStatus.Registered
        : device.WindowStart is { } start && settings.IsWindowOver(start, asOf) ? DeviceStatus.WindowEnded
        : device.WindowStart is not null ? DeviceStatus.InWindow
        : seen ? DeviceStatus.RoamingOnly
        : DeviceStatus.NotSeen;

    /// <summary>
    /// An IMEI to look up. A junk pattern is still looked up (networks carry such numbers, clones often do,
    /// and the decision answers them), so the junk test is the decision's, not the parser's.
    /// </summary>
    internal static bool TryParse(string text, bool fromNetwork, out Imei imei, out ImeiProblem problem)
    {
        var ok = fromNetwork ? Imei.TryParseFromNetwork(text, out imei, out problem) : Imei.TryParseFromPerson(text, out imei, out problem);
        if (!ok && problem == ImeiProblem.Junk)
        {
            problem = ImeiProblem.None;
            return true;
        }

        return ok;
    }
}
