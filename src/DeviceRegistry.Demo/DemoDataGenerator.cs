using System.Globalization;
using Bogus;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Demo;

/// <summary>The behaviour behind an IMEI in the demo data, as written to the labels file.</summary>
public static class DemoPatterns
{
    public const string SingleSim = "single";
    public const string NumberChange = "number_change";
    public const string SimReplacement = "sim_replacement";
    public const string Resale = "resale";
    public const string FamilySwap = "family_swap";
    public const string DualSim = "dual_sim";
    public const string Roamer = "roamer";
    public const string Traveller = "traveller";
    public const string ShopDevice = "shop_device";
    public const string TestPhone = "test_phone";
    public const string Clone = "clone";
}

/// <summary>One IMEI's ground truth.</summary>
public sealed record DemoLabel(long Imei, string Pattern, bool IsClone, int Users);

/// <summary>One attach-log row: a subscriber (SIM) seen on an IMEI on a day.</summary>
public readonly record struct DemoRow(int Day, int ImeiIndex, int SimIndex);

/// <summary>A SIM card: its identity and the Azerbaijani network it attaches through (roamers: the visited one).</summary>
public sealed record DemoSim(string Imsi, string Msisdn, string Operator);

/// <summary>A generated data set: the rows (day order), the IMEIs, SIMs and labels.</summary>
public sealed class DemoDataSet
{
    public required DateOnly Start { get; init; }

    public required int Days { get; init; }

    public required IReadOnlyList<long> Imeis { get; init; }

    public required IReadOnlyList<DemoSim> Sims { get; init; }

    public required IReadOnlyList<DemoRow> Rows { get; init; }

    public required IReadOnlyList<DemoLabel> Labels { get; init; }

    public DateOnly LastDay => Start.AddDays(Days - 1);

    public DemoSettings Settings { get; init; } = DemoSettings.Classic;
}

/// <summary>
/// Generates realistic attach logs with ground truth, reproducible by seed (Bogus). Honest subscribers
/// are noisy the way real ones are: phones off on some days and for whole trips abroad, the old SIM
/// still attaching for a day or three after a number change (sometimes swapped back and forth for a
/// week or two), SIMs borrowed within a family, dual-SIM slot swaps, visitors alternating their home
/// and a local SIM, dealers activating customers' SIMs in their own phone. Clones are two to ~150
/// subscribers on one IMEI (heavy-tailed), copies starting at different times, some used part-time.
/// </summary>
public sealed class DemoDataGenerator
{
    public static readonly DateOnly DefaultStart = new(2026, 7, 1);

    private static readonly (string Name, string MccMnc, string[] MsisdnPrefixes, double Share)[] HomeOperators =
    [
        ("Azercell", "40001", ["99450", "99451"], 0.50),
        ("Bakcell", "40002", ["99455", "99499"], 0.30),
        ("Nar", "40004", ["99470", "99477"], 0.20),
    ];

    private static readonly (string MccMnc, string CountryCode)[] ForeignNetworks =
    [
        ("25001", "7"), ("25002", "7"), ("25099", "7"), ("28601", "90"), ("28602", "90"), ("28603", "90"),
        ("28201", "995"), ("28202", "995"), ("43211", "98"), ("43235", "98"), ("40101", "7"), ("23410", "44"),
        ("26201", "49"), ("42402", "971"), ("28301", "374"), ("25501", "380"),
    ];

    private static readonly string[] Tacs =
    [
        "35332510", "35891110", "35467211", "35290611", "86091504", "86769604", "35205410", "35941210",
        "86420305", "35670911", "35328209", "86112305", "35118110", "35734412", "86473804", "35394510",
    ];

    private Randomizer random;

    /// <summary>Draws for the relatives' own phones, apart from <see cref="random"/> so that every other device is drawn as without them.</summary>
    private readonly Randomizer ownPhones;
    private readonly int days;
    private readonly List<long> imeis = [];
    private readonly HashSet<long> usedImeis = [];
    private readonly List<DemoSim> sims = [];
    private readonly HashSet<string> usedImsis = new(StringComparer.Ordinal);
    private readonly List<DemoRow> rows = [];
    private readonly List<DemoRow> deviceRows = [];
    private readonly List<DemoLabel> labels = [];
    private readonly DemoSettings settings;

    private DemoDataGenerator(int seed, int days, DemoSettings settings)
    {
        random = new Randomizer(seed);
        ownPhones = new Randomizer(unchecked((seed * 7919) + 104729));
        this.days = days;
        this.settings = settings;
    }

    public static DemoDataSet Generate(int seed, int devices, int days, DateOnly? start = null, DemoSettings? settings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(devices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 28);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, 366);
        settings ??= DemoSettings.Classic;
        var problems = settings.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid demo settings: " + string.Join("; ", problems), nameof(settings));
        }

        var generator = new DemoDataGenerator(seed, days, settings);
        var mix = settings.Mix == DemoMix.Extended ? generator.ExtendedMix() : generator.ClassicMix();
        for (var i = 0; i < devices; i++)
        {
            generator.Device(mix);
        }

        if (settings.MissingOperatorDays > 0)
        {
            generator.DropMissingOperatorDays();
        }

        var ordered = generator.rows.OrderBy(r => r.Day).ThenBy(r => r.ImeiIndex).ThenBy(r => r.SimIndex).Distinct().ToList();
        return new DemoDataSet
        {
            Start = start ?? DefaultStart,
            Days = days,
            Imeis = generator.imeis,
            Sims = generator.sims,
            Rows = ordered,
            Labels = generator.labels,
            Settings = settings,
        };
    }

    /// <summary>
    /// An operator's test phone: a pool of test SIMs, one in the phone at a time for a few days, then the next (both on the
    /// day of the switch); on some days a second SIM is tried for a test and the first put back.
    /// </summary>
    private void TestPhone()
    {
        var imei = NewImei();
        var network = random.ArrayElement(HomeOperators).Name;
        var pool = Enumerable.Range(0, random.Int(3, 10)).Select(_ => HomeSim(network)).ToList();
        var current = random.ListItem(pool);
        var runLeft = random.Int(1, 5);
        for (var d = 0; d < days; d++)
        {
            if (d % 7 is 5 or 6 || !Chance(0.9))
            {
                continue; // weekends and days off: the phone is in a drawer
            }

            Add(d, imei, current);
            if (--runLeft <= 0)
            {
                var next = random.ListItem(pool);
                Add(d, imei, next);
                current = next;
                runLeft = random.Int(1, 5);
            }
            else if (Chance(0.03))
            {
                Add(d, imei, random.ListItem(pool));
            }
        }

        Label(imei, DemoPatterns.TestPhone, pool.Count);
    }

    /// <summary>
    /// A clone as independently generated data sets show it: the genuine owner on 35-99 % of days; one to a few copies
    /// (sometimes a batch) that start at any point up to <see cref="DemoSettings.CopyMinDays"/> before the last day, each
    /// then used on 30-90 % of its days, often on another operator.
    /// </summary>
    private void PartTimeClone()
    {
        var imei = NewImei();
        var users = Chance(0.6) ? 2 : Chance(0.5) ? 3 : CloneSize();
        var genuine = HomeSim();
        var genuineStart = Chance(0.8) ? 0 : random.Int(0, days / 3);
        Use(imei, genuine, genuineStart, days - 1, DailyUse(), trips: true);
        var latest = Math.Max(genuineStart, days - settings.CopyMinDays);
        for (var u = 1; u < users; u++)
        {
            var start = random.Int(genuineStart, latest);
            var p = random.Double(settings.CopyUseMin, settings.CopyUseMax);
            var otherOperator = Chance(settings.CopyOtherOperator);
            var network = otherOperator
                ? random.ArrayElement(HomeOperators.Where(o => o.Name != OperatorOf(genuine)).ToArray()).Name
                : OperatorOf(genuine);
            Use(imei, HomeSim(network), start, days - 1, p, trips: true);
        }

        Label(imei, DemoPatterns.Clone, users);
    }

    /// <summary>Drops every row of an operator on the days its file is missing.</summary>
    private void DropMissingOperatorDays()
    {
        var missing = new HashSet<(string, int)>();
        foreach (var network in HomeOperators)
        {
            for (var d = 0; d < days; d++)
            {
                if (Chance(settings.MissingOperatorDays))
                {
                    missing.Add((network.Name, d));
                }
            }
        }

        rows.RemoveAll(r => missing.Contains((sims[r.SimIndex].Operator, r.Day)));
    }

    /// <summary>The classic mix of behaviours: each device is the first whose cumulative share exceeds a uniform roll.</summary>
    private (double Upto, Action Make)[] ClassicMix() =>
    [
        (0.40, Single), (0.53, NumberChange), (0.58, SimReplacement), (0.65, Resale), (0.74, FamilySwap), (0.81, DualSim),
        (0.86, Roamer), (0.91, Traveller), (0.925, ShopDevice), (1.0, Clone),
    ];

    /// <summary>
    /// The extended mix: the classic behaviours plus operators' test phones, with every subscriber's rate drawn from the
    /// whole configured range and clones shaped as copies that start at any point and are used part-time.
    /// </summary>
    private (double Upto, Action Make)[] ExtendedMix() =>
    [
        (0.28, Single), (0.42, NumberChange), (0.46, SimReplacement), (0.52, Resale), (0.60, FamilySwap), (0.65, DualSim),
        (0.69, Roamer), (0.74, Traveller), (0.77, ShopDevice), (0.79, TestPhone), (1.0, PartTimeClone),
    ];

    private void Device((double Upto, Action Make)[] mix)
    {
        var roll = random.Double();
        foreach (var (upto, make) in mix)
        {
            if (roll < upto)
            {
                make();
                return;
            }
        }

        mix[^1].Make();
    }

    private void Single()
    {
        var imei = NewImei();
        Use(imei, HomeSim(), 0, days - 1, DailyUse(), trips: true);
        Label(imei, DemoPatterns.SingleSim, 1);
    }

    private void NumberChange()
    {
        var imei = NewImei();
        var old = HomeSim();
        var fresh = Chance(0.4) ? HomeSim() : HomeSim(OperatorOf(old));
        var change = random.Int(10, days - 10);
        var p = DailyUse();
        Use(imei, old, 0, change - 1, p, trips: true);
        Use(imei, fresh, change, days - 1, p, trips: true);
        Add(change, imei, fresh);
        if (Chance(settings.Mix == DemoMix.Extended ? settings.HesitantNumberChange : 0.12))
        {
            // a hesitant change: both SIMs in turn for one or two weeks (bank codes still on the old number)
            var until = Math.Min(days - 1, change + random.Int(5, 14));
            for (var d = change; d <= until; d++)
            {
                if (Chance(0.35))
                {
                    Add(d, imei, old);
                }
            }
        }
        else
        {
            // the old SIM still attaches on the day of the change, sometimes a day or two after
            var linger = random.WeightedRandom([0, 1, 2, 3], [0.25f, 0.4f, 0.25f, 0.1f]);
            for (var d = change; d < Math.Min(days, change + linger); d++)
            {
                Add(d, imei, old);
            }
        }

        Label(imei, DemoPatterns.NumberChange, 1);
    }

    private void SimReplacement()
    {
        var imei = NewImei();
        var old = HomeSim();
        var lost = sims[old];
        var replacement = new DemoSim(NewImsi(HomeOperators.First(o => o.Name == lost.Operator).MccMnc), lost.Msisdn, lost.Operator);
        var replacementIndex = AddSim(replacement);
        var change = random.Int(10, days - 10);
        var p = DailyUse();
        var lostDays = Chance(0.5) ? random.Int(1, 4) : 0; // a lost SIM: no service until the new one
        Use(imei, old, 0, change - lostDays - 1, p, trips: true);
        Use(imei, replacementIndex, change, days - 1, p, trips: true);
        Add(change, imei, replacementIndex);
        if (lostDays == 0 && Chance(0.6))
        {
            Add(change, imei, old);
        }

        Label(imei, DemoPatterns.SimReplacement, 1);
    }

    private void Resale()
    {
        var imei = NewImei();
        var owners = Enumerable.Range(0, Chance(0.15) ? 3 : 2).Select(_ => HomeSim()).ToList();
        var from = 0;
        for (var o = 0; o < owners.Count; o++)
        {
            var last = o == owners.Count - 1;
            var to = last ? days - 1 : Math.Min(days - 12, from + random.Int(20, days / owners.Count + 10));
            Use(imei, owners[o], from, to, DailyUse(), trips: last);
            if (!last)
            {
                var gap = random.WeightedRandom([0, 1, 3, 7, 15], [0.3f, 0.2f, 0.2f, 0.2f, 0.1f]);
                from = to + 1 + gap;
                if (gap == 0 && Chance(0.5))
                {
                    Add(to, imei, owners[o + 1]); // the buyer's SIM tried in the shop on the day of the sale
                }
            }
        }

        Label(imei, DemoPatterns.Resale, owners.Count);
    }

    /// <summary>
    /// An owner's phone that relatives borrow now and then, putting their own SIM in for a day or keeping the phone a day or
    /// two. Most relatives (<see cref="DemoSettings.RelativesWithPhones"/>) have a phone of their own, which the registry sees
    /// too: their SIM is in it on their other days, and not while they keep the borrowed one.
    /// </summary>
    private void FamilySwap()
    {
        var imei = NewImei();
        var owner = HomeSim();
        var relatives = new List<int> { HomeSim() };
        if (Chance(0.25))
        {
            relatives.Add(HomeSim());
        }

        var p = DailyUse();
        var present = Use(imei, owner, 0, days - 1, p, trips: true);
        var kept = relatives.ToDictionary(r => r, _ => new HashSet<int>());
        var perMonth = random.WeightedRandom([0.3, 0.7, 1.2, 2.0, 3.0], [0.3f, 0.3f, 0.2f, 0.15f, 0.05f]);
        for (var d = 0; d < days; d++)
        {
            if (!Chance(perMonth / 30))
            {
                continue;
            }

            var relative = random.ListItem(relatives);
            Add(d, imei, relative);
            if (Chance(0.3))
            {
                // the relative keeps the phone a day or two; the owner is off the IMEI meanwhile
                var keep = random.Int(1, 3);
                for (var k = 1; k <= keep && d + k < days; k++)
                {
                    Add(d + k, imei, relative);
                    present.Remove(d + k);
                    kept[relative].Add(d + k);
                }

                d += keep;
            }
        }

        Remove(imei, owner, present);
        Label(imei, DemoPatterns.FamilySwap, 1 + relatives.Count);
        if (settings.Mix != DemoMix.Extended)
        {
            return;
        }

        var main = random;
        random = ownPhones;
        foreach (var relative in relatives)
        {
            if (Chance(settings.RelativesWithPhones))
            {
                var own = NewImei();
                var seen = Use(own, relative, 0, days - 1, DailyUse(), trips: true);
                seen.ExceptWith(kept[relative]); // the SIM is in the borrowed phone on those days
                Remove(own, relative, seen);
                Label(own, DemoPatterns.SingleSim, 1);
            }
        }

        random = main;
    }

    private void DualSim()
    {
        var first = NewImei();
        var second = NewImei(Next(imeis[first]));
        var a = HomeSim();
        var b = Chance(0.7) ? HomeSim() : HomeSim(OperatorOf(a));
        var slots = new[] { a, b };
        var pa = DailyUse();
        var pb = pa * random.Double(0.5, 1.0);
        var swaps = random.WeightedRandom([0, 1, 2, 3], [0.5f, 0.3f, 0.15f, 0.05f]);
        var swapDays = Enumerable.Range(0, swaps).Select(_ => random.Int(5, days - 5)).Order().ToList();
        var from = 0;
        foreach (var swap in swapDays.Append(days))
        {
            Use(first, slots[0], from, swap - 1, pa, trips: false);
            Use(second, slots[1], from, swap - 1, pb, trips: false);
            if (swap < days)
            {
                // the day of a slot swap: each IMEI sees both SIMs
                Add(swap, first, slots[0]);
                Add(swap, second, slots[1]);
                (slots[0], slots[1]) = (slots[1], slots[0]);
            }

            from = swap;
        }

        Label(first, DemoPatterns.DualSim, 2);
        Label(second, DemoPatterns.DualSim, 2);
    }

    private void Roamer()
    {
        var imei = NewImei();
        var home = ForeignSim();
        var local = -1;
        var visits = random.WeightedRandom([1, 2, 3, 4], [0.45f, 0.3f, 0.15f, 0.1f]);
        var starts = Enumerable.Range(0, visits).Select(_ => random.Int(0, days - 4)).Order().ToList();
        var lastEnd = -2;
        foreach (var arrival in starts)
        {
            if (arrival <= lastEnd + 1)
            {
                continue;
            }

            var departure = Math.Min(days - 1, arrival + random.WeightedRandom([3, 5, 10, 20, 45], [0.25f, 0.25f, 0.25f, 0.15f, 0.1f]));
            lastEnd = departure;
            Add(arrival, imei, home);
            if (local < 0 && Chance(0.6))
            {
                local = HomeSim();
            }

            if (local < 0)
            {
                Use(imei, home, arrival, departure, DailyUse(), trips: false);
                continue;
            }

            var buyDay = Chance(0.7) ? arrival : Math.Min(departure, arrival + 1);
            if (buyDay > arrival)
            {
                Add(arrival, imei, home);
            }

            var onLocal = Use(imei, local, buyDay, departure, DailyUse(), trips: false);
            Add(buyDay, imei, local);
            onLocal.Add(buyDay);
            if (departure - buyDay >= 14 && Chance(0.3))
            {
                // back on the home SIM every weekend (calls home): both SIMs on Saturday and Monday, only the home SIM on Sunday
                for (var d = buyDay + 1; d < departure; d++)
                {
                    switch (d % 7)
                    {
                        case 5:
                        case 0 when d > buyDay + 1:
                            Add(d, imei, home);
                            Add(d, imei, local);
                            onLocal.Add(d);
                            break;
                        case 6:
                            Add(d, imei, home);
                            onLocal.Remove(d);
                            break;
                    }
                }

                Remove(imei, local, onLocal);
            }

            for (var d = buyDay + 1; d < departure; d++)
            {
                if (Chance(0.04))
                {
                    Add(d, imei, home); // the home SIM put back in for a bank code
                }
            }

            if (Chance(0.5))
            {
                Add(departure, imei, home);
            }
        }

        Label(imei, DemoPatterns.Roamer, local < 0 ? 1 : 2);
    }

    private void Traveller()
    {
        var imei = NewImei();
        var home = HomeSim();
        var present = Use(imei, home, 0, days - 1, DailyUse(), trips: false);
        var foreign = -1;
        var trips = random.Int(1, 3);
        for (var t = 0; t < trips; t++)
        {
            var leave = random.Int(3, days - 10);
            var back = Math.Min(days - 1, leave + random.Int(3, 14));
            for (var d = leave; d < back; d++)
            {
                present.Remove(d); // abroad: on a foreign network, not in these logs
            }

            if (Chance(0.45))
            {
                if (foreign < 0 || Chance(0.3))
                {
                    foreign = ForeignSim();
                }

                Add(back, imei, foreign); // the SIM bought abroad still in the phone on landing
                Add(back, imei, home);
                present.Add(back);
            }
        }

        Remove(imei, home, present);
        Label(imei, DemoPatterns.Traveller, foreign < 0 ? 1 : 2);
    }

    private void ShopDevice()
    {
        var imei = NewImei();
        var own = HomeSim();
        Use(imei, own, 0, days - 1, 0.9, trips: false);
        var customers = 0;
        for (var d = 0; d < days; d++)
        {
            if (!Chance(settings.Mix == DemoMix.Extended ? 0.3 : 0.4))
            {
                continue;
            }

            for (var k = random.Int(1, 3); k > 0; k--)
            {
                var sim = HomeSim();
                customers++;
                Add(d, imei, sim);
                if (Chance(0.1) && d + 1 < days)
                {
                    Add(d + 1, imei, sim);
                }
            }
        }

        Label(imei, DemoPatterns.ShopDevice, 1 + customers);
    }

    private void Clone()
    {
        var imei = NewImei();
        var users = CloneSize();
        var genuineStart = Chance(0.8) ? 0 : random.Int(0, days / 3);
        Use(imei, HomeSim(), genuineStart, days - 1, DailyUse(), trips: true);
        for (var u = 1; u < users; u++)
        {
            var start = random.Int(genuineStart, genuineStart + (int)((days - genuineStart) * 0.55));
            var end = Chance(0.1) ? random.Int(Math.Min(days - 1, start + 45), days - 1) : days - 1;
            var p = Chance(0.3) ? random.Double(0.2, 0.6) : DailyUse();
            var sim = Chance(0.5) ? HomeSim() : HomeSim(random.ArrayElement(HomeOperators).Name);
            if (Chance(0.08) && end - start > 40)
            {
                var change = random.Int(start + 15, end - 15);
                Use(imei, sim, start, change - 1, p, trips: true);
                Use(imei, HomeSim(), change, end, p, trips: true);
            }
            else
            {
                Use(imei, sim, start, end, p, trips: true);
            }
        }

        Label(imei, DemoPatterns.Clone, users);
    }

    /// <summary>Heavy-tailed: about half are one copy (two users), a long tail reaches ~150 users.</summary>
    private int CloneSize()
    {
        if (Chance(0.45))
        {
            return 2;
        }

        var pareto = 2.0 / Math.Pow(1.0 - random.Double(), 1.0 / 0.9);
        return (int)Math.Clamp(Math.Floor(pareto) + 1, 3, 150);
    }

    /// <summary>How often a subscriber's phone is on the network on a given day.</summary>
    private double DailyUse() => settings.Mix == DemoMix.Extended
        ? random.Double(settings.OwnerUseMin, settings.OwnerUseMax)
        : random.WeightedRandom([0.97, 0.9, 0.8, 0.65, 0.5], [0.3f, 0.3f, 0.2f, 0.12f, 0.08f]) - random.Double(0, 0.05);

    /// <summary>Adds the SIM on the IMEI on the days from..to it is on, and returns those days.</summary>
    private HashSet<int> Use(int imei, int sim, int from, int to, double daily, bool trips)
    {
        var present = new HashSet<int>();
        var tripDays = new HashSet<int>();
        if (trips && Chance(0.15) && to - from > 20)
        {
            var leave = random.Int(from, to - 5);
            for (var d = leave; d < Math.Min(to, leave + random.Int(3, 12)); d++)
            {
                tripDays.Add(d);
            }
        }

        for (var d = Math.Max(0, from); d <= Math.Min(days - 1, to); d++)
        {
            if (!tripDays.Contains(d) && Chance(daily))
            {
                present.Add(d);
                Add(d, imei, sim);
            }
        }

        return present;
    }

    private void Remove(int imei, int sim, HashSet<int> keep) =>
        deviceRows.RemoveAll(r => r.ImeiIndex == imei && r.SimIndex == sim && !keep.Contains(r.Day));

    private void Add(int day, int imei, int sim) => deviceRows.Add(new DemoRow(day, imei, sim));

    /// <summary>Labels an IMEI; its device's rows are final from here.</summary>
    private void Label(int imei, string pattern, int users)
    {
        labels.Add(new DemoLabel(imeis[imei], pattern, pattern == DemoPatterns.Clone, users));
        rows.AddRange(deviceRows.Where(r => r.ImeiIndex == imei));
        deviceRows.RemoveAll(r => r.ImeiIndex == imei);
    }

    private int NewImei(long? key = null)
    {
        while (key is null || !usedImeis.Add(key.Value))
        {
            var tac = random.ArrayElement(Tacs);
            key = long.Parse(tac + random.Int(0, 999_999).ToString("D6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (Imei.IsJunk(new Imei(key.Value)))
            {
                key = null;
            }
        }

        imeis.Add(key.Value);
        return imeis.Count - 1;
    }

    private long Next(long key)
    {
        var candidate = key + 1;
        while (usedImeis.Contains(candidate))
        {
            candidate++;
        }

        return candidate;
    }

    private bool Chance(double probability) => random.Double() < probability;

    private string OperatorOf(int sim) => sims[sim].Operator;

    private int HomeSim(string? operatorName = null)
    {
        var network = operatorName is null
            ? HomeOperators[random.WeightedRandom([0, 1, 2], [0.5f, 0.3f, 0.2f])]
            : HomeOperators.First(o => o.Name == operatorName);
        var msisdn = random.ArrayElement(network.MsisdnPrefixes) + random.Int(0, 9_999_999).ToString("D7", CultureInfo.InvariantCulture);
        return AddSim(new DemoSim(NewImsi(network.MccMnc), msisdn, network.Name));
    }

    private int ForeignSim()
    {
        var (mccMnc, cc) = random.ArrayElement(ForeignNetworks);
        var msisdn = cc + random.Int(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var visited = HomeOperators[random.WeightedRandom([0, 1, 2], [0.5f, 0.3f, 0.2f])].Name;
        return AddSim(new DemoSim(NewImsi(mccMnc), msisdn, visited));
    }

    private string NewImsi(string mccMnc)
    {
        string imsi;
        do
        {
            imsi = mccMnc + random.Long(0, 9_999_999_999L).ToString("D10", CultureInfo.InvariantCulture);
        }
        while (!usedImsis.Add(imsi));

        return imsi;
    }

    private int AddSim(DemoSim sim)
    {
        sims.Add(sim);
        return sims.Count - 1;
    }
}
