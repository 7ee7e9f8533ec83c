using System.Globalization;
using System.Text.RegularExpressions;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Lists;


/// <summary>The reasons of the blacklist, as DIRBS words them.</summary>
public static class ListReasons
{
    public const string Clone = "clone";
    public const string Stolen = "stolen";
    public const string Unregistered = "unregistered";

    /// <summary>The separator of several reasons in one field.</summary>
    public const char Separator = '|';
}

public sealed record BlacklistRow(long Imei, DateOnly BlockDate, string Reasons);

public sealed record ExceptionRow(long Imei, string Imsi, string Msisdn);

public sealed record NotificationRow(long Imei, string Imsi, string Msisdn, DateOnly BlockDate, string Reasons);

public sealed record OperatorLists(string Operator, IReadOnlyList<ExceptionRow> Exceptions, IReadOnlyList<NotificationRow> Notifications);

/// <summary>
/// The lists of one export; <see cref="UnroutedSims"/> counts SIMs of no network in <c>Registry:Networks</c> (left out);
/// <see cref="InWindow"/> are the IMEIs inside their window (notified, or would be with a SIM seen).
/// </summary>
public sealed record ListsExport(DateOnly AsOf, IReadOnlyList<BlacklistRow> Blacklist, IReadOnlyList<OperatorLists> Operators, int UnroutedSims)
{
    public IReadOnlySet<long> InWindow { get; init; } = new HashSet<long>();
}

/// <summary>
/// The operators' lists as of a date (default today), computed from the state the EIR decides on (docs/lists.md):
/// the national blacklist, and per operator the exceptions (a clone's allowed pairs) and the notifications
/// (devices inside their registration window). A shared function of the lists slice (<see cref="PublishLists"/> calls it).
/// </summary>
public sealed partial class ListsExporter(
    RegistryDbContext db, EirIndexLoader loader, RegistrationSettings registration, HomeNetworks homeNetworks, RegistryClock clock, RegistrySettings registry)
{
    private const int ChunkSize = 1000;

    /// <summary>The lists as of <paramref name="asOfDate"/>; <paramref name="operatorName"/> limits the per-operator lists to one operator.</summary>
    public async Task<ListsExport> ComputeAsync(DateOnly? asOfDate, string? operatorName, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var asOf = asOfDate ?? clock.Today();
        var operators = await OperatorsAsync(registry, operatorName, ct);

        // The IMEIs any list can name: live blocks, clone verdicts, and windows started (the EIR index's own rows).
        var blocks = await db.Set<ImeiBlock>().AsNoTracking().Where(b => b.LiftedAt == null)
            .Select(b => new { b.Imei, b.Reason, b.BlockedOn }).ToListAsync(ct);
        var cloneSince = await db.Set<CloneStatus>().AsNoTracking().Where(c => c.Status == CloneStatusValues.Clone)
            .Select(c => new { c.Imei, c.Since }).ToDictionaryAsync(c => c.Imei, c => c.Since, ct);
        var windows = await db.SeenImeis.AsNoTracking().Where(s => s.FirstHomeSeen != null && s.FirstHomeSeen <= asOf)
            .Select(s => s.Imei).ToListAsync(ct);
        var candidates = blocks.Select(b => b.Imei).Concat(cloneSince.Keys).Concat(windows).Distinct().Order().ToList();
        var blockedOn = blocks.ToLookup(b => (b.Imei, b.Reason), b => b.BlockedOn);

        var blacklist = new List<BlacklistRow>();
        var exceptions = new List<(long Imei, string Imsi)>();
        var inWindow = new Dictionary<long, DateOnly>();
        foreach (var data in (await loader.ReadImeisAsync(candidates, ct)).OrderBy(d => d.Imei))
        {
            var device = new DeviceState(data.State, JunkImei: false, TacStanding.NoTacDatabase);
            var reasons = new List<string>(3);
            var date = DateOnly.MaxValue;
            if (device.IsClone)
            {
                reasons.Add(ListReasons.Clone);
                date = Earliest(date, cloneSince.GetValueOrDefault(data.Imei, asOf));
            }

            if (device.Stolen)
            {
                reasons.Add(ListReasons.Stolen);
                date = Earliest(date, blockedOn[(data.Imei, BlockReason.Stolen)].DefaultIfEmpty(asOf).Min());
            }

            // The attach decision's rule 2: unregistered and blocked, or the window over as of the date.
            if (!device.Registered)
            {
                if (device.BlockedForNoRegistration)
                {
                    reasons.Add(ListReasons.Unregistered);
                    date = Earliest(date, blockedOn[(data.Imei, BlockReason.NoRegistration)].DefaultIfEmpty(asOf).Min());
                }
                else if (device.WindowStart is { } start && registration.IsWindowOver(start, asOf))
                {
                    reasons.Add(ListReasons.Unregistered);
                    date = Earliest(date, registration.BlockDate(start));
                }
                else if (device.WindowStart is { } open && !device.IsClone && !device.Stolen && open <= asOf)
                {
                    inWindow[data.Imei] = registration.BlockDate(open);
                }
            }

            if (reasons.Count == 0)
            {
                continue;
            }

            blacklist.Add(new BlacklistRow(data.Imei, date, string.Join(ListReasons.Separator, reasons)));

            // A clone's allowed pairs attach only while the clone verdict is its one reason (rules 1 and 2 block every SIM).
            if (reasons is [ListReasons.Clone])
            {
                exceptions.AddRange(data.AllowedImsis.Select(code => (data.Imei, ImsiText(code))));
            }
        }

        var numbers = await NumbersAsync(exceptions.Select(e => e.Imei).Concat(inWindow.Keys).Distinct().ToList(), ct);
        var unrouted = 0;
        var perOperator = operators.ToDictionary(o => o, _ => (Exceptions: new List<ExceptionRow>(), Notifications: new List<NotificationRow>()), StringComparer.Ordinal);
        foreach (var (imei, imsi) in exceptions)
        {
            if (Route(registry, imsi, perOperator, ref unrouted) is { } lists)
            {
                lists.Exceptions.Add(new ExceptionRow(imei, imsi, numbers.GetValueOrDefault((imei, imsi), "")));
            }
        }

        // Warnings go to home-network SIMs, as the enforcement's do.
        var homeSims = numbers.Where(n => inWindow.ContainsKey(n.Key.Imei) && homeNetworks.IsHome(n.Key.Imsi))
            .ToLookup(n => n.Key.Imei, n => (n.Key.Imsi, Msisdn: n.Value));
        foreach (var (imei, blockDate) in inWindow.OrderBy(w => w.Key))
        {
            foreach (var (imsi, msisdn) in homeSims[imei].OrderBy(n => n.Imsi, StringComparer.Ordinal))
            {
                if (Route(registry, imsi, perOperator, ref unrouted) is { } lists)
                {
                    lists.Notifications.Add(new NotificationRow(imei, imsi, msisdn, blockDate, ListReasons.Unregistered));
                }
            }
        }

        var result = perOperator.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new OperatorLists(p.Key, p.Value.Exceptions.OrderBy(e => e.Imei).ThenBy(e => e.Imsi, StringComparer.Ordinal).ToList(), p.Value.Notifications))
            .ToList();
        return new ListsExport(asOf, blacklist, result, unrouted) { InWindow = inWindow.Keys.ToHashSet() };
    }

    private static (List<ExceptionRow> Exceptions, List<NotificationRow> Notifications)? Route(
        RegistrySettings registry, string imsi, Dictionary<string, (List<ExceptionRow> Exceptions, List<NotificationRow> Notifications)> perOperator, ref int unrouted)
    {
        var name = registry.OperatorOfImsi(imsi);
        if (name is null)
        {
            unrouted++;
            return null;
        }

        // A network of another operator than the one asked for: not this export's.
        return perOperator.TryGetValue(name, out var lists) ? lists : null;
    }

    private async Task<List<string>> OperatorsAsync(RegistrySettings registry, string? only, CancellationToken ct)
    {
        var known = await db.Operators.AsNoTracking().Select(o => o.Name).ToListAsync(ct);
        foreach (var (network, name) in registry.Networks.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new InvalidOperationException($"{RegistrySettings.Section}:{RegistrySettings.NetworksKey}:{network} names operator '{name}', which is not an operator (devreg operator add NAME creates one)");
            }
        }

        var routed = registry.Networks.Values.Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in routed.Where(n => !FileNamePart().IsMatch(n)))
        {
            throw new InvalidOperationException($"operator '{name}' cannot name a list file: lists need operator names of letters, digits, '.', '_' or '-'");
        }

        if (only is null)
        {
            return routed;
        }

        if (!known.Contains(only, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"--operator: '{only}' is not an operator (devreg operator add NAME creates one)");
        }

        return routed.Contains(only, StringComparer.Ordinal)
            ? [only]
            : throw new InvalidOperationException($"--operator: no network in {RegistrySettings.Section}:{RegistrySettings.NetworksKey} is run by '{only}', so it has no lists");
    }

    /// <summary>The latest MSISDN seen with each IMEI-IMSI pair of these IMEIs ("" when the network never sent one).</summary>
    private async Task<Dictionary<(long Imei, string Imsi), string>> NumbersAsync(List<long> imeis, CancellationToken ct)
    {
        var numbers = new Dictionary<(long Imei, string Imsi), (DateOnly Last, string Msisdn)>();
        foreach (var chunk in imeis.Chunk(ChunkSize))
        {
            var rows = await Sightings.SightingRows.OfImeisAsync(db, chunk, ct);
            foreach (var row in rows)
            {
                var key = (row.Imei, row.Imsi);
                var found = numbers.TryGetValue(key, out var seen);
                if (!found || (row.Msisdn is { Length: > 0 } && (seen.Msisdn.Length == 0 || row.LastSeen > seen.Last)))
                {
                    numbers[key] = (row.LastSeen, row.Msisdn ?? "");
                }
            }
        }

        return numbers.ToDictionary(n => n.Key, n => n.Value.Msisdn);
    }

    /// <summary>The IMSI of an <see cref="EirQuery.ImsiCode"/> (its length times 10^15 plus its value).</summary>
    private static string ImsiText(long code)
    {
        const long Scale = 1_000_000_000_000_000L;
        var length = (int)(code / Scale);
        return (code % Scale).ToString("D" + length.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static DateOnly Earliest(DateOnly a, DateOnly b) => a < b ? a : b;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex FileNamePart();
}
