using System.Diagnostics;
using System.Globalization;
using DeviceRegistry.Appeals;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The appeals queue as /backoffice/appeals asks it (GetAppealQueue through MediatR, 50 a page) over 10,000
/// appeals in mixed states and offices: the first page, a filtered page (one office's open appeals
/// assigned to nobody) and a deep page, median and p95 server time on SQLite and PostgreSQL.
/// </summary>
internal sealed class AppealQueueBenchmark : IBenchmark
{
    private static readonly string[] Offices = ["Baku 1", "Baku 2", "Baku 3", "Ganja 1", "Sumqayit 1", "Lankaran 1", "Shaki 1", "Mingachevir 1"];

    public string Name => "appeal-queue";

    public string Description => "times the appeals queue query over 10,000 appeals (--provider sqlite|postgres|both, --appeals N, --runs N)";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        var which = options.GetValueOrDefault("--provider", "both");
        var appeals = int.Parse(options.GetValueOrDefault("--appeals", "10000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(options.GetValueOrDefault("--runs", "200"), CultureInfo.InvariantCulture);
        Console.WriteLine("| provider | appeals | query | rows | median | p95 |");
        Console.WriteLine("|---|---|---|---|---|---|");
        if (which is "sqlite" or "both")
        {
            var folder = Directory.CreateTempSubdirectory("devreg-bench-appeals-").FullName;
            try
            {
                await MeasureAsync(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "registry.db")};Pooling=True", appeals, runs);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
            }
        }

        if (which is "postgres" or "both")
        {
            using var server = BenchPostgres.Start();
            await MeasureAsync(DatabaseProvider.Postgres, server.CreateDatabase("bench_appeals"), appeals, runs);
        }

        return 0;
    }

    private static async Task MeasureAsync(DatabaseProvider provider, string connection, int count, int runs)
    {
        var database = new RegistryDatabase(DatabaseOptions.For(provider, connection));
        await new SchemaMigrator(database).MigrateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Registry"] = connection,
            ["Eir:CredentialKey"] = "YmVuY2htYXJrIGNyZWRlbnRpYWwga2V5LCBub3QgYSBzZWNyZXQh",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddDeviceRegistry(configuration);
        await using var services = collection.BuildServiceProvider();
        var reviewer = await FillAsync(database, count);

        var queries = new (string Name, GetAppealQueue Query)[]
        {
            ("first page (open, oldest first)", new GetAppealQueue { Actor = reviewer, OpenOnly = true, PageSize = 50 }),
            ("filtered: one office, open, unassigned", new GetAppealQueue { Actor = reviewer, OpenOnly = true, Office = "Baku 2", Assignment = QueueAssignment.Unassigned, PageSize = 50 }),
            ("filtered: overdue only", new GetAppealQueue { Actor = reviewer, OverdueOnly = true, PageSize = 50 }),
            ("deep page (all statuses, page 150 of 200)", new GetAppealQueue { Actor = reviewer, PageSize = 50, Page = 150 }),
        };
        foreach (var (name, query) in queries)
        {
            var times = new List<double>(runs);
            var rows = 0;
            for (var i = 0; i < runs + 10; i++)
            {
                await using var scope = services.CreateAsyncScope();
                var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
                var watch = Stopwatch.StartNew();
                var page = await mediator.Send(query);
                watch.Stop();
                rows = page.Rows.Count;
                if (i >= 10)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {provider} | {count:N0} | {name} | {rows} | {times[times.Count / 2]:F2} ms | {times[(int)(times.Count * 0.95)]:F2} ms |"));
        }
    }

    /// <summary>Appeals over the last 90 days in mixed states and offices; a third of the open ones assigned.</summary>
    /// <remarks>Shared with <see cref="BackOfficePagesBenchmark"/>; the schema must exist. Returns a reviewer among the five it adds.</remarks>
    internal static async Task<StaffActor> FillAsync(RegistryDatabase database, int count)
    {
        await using var db = database.CreateContext();
        var reviewers = Enumerable.Range(1, 5).Select(i => new StaffUser
        {
            Id = $"reviewer-{i}", UserName = $"reviewer{i}", NormalizedUserName = $"REVIEWER{i}", CreatedAt = DateTime.UtcNow, SecurityStamp = "x",
        }).ToList();
        db.AddRange(reviewers);
        await db.SaveChangesAsync();

        var random = new Random(8);
        var now = DateTime.UtcNow;
        var statuses = Enum.GetValues<AppealStatus>();
        var settings = new AppealSettings();
        for (var start = 0; start < count; start += 1000)
        {
            db.ChangeTracker.Clear();
            for (var i = start; i < Math.Min(count, start + 1000); i++)
            {
                var filed = now.AddMinutes(-random.Next(90 * 24 * 60));
                var status = statuses[random.Next(statuses.Length)];
                db.Add(new Appeal
                {
                    TrackingNumber = TrackingNumber.New(), Imei = 35332510000000 + i, Status = status, Reason = AppealReason.NumberChange,
                    ApplicantDocumentType = OwnerDocumentType.IdCard, ApplicantDocumentNumber = "AZE" + i.ToString("D7", CultureInfo.InvariantCulture),
                    ApplicantName = "Applicant " + i, ApplicantContact = "99450" + i.ToString("D7", CultureInfo.InvariantCulture), Language = "az",
                    Office = Offices[random.Next(Offices.Length)], FiledById = "clerk", FiledAt = filed, DueOn = settings.DueOn(DateOnly.FromDateTime(filed)),
                    AssignedToId = status == AppealStatus.New || random.Next(3) > 0 ? null : reviewers[random.Next(reviewers.Count)].Id,
                    UpdatedAt = filed,
                });
            }

            await db.SaveChangesAsync();
        }

        return new StaffActor(reviewers[0].Id, reviewers[0].UserName!, [StaffRoles.Reviewer], null);
    }
}
