using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;
using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using MediatR;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Web.Eir;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DeviceRegistry.Tests.Eir;

/// <summary>A clock fixed at one instant (timers stay real), so window arithmetic has known answers.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// The EIR served the way the web host will serve it (AddDeviceRegistry + AddEir + MapEir) on a
/// TestServer over a real database, with an operator created by <c>devreg operator add</c>.
/// </summary>
public sealed class EirTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 5, 20, 10, 30, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private EirTestHost(WebApplication app, string secret, int operatorId)
    {
        App = app;
        Secret = secret;
        OperatorId = operatorId;
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public string Secret { get; }

    public int OperatorId { get; }

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<EirTestHost> StartAsync(TestDatabase db, IReadOnlyDictionary<string, string?>? extraSettings = null, string operatorName = "Azercell")
    {
        var cli = await Infrastructure.Cli.RunAsync(db, "operator", "add", operatorName);
        Assert.True(cli.ExitCode == 0, cli.Error);
        var secret = cli.Out.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Trim();

        var settings = new Dictionary<string, string?>(db.Settings)
        {
            ["Eir:PollIntervalMilliseconds"] = "50",
            ["Eir:SightingFlushMilliseconds"] = "20",
            ["Eir:ChangeLogGapSeconds"] = "1",

            // As in RegistryWebFactory: the test process's shared thread pool is not the host's load.
            ["Eir:ThreadPoolShedDelayMilliseconds"] = "0",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        builder.Services.AddDeviceRegistry(builder.Configuration);
        builder.Services.AddEir(builder.Configuration);
        var app = builder.Build();
        app.UseEirPipeline();
        await app.StartAsync();
        await app.Services.GetRequiredService<EirIndex>().WhenLoaded.WaitAsync(TimeSpan.FromSeconds(30));

        await using var context = db.CreateContext();
        var operatorId = context.Operators.Single(o => o.Name == operatorName).Id;
        return new EirTestHost(app, secret, operatorId);
    }

    public Task<HttpResponseMessage> CheckAsync(string pei, string? supi = null, string? gpsi = null)
    {
        var query = new List<string>();
        if (pei is not null)
        {
            query.Add("pei=" + Uri.EscapeDataString(pei));
        }

        if (supi is not null)
        {
            query.Add("supi=" + Uri.EscapeDataString(supi));
        }

        if (gpsi is not null)
        {
            query.Add("gpsi=" + Uri.EscapeDataString(gpsi));
        }

        return Client.GetAsync("/n5g-eir-eic/v1/equipment-status?" + string.Join('&', query));
    }

    public async Task<HealthReportEntry> HealthAsync()
    {
        var report = await Get<HealthCheckService>().CheckHealthAsync(r => r.Name == EirIndexHealthCheck.Name);
        return report.Entries[EirIndexHealthCheck.Name];
    }

    private bool stopped;

    /// <summary>A clean shutdown, as the host does on SIGTERM.</summary>
    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Seeding with plain SQL through a connection of its own (as another process would write).</summary>
public static class Sql
{
    public static async Task ExecAsync(RegistryDatabase database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<List<object?[]>> QueryAsync(RegistryDatabase database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static object Date(TestDatabase db, DateOnly date) =>
        db.Provider == DatabaseProvider.Sqlite ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date;

    public static string Text(object? value) => value switch
    {
        null => "null",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    public static Task SeenAsync(TestDatabase db, long imei, DateOnly firstSeen, DateOnly? firstHomeSeen) =>
        ExecAsync(db.Database, "INSERT INTO seen_imeis (imei, first_seen, last_seen, first_home_seen) VALUES (@i, @f, @f, @h)",
            ("@i", imei), ("@f", Date(db, firstSeen)), ("@h", firstHomeSeen is { } h ? Date(db, h) : null));

    /// <summary>
    /// Gives the IMEI a registration and/or a stolen block through the real use cases (register, pay,
    /// report stolen), exactly as the CLI or the back office would.
    /// </summary>
    public static async Task DeviceStatusAsync(TestDatabase db, long imei, bool registered, bool blocked)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedClock(EirTestHost.Now));
        services.AddDeviceRegistry(new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var text = new Imei(imei).WithCheckDigit;
        if (registered)
        {
            var registration = await mediator.Send(new RegisterDevice
            {
                Imeis = [text],
                DocumentType = OwnerDocumentType.IdCard,
                DocumentNumber = "AA" + (imei % 10_000_000).ToString("D7", CultureInfo.InvariantCulture),
                OwnerName = "Test Owner",
                OwnerContact = "994501234567",
            });
            if (registration.PaymentReference is { } reference)
            {
                await mediator.Send(new ConfirmPayment(reference, registration.DutyAzn));
            }
        }

        if (blocked)
        {
            await mediator.Send(new DeviceRegistry.Stolen.ReportStolen([text], "TEST-" + text, "test", DeviceRegistry.Staff.StaffActor.Console("test")));
        }
    }

    public static async Task CloneAsync(TestDatabase db, long imei, params string[] allowedImsis)
    {
        var since = Date(db, new DateOnly(2026, 5, 1));
        var now = db.Provider == DatabaseProvider.Sqlite ? (object)"2026-05-01 00:00:00" : new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        await ExecAsync(db.Database, """
            INSERT INTO clone_statuses (imei, status, since, rule, distinct_imsis, days_seen, overlap_days, overlap_share, concurrent_days, max_daily_imsis, first_seen, last_seen, genuine_imsi, as_of, updated_at)
            VALUES (@i, 'Clone', @s, 'test', 12, 20, 10, 0.5, 10, 3, @s, @s, NULL, @s, @u)
            """, ("@i", imei), ("@s", since), ("@u", now));
        foreach (var imsi in allowedImsis)
        {
            await ExecAsync(db.Database, "INSERT INTO clone_allowed_pairs (imei, imsi, since) VALUES (@i, @m, @s)", ("@i", imei), ("@m", imsi), ("@s", since));
        }
    }

    public static Task ChangeAsync(TestDatabase db, long imei, string source) =>
        ExecAsync(db.Database, "INSERT INTO imei_changes (imei, source, changed_at) VALUES (@i, @s, @c)",
            ("@i", imei), ("@s", source),
            ("@c", db.Provider == DatabaseProvider.Sqlite ? "2026-05-20 10:30:00" : new DateTime(2026, 5, 20, 10, 30, 0, DateTimeKind.Utc)));
}
