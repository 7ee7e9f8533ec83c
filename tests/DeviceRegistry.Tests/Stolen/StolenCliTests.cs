using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Stolen;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Stolen;

/// <summary>devreg stolen report / recover / list / show: the case, its blocks, its history, and whole refusals.</summary>
public sealed class StolenCliTests
{
    // Valid 15-digit IMEIs (Luhn check digit last) and their 14-digit keys.
    private const string First = "356938035643809";
    private const long FirstKey = 35693803564380L;
    private const string Second = "353322112233441";
    private const long SecondKey = 35332211223344L;
    private const string Third = "860000123456708";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_report_blocks_every_imei_with_its_history_and_change_rows_and_recovery_with_the_case_number_lifts_it(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        // The second IMEI typed as 14 digits (no check digit), as people and the police often write it.
        var report = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", First, "--imei", "35332211223344",
            "--case-number", "BAKU-2026/117", "--reported-by", "Nasimi police station");

        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains("case BAKU-2026/117 reported: 2 IMEI(s) blocked (356938035643809, 353322112233441)", report.Out, StringComparison.Ordinal);
        await using (var context = db.CreateContext())
        {
            var blocks = await context.Set<ImeiBlock>().Where(b => b.Reason == BlockReason.Stolen && b.LiftedAt == null)
                .Select(b => b.Imei).OrderBy(i => i).ToListAsync();
            Assert.Equal([SecondKey, FirstKey], blocks);
            var changes = await context.Set<ImeiChange>().Where(c => c.Source == "stolen").Select(c => c.Imei).OrderBy(i => i).ToListAsync();
            Assert.Equal([SecondKey, FirstKey], changes);
            var audit = await context.Set<AuditEntry>().Where(a => a.Action == "stolen.reported").ToListAsync();
            Assert.Equal(2, audit.Count);
            Assert.All(audit, a => Assert.Equal("stolen:BAKU-2026/117", a.Subject));
        }

        var check = await Infrastructure.Cli.RunAsync(db, "check", First, "--imsi", "400011234567890");
        Assert.Contains("BLACKLISTED", check.Out, StringComparison.Ordinal);

        var list = await Infrastructure.Cli.RunAsync(db, "stolen", "list", "--status", "blocked");
        Assert.Equal(0, list.ExitCode);
        var rows = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("case_number\tstatus\treported_at\treported_by\timeis\trecovered_at", rows[0]);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("BAKU-2026/117\tBlocked\t", rows[1], StringComparison.Ordinal);
        Assert.EndsWith("\tNasimi police station\t356938035643809,353322112233441", rows[1], StringComparison.Ordinal);

        var wrong = await Infrastructure.Cli.RunAsync(db, "stolen", "recover", "--imei", First, "--case-number", "BAKU-2026/118");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("IMEI 356938035643809 has no open case numbered BAKU-2026/118", wrong.Error, StringComparison.Ordinal);
        Assert.Contains("BLACKLISTED", (await Infrastructure.Cli.RunAsync(db, "check", First, "--imsi", "400011234567890")).Out, StringComparison.Ordinal);

        var partly = await Infrastructure.Cli.RunAsync(db, "stolen", "recover", "--imei", First, "--case-number", "BAKU-2026/117");
        Assert.True(partly.ExitCode == 0, partly.Error);
        Assert.Contains("case BAKU-2026/117: 1 of 2 IMEIs recovered, 1 still blocked", partly.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("BLACKLISTED", (await Infrastructure.Cli.RunAsync(db, "check", First, "--imsi", "400011234567890")).Out, StringComparison.Ordinal);
        Assert.Contains("BLACKLISTED", (await Infrastructure.Cli.RunAsync(db, "check", Second, "--imsi", "400011234567890")).Out, StringComparison.Ordinal);

        var again = await Infrastructure.Cli.RunAsync(db, "stolen", "recover", "--imei", First, "--case-number", "BAKU-2026/117");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("IMEI 356938035643809 of case BAKU-2026/117 is already recovered", again.Error, StringComparison.Ordinal);

        var last = await Infrastructure.Cli.RunAsync(db, "stolen", "recover", "--imei", Second, "--case-number", " BAKU-2026/117 ");
        Assert.Contains("case BAKU-2026/117 recovered", last.Out, StringComparison.Ordinal);

        var show = await Infrastructure.Cli.RunAsync(db, "stolen", "show", "BAKU-2026/117");
        Assert.Equal(0, show.ExitCode);
        var lines = show.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("case BAKU-2026/117: Recovered", lines[0]);
        Assert.StartsWith("reported by Nasimi police station at ", lines[1], StringComparison.Ordinal);
        var history = lines.SkipWhile(l => l != "history:").Skip(1).Select(l => l[(l.IndexOf("  ", StringComparison.Ordinal) + 2)..]).ToList();
        var user = Environment.UserName;
        Assert.Equal(
        [
            $"reported (by Nasimi police station)  [{user}]", $"blocked 356938035643809  [{user}]", $"blocked 353322112233441  [{user}]",
            $"recovered 356938035643809  [{user}]", $"recovered 353322112233441  [{user}]",
        ], history);

        await using (var context = db.CreateContext())
        {
            Assert.False(await context.Set<ImeiBlock>().AnyAsync(b => b.Reason == BlockReason.Stolen && b.LiftedAt == null));
            Assert.Equal(4, await context.Set<ImeiChange>().CountAsync(c => c.Source == "stolen"));
            Assert.Equal(2, await context.Set<AuditEntry>().CountAsync(a => a.Action == "stolen.recovered"));
        }

        // Recovered, the IMEI can be reported again (a new case), even on the same day.
        var relapse = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", First, "--case-number", "BAKU-2026/200", "--reported-by", "owner");
        Assert.True(relapse.ExitCode == 0, relapse.Error);
        Assert.Contains("BLACKLISTED", (await Infrastructure.Cli.RunAsync(db, "check", First, "--imsi", "400011234567890")).Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_report_with_one_bad_or_already_reported_imei_or_a_taken_case_number_is_refused_whole(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        var bad = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", First, "--imei", "356938035643808", "--imei", Third,
            "--case-number", "C-1", "--reported-by", "Azercell");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'356938035643808' is not an IMEI", bad.Error, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(db);

        var twice = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", First, "--imei", "3569380356438", "--imei", "35693803564380",
            "--case-number", "C-1", "--reported-by", "Azercell");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("'3569380356438' is not an IMEI", twice.Error, StringComparison.Ordinal);
        Assert.Contains("IMEI 356938035643809 is given twice", twice.Error, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(db);

        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", Second, "--case-number", "C-1", "--reported-by", "owner")).ExitCode);

        var open = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", Third, "--imei", "3533221122334410", "--case-number", "C-2", "--reported-by", "Bakcell");
        Assert.Equal(1, open.ExitCode);
        Assert.Contains("IMEI 353322112233441 is already in open case C-1", open.Error, StringComparison.Ordinal);

        var taken = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", Third, "--case-number", "C-1", "--reported-by", "Bakcell");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("case number C-1 is already used by another report", taken.Error, StringComparison.Ordinal);

        var nobody = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", Third, "--case-number", "C-3", "--reported-by", "  ");
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("who reported it is required", nobody.Error, StringComparison.Ordinal);

        await using (var context = db.CreateContext())
        {
            Assert.Equal(["C-1"], await context.Set<StolenCase>().Select(c => c.CaseNumber).ToListAsync());
            Assert.Equal([SecondKey], await context.Set<ImeiBlock>().Select(b => b.Imei).ToListAsync());
            Assert.Equal(1, await context.Set<ImeiChange>().CountAsync());
        }

        var unknown = await Infrastructure.Cli.RunAsync(db, "stolen", "show", "C-9");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no stolen case is numbered C-9", unknown.Error, StringComparison.Ordinal);

        var unknownRecover = await Infrastructure.Cli.RunAsync(db, "stolen", "recover", "--imei", Second, "--case-number", "C-9");
        Assert.Equal(1, unknownRecover.ExitCode);
        Assert.Contains("IMEI 353322112233441 has no open case numbered C-9", unknownRecover.Error, StringComparison.Ordinal);

        var usage = await Infrastructure.Cli.RunAsync(db, "stolen", "list", "--status", "Pending");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--status must be Blocked or Recovered", usage.Error, StringComparison.Ordinal);

        var missing = await Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", Third, "--reported-by", "x");
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task A_report_racing_another_for_the_same_imei_on_postgresql_is_refused_by_the_open_case_index_with_the_same_message()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        // Another writer has opened a case on the IMEI and not yet committed: the report's check cannot see it.
        await using var other = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var insert = other.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"""
                INSERT INTO stolen_cases (case_number, reported_by, reported_at, entered_by, status) VALUES ('RACE-1', 'owner', now(), 'other', 'Blocked');
                INSERT INTO stolen_case_imeis (case_id, imei, blocked_at) SELECT id, {SecondKey}, now() FROM stolen_cases WHERE case_number = 'RACE-1';
                """;
            await insert.ExecuteNonQueryAsync();
        }

        var racing = Infrastructure.Cli.RunAsync(db, "stolen", "report", "--imei", Second, "--case-number", "RACE-2", "--reported-by", "police");
        await Task.Delay(1500); // the report waits on the unique index for the other transaction
        Assert.False(racing.IsCompleted, "the report did not wait for the other writer");
        await tx.CommitAsync();
        var result = await racing;

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("IMEI 353322112233441 is already in open case RACE-1", result.Error, StringComparison.Ordinal);
        await using var context = db.CreateContext();
        Assert.Equal(["RACE-1"], await context.Set<StolenCase>().Select(c => c.CaseNumber).ToListAsync());
        Assert.Equal(0, await context.Set<ImeiChange>().CountAsync());
    }

    private static async Task AssertNothingWrittenAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        Assert.Equal(0, await context.Set<StolenCase>().CountAsync());
        Assert.Equal(0, await context.Set<StolenCaseEvent>().CountAsync());
        Assert.Equal(0, await context.Set<ImeiBlock>().CountAsync());
        Assert.Equal(0, await context.Set<ImeiChange>().CountAsync());
        Assert.Equal(0, await context.Set<AuditEntry>().CountAsync());
    }
}
