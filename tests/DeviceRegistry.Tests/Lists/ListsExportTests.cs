using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;

namespace DeviceRegistry.Tests.Lists;

/// <summary>devreg lists export: the blacklist, each operator's exceptions and notifications, in DIRBS's formats.</summary>
public sealed class ListsExportTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 15);

    // 14-digit keys.
    private const long Stolen = 35693803564380L;
    private const long Clone = 26053179311383L;
    private const long Blocked = 49015420323751L;
    private const long WindowOver = 35761300444848L;
    private const long InWindow = 86000012345670L;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_export_writes_the_blacklist_and_each_operators_exceptions_and_notifications(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        using var dir = new TempDir();

        var run = await Infrastructure.Cli.RunAsync(Settings(db), "lists", "export", "--out", dir.Path, "--as-of", "2026-06-15");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            ["blacklist.csv", "exceptions_Azercell.csv", "exceptions_Bakcell.csv", "notifications_Azercell.csv", "notifications_Bakcell.csv"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(
            """
            imei,block_date,reasons
            26053179311383,20260601,clone
            35693803564380,20260331,stolen|unregistered
            35761300444848,20260609,unregistered
            49015420323751,20260501,unregistered

            """.ReplaceLineEndings("\n"),
            File.ReadAllText(Path.Combine(dir.Path, "blacklist.csv")));
        Assert.Equal("imei,imsi,msisdn\n26053179311383,400011111111111,994501111111\n", File.ReadAllText(Path.Combine(dir.Path, "exceptions_Azercell.csv")));
        Assert.Equal("imei,imsi,msisdn\n26053179311383,400022222222222,994552222222\n", File.ReadAllText(Path.Combine(dir.Path, "exceptions_Bakcell.csv")));
        Assert.Equal(
            "imei,imsi,msisdn,block_date,reasons\n86000012345670,400019876543210,994509876543,20260705,unregistered\n",
            File.ReadAllText(Path.Combine(dir.Path, "notifications_Azercell.csv")));
        Assert.Equal(
            "imei,imsi,msisdn,block_date,reasons\n86000012345670,400021234567890,,20260705,unregistered\n",
            File.ReadAllText(Path.Combine(dir.Path, "notifications_Bakcell.csv")));
        Assert.Contains("1 SIM(s) of no network in Lists:Networks left out", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task One_operators_export_writes_the_blacklist_and_only_its_own_lists_and_an_unknown_operator_is_refused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        using var dir = new TempDir();

        var run = await Infrastructure.Cli.RunAsync(Settings(db), "lists", "export", "--out", dir.Path, "--as-of", "2026-06-15", "--operator", "Bakcell");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            ["blacklist.csv", "exceptions_Bakcell.csv", "notifications_Bakcell.csv"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("imei,imsi,msisdn\n26053179311383,400022222222222,994552222222\n", File.ReadAllText(Path.Combine(dir.Path, "exceptions_Bakcell.csv")));

        using var other = new TempDir();
        var unknown = await Infrastructure.Cli.RunAsync(Settings(db), "lists", "export", "--out", other.Path, "--operator", "Nar");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--operator: 'Nar' is not an operator", unknown.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(other.Path));
    }

    private static Dictionary<string, string?> Settings(TestDatabase db) => new(db.Settings)
    {
        ["Lists:Networks:40001"] = "Azercell",
        ["Lists:Networks:40002"] = "Bakcell",
    };

    private static async Task SeedAsync(TestDatabase db)
    {
        var day = new DateOnly(2026, 6, 1);
        var now = DateTime.UtcNow;
        await using var context = db.CreateContext();
        var azercell = new Operator { Name = "Azercell", CreatedAt = now };
        var bakcell = new Operator { Name = "Bakcell", CreatedAt = now };
        context.AddRange(azercell, bakcell);
        await context.SaveChangesAsync();

        // Stolen on 10 June, and its window (from 1 March) long over unregistered: both reasons, the earlier date.
        context.SeenImeis.Add(new SeenImei { Imei = Stolen, FirstSeen = new(2026, 3, 1), LastSeen = day, FirstHomeSeen = new(2026, 3, 1) });
        context.Add(new ImeiBlock { Imei = Stolen, Reason = BlockReason.Stolen, BlockedOn = new(2026, 6, 10), CreatedAt = now });

        // A clone inside its window, with one allowed SIM on each operator.
        context.SeenImeis.Add(new SeenImei { Imei = Clone, FirstSeen = day, LastSeen = day, FirstHomeSeen = day });
        context.Add(new CloneStatus { Imei = Clone, Status = CloneStatusValues.Clone, Since = day, Rule = "r", FirstSeen = day, LastSeen = day, AsOf = day, UpdatedAt = now });
        context.Add(new CloneAllowedPair { Imei = Clone, Imsi = "400011111111111", Since = day });
        context.Add(new CloneAllowedPair { Imei = Clone, Imsi = "400022222222222", Since = day });
        context.Add(Seen(Clone, "400011111111111", azercell, day, "994501111111"));
        context.Add(Seen(Clone, "400022222222222", bakcell, day, "994552222222"));

        // Blocked by the enforcement for no registration (window from 1 April).
        context.SeenImeis.Add(new SeenImei { Imei = Blocked, FirstSeen = new(2026, 4, 1), LastSeen = new(2026, 4, 1), FirstHomeSeen = new(2026, 4, 1) });
        context.Add(new ImeiBlock { Imei = Blocked, Reason = BlockReason.NoRegistration, BlockedOn = new(2026, 5, 1), CreatedAt = now });

        // Window from 10 May: over on 9 June, not yet blocked by an enforcement run.
        context.SeenImeis.Add(new SeenImei { Imei = WindowOver, FirstSeen = new(2026, 5, 10), LastSeen = new(2026, 5, 10), FirstHomeSeen = new(2026, 5, 10) });

        // Window from 5 June (blocked from 5 July): an Azercell SIM whose latest number counts, a Bakcell SIM without one,
        // a Nar SIM (no network listed: left out) and a roamer (never notified).
        context.SeenImeis.Add(new SeenImei { Imei = InWindow, FirstSeen = new(2026, 5, 28), LastSeen = AsOf, FirstHomeSeen = new(2026, 6, 5) });
        context.Add(Seen(InWindow, "400019876543210", azercell, new(2026, 6, 5), "994509876543"));
        context.Add(Seen(InWindow, "400019876543210", bakcell, new(2026, 6, 2), "994500000000"));
        context.Add(Seen(InWindow, "400021234567890", bakcell, new(2026, 6, 6), null));
        context.Add(Seen(InWindow, "400041234567890", azercell, new(2026, 6, 7), "994701234567"));
        context.Add(Seen(InWindow, "310150123456789", azercell, new(2026, 5, 28), "12025550123"));
        await context.SaveChangesAsync();
    }

    private static Sighting Seen(long imei, string imsi, Operator op, DateOnly day, string? msisdn) => new()
    {
        Imei = imei, Imsi = imsi, OperatorId = op.Id, Month = (day.Year * 100) + day.Month, DayMask = 1 << (day.Day - 1),
        FirstSeen = day, LastSeen = day, Msisdn = msisdn,
    };

    private sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "devreg-lists-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
