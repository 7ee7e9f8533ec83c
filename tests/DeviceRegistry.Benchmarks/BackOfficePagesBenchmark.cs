using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// The back-office pages of the real web host (Release build, Production environment, a child process on a
/// loopback port) over HTTP: a reviewer signs in through the sign-in page, then sequential GETs of the evidence
/// view of an IMEI with 150 SIMs over six months (<see cref="EvidenceBenchmark.FillAsync"/>) and of the appeals
/// queue over 10,000 appeals (<see cref="AppealQueueBenchmark.FillAsync"/>): first page, a filtered page, a deep
/// page. Beside them the floor of the pipeline (/health/live; the sign-in page, which renders the layout and an
/// antiforgery token and queries nothing) and the same use cases sent through MediatR in this process against the same database (the slice alone).
/// Client-side latency on loopback bounds the server time from above. SQLite and a throwaway PostgreSQL.
/// Needs the Release web host: <c>dotnet build -c Release src/DeviceRegistry.Web</c>.
/// Usage: backoffice-pages [--provider sqlite|postgres|both] [--noise N] [--appeals N] [--requests N] [--warmup N]
/// </summary>
internal sealed partial class BackOfficePagesBenchmark : IBenchmark
{
    private const string ReviewerName = "bench.reviewer";
    private const string ReviewerPassword = "BenchReviewer2026pass";

    public string Name => "backoffice-pages";

    public string Description => "evidence view and appeals queue pages over HTTP on the real host, signed in (--noise 200000 --appeals 10000 --requests 100)";

    public async Task<int> RunAsync(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        var which = options.GetValueOrDefault("--provider", "both");
        var noise = int.Parse(options.GetValueOrDefault("--noise", "200000"), CultureInfo.InvariantCulture);
        var appeals = int.Parse(options.GetValueOrDefault("--appeals", "10000"), CultureInfo.InvariantCulture);
        var requests = int.Parse(options.GetValueOrDefault("--requests", "100"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(options.GetValueOrDefault("--warmup", "10"), CultureInfo.InvariantCulture);

        var root = EirHttpBenchmark.RepositoryRoot();
        var webDll = Path.Combine(root, "src/DeviceRegistry.Web/bin/Release/net10.0/DeviceRegistry.Web.dll");
        if (!File.Exists(webDll))
        {
            Console.Error.WriteLine($"backoffice-pages: {webDll} is missing; build it first: dotnet build -c Release src/DeviceRegistry.Web");
            return 2;
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{warmup} warm-up then {requests} sequential GETs per row, one keep-alive connection; latency measured by the client (request sent to body read).");
        report.AppendLine();
        report.AppendLine("| provider | request | status | bytes | median ms | p95 ms | server CPU ms/request | use case alone: median ms | p95 ms |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");

        if (which is "both" or "sqlite")
        {
            var folder = Directory.CreateTempSubdirectory("devreg-bench-pages-").FullName;
            try
            {
                var cs = $"Data Source={Path.Combine(folder, "registry.db")}";
                await MeasureAsync(report, "SQLite", DatabaseProvider.Sqlite, cs, webDll, folder, noise, appeals, requests, warmup);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
            }
        }

        if (which is "both" or "postgres")
        {
            var folder = Directory.CreateTempSubdirectory("devreg-bench-pages-").FullName;
            try
            {
                using var postgres = BenchPostgres.Start();
                var cs = postgres.CreateDatabase("bench_pages");
                await MeasureAsync(report, "PostgreSQL", DatabaseProvider.Postgres, cs, webDll, folder, noise, appeals, requests, warmup);
                NpgsqlConnection.ClearAllPools();
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Console.WriteLine(report);
        return 0;
    }

    private sealed record Timing(int Status, long Bytes, double Median, double P95, double CpuMs);

    private static async Task MeasureAsync(StringBuilder report, string label, DatabaseProvider provider, string connectionString,
        string webDll, string folder, int noise, int appeals, int requests, int warmup)
    {
        var database = new RegistryDatabase(DatabaseOptions.For(provider, connectionString));
        await new SchemaMigrator(database).MigrateAsync();
        var seed = Stopwatch.StartNew();
        var actor = await AppealQueueBenchmark.FillAsync(database, appeals);
        var rows = await EvidenceBenchmark.FillAsync(database, noise);
        Console.Error.WriteLine($"{label}: {appeals:N0} appeals and {rows:N0} sighting rows in {seed.Elapsed.TotalSeconds:0.0} s");

        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Registry"] = connectionString,
            ["Eir:CredentialKey"] = "YmVuY2htYXJrIGNyZWRlbnRpYWwga2V5LCBub3QgYSBzZWNyZXQh",
        };
        await EirHttpBenchmark.DevRegAsync(["user", "add", ReviewerName, "--role", StaffRoles.Reviewer, "--password", ReviewerPassword], settings);

        var imei = new Imei(EvidenceBenchmark.Key).WithCheckDigit;
        var pages = new (string Name, string Path, Func<string, bool> Check, Func<IMediator, Task>? Slice)[]
        {
            ("GET /health/live (floor)", "/health/live", _ => true, null),
            ("GET sign-in page (floor: layout + antiforgery, cookie read, no query)", "/backoffice/account/signin", b => b.Contains("__RequestVerificationToken", StringComparison.Ordinal), null),
            ($"GET /backoffice/evidence/{imei}", $"/backoffice/evidence/{imei}",
                b => b.Contains("400021000000149", StringComparison.Ordinal), m => m.Send(new GetImeiEvidence(imei, actor))),
            ("GET /backoffice/appeals (first page, open)", "/backoffice/appeals", _ => true,
                m => m.Send(new GetAppealQueue { Actor = actor, OpenOnly = true, PageSize = 50 })),
            ("GET /backoffice/appeals?office=Baku 2&assigned=Unassigned", "/backoffice/appeals?office=Baku%202&assigned=Unassigned", _ => true,
                m => m.Send(new GetAppealQueue { Actor = actor, OpenOnly = true, Office = "Baku 2", Assignment = QueueAssignment.Unassigned, PageSize = 50 })),
            ("GET /backoffice/appeals?status=all&p=150 (deep page)", "/backoffice/appeals?status=all&p=150", _ => true,
                m => m.Send(new GetAppealQueue { Actor = actor, PageSize = 50, Page = 150 })),
        };

        var port = EirHttpBenchmark.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Database__Provider"] = provider.ToString(),
            ["ConnectionStrings__Registry"] = connectionString,
            ["Staff__RequireTwoFactor"] = "false",
            ["Demo__LoadOnEmptyDatabase"] = "false",
            ["Jobs__Enabled"] = "false",
        };
        var web = EirHttpBenchmark.Start("dotnet", $"\"{webDll}\"", folder, environment);
        var httpTimings = new List<Timing>();
        try
        {
            await EirHttpBenchmark.WaitReadyAsync(port, TimeSpan.FromSeconds(300));
            using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
            using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await SignInAsync(client);
            foreach (var page in pages)
            {
                var t = await TimeHttpAsync(client, web, page.Path, page.Check, warmup, requests);
                httpTimings.Add(t);
                Console.Error.WriteLine($"{label} {page.Name}: {t.Status}, {t.Bytes:N0} bytes, median {t.Median:0.00} ms, p95 {t.P95:0.00} ms");
            }
        }
        finally
        {
            if (!web.HasExited)
            {
                EirHttpBenchmark.StopGracefully(web);
            }

            EirHttpBenchmark.Kill(web);
        }

        // The slices alone, the host stopped: the same requests through MediatR, a scope each, in this process.
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddDeviceRegistry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var services = collection.BuildServiceProvider();
        for (var i = 0; i < pages.Length; i++)
        {
            var (median, p95) = pages[i].Slice is { } slice ? await TimeSliceAsync(services, slice, warmup, requests) : (double.NaN, double.NaN);
            var t = httpTimings[i];
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {label} | {pages[i].Name} | {t.Status} | {t.Bytes:N0} | **{t.Median:0.00}** | {t.P95:0.00} | {t.CpuMs:0.00} | {Ms(median)} | {Ms(p95)} |");
        }
    }

    private static string Ms(double value) => double.IsNaN(value) ? "" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static async Task<(double Median, double P95)> TimeSliceAsync(IServiceProvider services, Func<IMediator, Task> send, int warmup, int requests)
    {
        var times = new List<double>(requests);
        for (var i = -warmup; i < requests; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var watch = Stopwatch.StartNew();
            await send(mediator);
            watch.Stop();
            if (i >= 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return (Quantile(times, 0.5), Quantile(times, 0.95));
    }

    /// <summary>Through the real sign-in form: the antiforgery token from the page, then the POST and its redirect.</summary>
    private static async Task SignInAsync(HttpClient client)
    {
        var form = await client.GetStringAsync(new Uri("/backoffice/account/signin", UriKind.Relative));
        var token = TokenPattern().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("no __RequestVerificationToken on the sign-in page");
        }

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["UserName"] = ReviewerName,
            ["Password"] = ReviewerPassword,
            ["ReturnUrl"] = "/backoffice",
        });
        using var response = await client.PostAsync(new Uri("/backoffice/account/signin", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/backoffice")
        {
            throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode} to {response.Headers.Location}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<Timing> TimeHttpAsync(HttpClient client, Process web, string path, Func<string, bool> check, int warmup, int requests)
    {
        var uri = new Uri(path, UriKind.Relative);
        var times = new List<double>(requests);
        var status = 0;
        long bytes = 0;
        var cpu = TimeSpan.Zero;
        for (var i = -warmup; i < requests; i++)
        {
            if (i == 0)
            {
                web.Refresh();
                cpu = web.TotalProcessorTime;
            }

            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(uri);
            var body = await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            status = (int)response.StatusCode;
            bytes = body.Length;
            if (response.StatusCode != HttpStatusCode.OK || (i == -warmup && !check(Encoding.UTF8.GetString(body))))
            {
                throw new InvalidOperationException($"GET {path} answered {status} ({response.Headers.Location}) or not the expected page: {Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 400)]}");
            }

            if (i >= 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        web.Refresh();
        var cpuMs = (web.TotalProcessorTime - cpu).TotalMilliseconds / requests;
        return new Timing(status, bytes, Quantile(times, 0.5), Quantile(times, 0.95), cpuMs);
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
