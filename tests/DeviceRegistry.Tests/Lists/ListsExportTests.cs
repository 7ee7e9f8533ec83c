using System.Security.Cryptography;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Lists;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
        Assert.Contains("1 SIM(s) of no network in Registry:Networks left out", run.Out, StringComparison.Ordinal);
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

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_second_export_writes_the_deltas_and_is_refused_whole_when_it_changes_too_much_unless_forced(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        using var dir = new TempDir();
        var first = await Infrastructure.Cli.RunAsync(Settings(db), "lists", "export", "--out", dir.Path, "--as-of", "2026-06-15");
        Assert.True(first.ExitCode == 0, first.Error);
        var firstBlacklist = File.ReadAllText(Path.Combine(dir.Path, "blacklist.csv"));

        // By 6 July: the stolen device recovered, a new device in its window on Azercell, and two windows over.
        var newcomer = 35332211223344L;
        await using (var context = db.CreateContext())
        {
            var stolen = await context.Set<ImeiBlock>().SingleAsync(b => b.Reason == BlockReason.Stolen);
            stolen.LiftedAt = DateTime.UtcNow;
            var azercell = await context.Operators.SingleAsync(o => o.Name == "Azercell");
            context.SeenImeis.Add(new SeenImei { Imei = newcomer, FirstSeen = new(2026, 7, 1), LastSeen = new(2026, 7, 1), FirstHomeSeen = new(2026, 7, 1) });
            context.Add(Seen(newcomer, "400015555555555", azercell, new(2026, 7, 1), "994505555555"));
            await context.SaveChangesAsync();
        }

        var refused = await Infrastructure.Cli.RunAsync(Settings(db), "lists", "export", "--out", dir.Path, "--as-of", "2026-07-06");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("export refused, nothing written: blacklist.csv would change 3 of its 4 rows, more than Lists:MaxChangeShare (0.1)", refused.Error, StringComparison.Ordinal);
        Assert.Equal(5, Directory.GetFiles(dir.Path).Length);
        Assert.Equal(firstBlacklist, File.ReadAllText(Path.Combine(dir.Path, "blacklist.csv")));

        var forced = await Infrastructure.Cli.RunAsync(Settings(db), "lists", "export", "--out", dir.Path, "--as-of", "2026-07-06", "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        string Read(string name) => File.ReadAllText(Path.Combine(dir.Path, name));
        Assert.Equal(
            """
            imei,block_date,reasons,change_type
            26053179311383,20260601,clone|unregistered,changed
            35693803564380,20260331,unregistered,changed
            86000012345670,20260705,unregistered,blocked

            """.ReplaceLineEndings("\n"),
            Read("blacklist_delta.csv"));
        Assert.Equal("imei,imsi,msisdn,change_type\n26053179311383,400011111111111,994501111111,removed\n", Read("exceptions_Azercell_delta.csv"));
        Assert.Equal("imei,imsi,msisdn,change_type\n26053179311383,400022222222222,994552222222,removed\n", Read("exceptions_Bakcell_delta.csv"));
        Assert.Equal(
            """
            imei,imsi,msisdn,block_date,reasons,change_type
            35332211223344,400015555555555,994505555555,20260731,unregistered,new
            86000012345670,400019876543210,994509876543,20260705,unregistered,blacklisted

            """.ReplaceLineEndings("\n"),
            Read("notifications_Azercell_delta.csv"));
        Assert.Equal("imei,imsi,msisdn,block_date,reasons,change_type\n86000012345670,400021234567890,,20260705,unregistered,blacklisted\n", Read("notifications_Bakcell_delta.csv"));

        await using (var context = db.CreateContext())
        {
            var runs = await context.Set<ListExportRun>().Include(r => r.Files).OrderBy(r => r.Id).ToListAsync();
            Assert.Equal(2, runs.Count);
            Assert.Equal((new DateOnly(2026, 6, 15), false, 4, 2, 2), (runs[0].AsOf, runs[0].Forced, runs[0].BlacklistRows, runs[0].ExceptionsRows, runs[0].NotificationsRows));
            Assert.Equal((new DateOnly(2026, 7, 6), true, 5, 0, 1), (runs[1].AsOf, runs[1].Forced, runs[1].BlacklistRows, runs[1].ExceptionsRows, runs[1].NotificationsRows));
            Assert.Equal(10, runs[1].Files.Count);
            var blacklist = runs[1].Files.Single(f => f.Name == "blacklist.csv");
            Assert.Equal(5, blacklist.Rows);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir.Path, "blacklist.csv")))), blacklist.Sha256);
        }
    }

    internal static Dictionary<string, string?> Settings(TestDatabase db) => new(db.Settings)
    {
        ["Registry:Networks:40001"] = "Azercell",
        ["Registry:Networks:40002"] = "Bakcell",
    };

    internal static async Task SeedAsync(TestDatabase db)
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
        FirstSeen = day, LastSeen = day, Msisdn = msisdn, MsisdnSeen = msisdn is null ? null : day,
    };

    internal sealed class TempDir : IDisposable
    {
        public TempDir() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "devreg-lists-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
