using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Tacs;

// Inside DeviceRegistry.*, a bare 'Cli' would name the DeviceRegistry.Cli namespace.
using Cli = DeviceRegistry.Tests.Infrastructure.Cli;

public sealed class TacImportTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("devreg-tac-");

    public void Dispose() => folder.Delete(recursive: true);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_gsma_export_is_loaded_by_column_name_whatever_the_order(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = Write("tacs.txt",
            "TAC|Marketing Name|Manufacturer (or) Applicant|Bands|Allocation Date|Country Code|Brand Name|Model Name|Operating System|Device Type",
            "35761300|Galaxy S III|Samsung Korea|GSM 900,GSM 1800|01-Jun-2012|410|Samsung|GT-I9300|Android|Smartphone",
            "01326300|iPhone|Apple Inc|GSM 850,GSM 900|15-Jun-2007|840|Apple|A1203|iOS|Smartphone",
            "49015420|Nokia 3310|Nokia||01-Sep-2000||Nokia|3310||Mobile Phone/Feature phone");

        var result = await Cli.RunAsync(db, "tac", "import", file);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("3 TACs loaded (3 new, 0 updated), 0 bad", result.Out, StringComparison.Ordinal);
        var tacs = await LoadAsync(db);
        Assert.Equal([1_326_300, 35_761_300, 49_015_420], tacs.Select(t => t.Tac));
        var iphone = tacs[0];
        Assert.Equal("Apple", iphone.Brand);
        Assert.Equal("A1203", iphone.Model);
        Assert.Equal("iPhone", iphone.MarketingName);
        Assert.Equal("Apple Inc", iphone.Manufacturer);
        Assert.Equal("Smartphone", iphone.DeviceType);
        Assert.Equal("Mobile Phone/Feature phone", tacs[2].DeviceType);
        Assert.False(File.Exists(file + ".rejects.csv"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_later_export_with_other_columns_updates_known_tacs_and_adds_new_ones(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var first = Write("first.txt",
            "TAC|Marketing Name|Manufacturer|Brand Name|Model Name|Device Type",
            "35761300|Galaxy S3|Samsung|Samsung|GT-I9300|Smartphone",
            "35293600|Old name|HTC|HTC|One|Smartphone");
        Assert.Equal(0, (await Cli.RunAsync(db, "tac", "import", first)).ExitCode);

        // Another export: columns reordered, Device Type and Manufacturer absent, one new TAC.
        var second = Write("second.txt",
            "Model Name|Brand Name|Operating System|TAC|Standard Marketing Name",
            "GT-I9300|Samsung|Android|35761300|Galaxy S III",
            "M8|HTC|Android|35293600|One M8",
            "A1203|Apple|iOS|01326300|iPhone");
        var result = await Cli.RunAsync(db, "tac", "import", second);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("3 TACs loaded (1 new, 2 updated)", result.Out, StringComparison.Ordinal);
        var tacs = (await LoadAsync(db)).ToDictionary(t => t.Tac);
        Assert.Equal(3, tacs.Count);
        Assert.Equal("Galaxy S III", tacs[35_761_300].MarketingName);
        Assert.Equal("One M8", tacs[35_293_600].MarketingName);
        Assert.Equal("M8", tacs[35_293_600].Model);
        // The export no longer carries these columns: the TAC file is the source of truth for the row.
        Assert.Null(tacs[35_293_600].Manufacturer);
        Assert.Null(tacs[35_293_600].DeviceType);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Importing_the_same_file_twice_changes_nothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = Write("tacs.txt",
            "TAC|Marketing Name|Brand Name",
            "35761300|Galaxy S III|Samsung",
            "01326300|iPhone|Apple");

        await Cli.RunAsync(db, "tac", "import", file);
        var before = await LoadAsync(db);
        var again = await Cli.RunAsync(db, "tac", "import", file);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("(0 new, 2 updated)", again.Out, StringComparison.Ordinal);
        Assert.Equivalent(before, await LoadAsync(db), strict: true);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bad_lines_are_reported_with_line_number_and_reason_and_the_rest_is_loaded(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var lines = new List<string> { "TAC|Marketing Name|Brand Name" };
        for (var i = 0; i < 60; i++)
        {
            lines.Add($"{35_000_000 + i}|Model {i}|Brand");
        }

        lines.Insert(5, "3576130|Seven digits|Brand");    // line 6
        lines.Insert(10, "3576130X|Letter|Brand");        // line 11
        lines.Insert(20, "35000001|Twice|Brand");         // line 21, first given on line 3
        var file = Write("tacs.txt", [.. lines]);

        var result = await Cli.RunAsync(db, "tac", "import", file, "--max-bad-ratio", "0.1");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("line 6: the TAC '3576130' is not 8 digits", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 11: the TAC '3576130X' is not 8 digits", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 21: TAC 35000001 already given on line 3", result.Error, StringComparison.Ordinal);
        Assert.Contains("63 lines read, 60 TACs loaded (60 new, 0 updated), 3 bad", result.Out, StringComparison.Ordinal);
        Assert.Equal(60, (await LoadAsync(db)).Count);
        Assert.Equal("Model 1", (await LoadAsync(db)).Single(t => t.Tac == 35_000_001).MarketingName);

        var rejects = await File.ReadAllLinesAsync(file + ".rejects.csv");
        Assert.Equal("line,reason,row", rejects[0]);
        Assert.Equal(["6", "11", "21"], rejects.Skip(1).Select(r => r.Split(',')[0]));
        Assert.EndsWith(",3576130X|Letter|Brand", rejects[2], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_line_with_a_wrong_number_of_fields_is_refused_rather_than_read_shifted(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = Write("tacs.txt",
            "TAC|Marketing Name|Brand Name",
            "35761300|Galaxy|S III|Samsung",
            "01326300|iPhone|Apple|",
            "49015420||");

        var result = await Cli.RunAsync(db, "tac", "import", file, "--max-bad-ratio", "0.5");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("line 2: has 4 fields, the header has 3", result.Error, StringComparison.Ordinal);
        var tacs = await LoadAsync(db);
        Assert.Equal([1_326_300, 49_015_420], tacs.Select(t => t.Tac));
        Assert.Equal("Apple", tacs[0].Brand);
        Assert.Null(tacs[1].Brand);
        Assert.Null(tacs[1].MarketingName);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_with_too_many_bad_lines_is_rejected_whole_and_nothing_is_loaded(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var lines = new List<string> { "TAC|Marketing Name" };
        // More than a batch of good lines, so a partial load would be visible.
        lines.AddRange(Enumerable.Range(0, 1_200).Select(i => $"{35_000_000 + i}|Model {i}"));
        lines.AddRange(Enumerable.Range(0, 100).Select(i => $"bad{i}|Model"));
        var file = Write("tacs.txt", [.. lines]);

        var result = await Cli.RunAsync(db, "tac", "import", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("100 of 1300 lines are bad", result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was loaded", result.Error, StringComparison.Ordinal);
        Assert.Empty(await LoadAsync(db));
        Assert.Equal(101, (await File.ReadAllLinesAsync(file + ".rejects.csv")).Length);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_without_a_tac_column_is_rejected_naming_the_columns_it_has(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var file = Write("tacs.txt", "Type Allocation|Marketing Name", "35761300|Galaxy");

        var result = await Cli.RunAsync(db, "tac", "import", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no TAC column", result.Error, StringComparison.Ordinal);
        Assert.Contains("'Type Allocation'", result.Error, StringComparison.Ordinal);
        Assert.Empty(await LoadAsync(db));
    }

    [Fact]
    public async Task A_missing_file_is_an_error_naming_it()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var path = Path.Combine(folder.FullName, "nope.txt");

        var result = await Cli.RunAsync(db, "tac", "import", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no such file: {path}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_mistakes_exit_with_2_and_help_is_there()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        Assert.Equal(2, (await Cli.RunAsync(db, "tac", "import")).ExitCode);
        var help = await Cli.RunAsync(db, "tac", "import", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--max-bad-ratio", help.Out, StringComparison.Ordinal);
        Assert.Contains("GSMA", help.Out, StringComparison.Ordinal);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<List<TacModel>> LoadAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.Tacs.AsNoTracking().OrderBy(t => t.Tac).ToListAsync();
    }
}
