using DeviceRegistry.Cli;
using DeviceRegistry.Data;
using DeviceRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Sightings;

/// <summary>A clock fixed at one instant, so "today" is what the test says.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Attach-log files in a temporary folder, devreg ingest runs, and the store's complete contents.</summary>
internal sealed class IngestTestKit : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("devreg-ingest-");

    public string Write(string name, string content)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteLines(string name, IEnumerable<string> lines) => Write(name, string.Join("\n", lines) + "\n");

    public static async Task<CliResult> IngestAsync(TestDatabase db, IReadOnlyDictionary<string, string?>? extraSettings, params string[] args)
    {
        var settings = new Dictionary<string, string?>(db.Settings);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DevReg.RunAsync(["ingest", .. args], output, error, settings);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static Task<CliResult> IngestAsync(TestDatabase db, params string[] args) => IngestAsync(db, null, args);

    /// <summary>Every row of sightings, seen_imeis and operators, as text, in key order.</summary>
    public static async Task<StoreContents> ReadStoreAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var operators = await context.Operators.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
        var names = operators.ToDictionary(o => o.Id, o => o.Name);
        var sightings = (await context.Sightings.AsNoTracking().ToListAsync())
            .Select(s => $"{s.Imei:D14} {s.Imsi} {names[s.OperatorId]} {s.Month} mask={s.DayMask} {s.FirstSeen:yyyy-MM-dd}..{s.LastSeen:yyyy-MM-dd} msisdn={s.Msisdn ?? "-"}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var imeis = (await context.SeenImeis.AsNoTracking().ToListAsync())
            .Select(i => $"{i.Imei:D14} {i.FirstSeen:yyyy-MM-dd}..{i.LastSeen:yyyy-MM-dd} home={i.FirstHomeSeen?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}")
            .Order(StringComparer.Ordinal)
            .ToList();
        return new StoreContents(sightings, imeis, operators.Select(o => o.Name).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>One pair seen on 2026-01-31, 2026-02-01 and 2026-08-15: retention as of 2026-08-20 keeps February on.</summary>
    public string WriteRetentionYear() => WriteLines("year.csv",
    [
        "date,imei,imsi",
        "20260131,35761300444848,400011000000001",
        "20260201,35761300444848,400011000000001",
        "20260815,35761300444848,400011000000001",
    ]);

    /// <summary>Sightings retention with 6 months kept, as of <paramref name="asOf"/>.</summary>
    public static async Task<DeviceRegistry.Sightings.SightingsRetentionResult> ApplyRetentionAsync(TestDatabase db, DateOnly asOf)
    {
        await using var context = db.CreateContext();
        var handler = new DeviceRegistry.Sightings.ApplySightingsRetentionHandler(context, new DeviceRegistry.Sightings.SightingsSettings { RetentionMonths = 6 },
            new DeviceRegistry.Infrastructure.RegistryClock(TimeProvider.System, new DeviceRegistry.Infrastructure.RegistrySettings()));
        return await handler.Handle(new DeviceRegistry.Sightings.ApplySightingsRetention(asOf), CancellationToken.None);
    }

    /// <summary>The rejects file as (line, reason) pairs.</summary>
    public static List<(long Line, string Reason, string Raw)> ReadRejects(string inputPath)
    {
        var rows = new List<(long, string, string)>();
        foreach (var line in File.ReadLines(inputPath + ".rejects.csv").Skip(1))
        {
            var fields = SplitQuoted(line);
            rows.Add((long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), fields[1], fields[2]));
        }

        return rows;
    }

    public void Dispose()
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static List<string> SplitQuoted(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}

internal sealed record StoreContents(List<string> Sightings, List<string> Imeis, List<string> Operators)
{
    public void AssertSameAs(StoreContents other)
    {
        Assert.Equal(other.Sightings, Sightings);
        Assert.Equal(other.Imeis, Imeis);
        Assert.Equal(other.Operators, Operators);
    }
}
