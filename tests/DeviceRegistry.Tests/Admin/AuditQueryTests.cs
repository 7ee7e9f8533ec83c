using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Eir;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Admin;

/// <summary>
/// GetAuditEntries on six hand-built entries around midnight in Baku (UTC+4), so a registry day differs from
/// a UTC day; expected ids worked out by hand.
/// </summary>
public sealed class AuditQueryTests
{
    private const long ImeiX = 35761300444848;
    private const long ImeiY = 49015420323751;
    private static readonly StaffActor Viewer = new("viewer-id", "viewer", [StaffRoles.Supervisor], null);

    private sealed class Host(TestDatabase db, ServiceProvider services) : IAsyncDisposable
    {
        public TestDatabase Db => db;

        public async Task<AuditEntriesPage> SendAsync(GetAuditEntries request)
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
        }

        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    /// <summary>
    /// id 1: 2026-12-01 19:30 UTC = 23:30 on 1 Dec in Baku; id 2: 20:30 UTC = 00:30 on 2 Dec in Baku;
    /// id 3: 2 Dec 14:00 Baku; ids 4, 5 on 3 Dec; id 6 on 4 Dec.
    /// </summary>
    private static async Task<Host> CreateAsync(DatabaseProvider provider)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(db.Settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:TimeZone"] = "Asia/Baku" }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(new FixedClock(new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero)));
        collection.AddLogging();
        collection.AddDeviceRegistry(configuration);
        await using (var context = db.CreateContext())
        {
            AuditEntry Entry(int day, int hour, int minute, string actor, string action, string subject, long? imei = null) => new()
            {
                At = new DateTime(2026, 12, day, hour, minute, 0, DateTimeKind.Utc), ActorId = actor + "-id", ActorName = actor,
                Action = action, Subject = subject, Imei = imei, Reason = actor == "carol" ? "a reason" : null,
            };

            foreach (var entry in new[]
                     {
                         Entry(1, 19, 30, "alice", AuditActions.AppealFiled, "appeal:AP-AAAA-0001", ImeiX),
                         Entry(1, 20, 30, "bob", AuditActions.EvidenceViewed, "imei:" + WebTestData.WithCheckDigit(ImeiX.ToString(System.Globalization.CultureInfo.InvariantCulture)), ImeiX),
                         Entry(2, 10, 0, "alice", AuditActions.AppealPaired, "appeal:AP-AAAA-0001", ImeiX),
                         Entry(3, 8, 0, "alice", AuditActions.UserAdded, "user:carol"),
                         Entry(3, 9, 0, "bob", AuditActions.AppealFiled, "appeal:AP-BBBB-0002", ImeiY),
                         Entry(4, 12, 0, "carol", AuditActions.AppealFiled, "appeal:AP-AAAA-0003"),
                     })
            {
                context.Add(entry);
                await context.SaveChangesAsync(); // one at a time: ids 1..6 in this order
            }
        }

        return new Host(db, collection.BuildServiceProvider());
    }

    private static string Keys(AuditEntriesPage page) =>
        string.Join(", ", page.Rows.Select(r => r.Id)) + " | next " + (page.NextBeforeId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null");

    private static async Task<long[]> IdsAsync(Host host, GetAuditEntries query) => (await host.SendAsync(query)).Rows.Select(r => r.Id).ToArray();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_filter_selects_the_entries_worked_out_by_hand_newest_first(DatabaseProvider provider)
    {
        await using var host = await CreateAsync(provider);
        var imeiX15 = WebTestData.WithCheckDigit(ImeiX.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(new long[] { 3, 2, 1 }, await IdsAsync(host, new() { Actor = Viewer, Imei = imeiX15 }));
        Assert.Equal(new long[] { 4, 3, 1 }, await IdsAsync(host, new() { Actor = Viewer, ActorName = "alice" }));
        Assert.Equal(new long[] { 6, 5, 1 }, await IdsAsync(host, new() { Actor = Viewer, Action = AuditActions.AppealFiled }));
        Assert.Equal(new long[] { 1 }, await IdsAsync(host, new() { Actor = Viewer, ActorName = "alice", Action = AuditActions.AppealFiled }));
        Assert.Equal(new long[] { 3, 1 }, await IdsAsync(host, new() { Actor = Viewer, Subject = "appeal:AP-AAAA-0001", SubjectExact = true }));
        Assert.Equal(new long[] { 6, 3, 1 }, await IdsAsync(host, new() { Actor = Viewer, Subject = "AP-AAAA" }));
        Assert.Empty(await IdsAsync(host, new() { Actor = Viewer, Subject = "AP-AAAA", SubjectExact = true }));

        // 2 December in Baku: 00:30 (id 2, still 1 December in UTC) and 14:00 (id 3); not 23:30 on the 1st (id 1).
        var day = new DateOnly(2026, 12, 2);
        Assert.Equal(new long[] { 3, 2 }, await IdsAsync(host, new() { Actor = Viewer, From = day, To = day }));
        Assert.Equal(new long[] { 6, 5, 4, 3, 2 }, await IdsAsync(host, new() { Actor = Viewer, From = day, To = new DateOnly(2026, 12, 4) }));
        Assert.Equal(new long[] { 1 }, await IdsAsync(host, new() { Actor = Viewer, To = new DateOnly(2026, 12, 1) }));

        var row = (await host.SendAsync(new() { Actor = Viewer, ActorName = "carol" })).Rows.Single();
        Assert.Equal((new DateTime(2026, 12, 4, 16, 0, 0), "a reason", (string?)null), (row.AtLocal, row.Reason, row.Imei));
        Assert.Equal(imeiX15, (await host.SendAsync(new() { Actor = Viewer, ActorName = "bob", Action = AuditActions.EvidenceViewed })).Rows.Single().Imei);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Keyset_pages_follow_each_other_without_gaps_or_repeats(DatabaseProvider provider)
    {
        await using var host = await CreateAsync(provider);

        var first = await host.SendAsync(new() { Actor = Viewer, Subject = "appeal:", PageSize = 2 });
        Assert.Equal("6, 5 | next 5", Keys(first));
        var second = await host.SendAsync(new() { Actor = Viewer, Subject = "appeal:", PageSize = 2, BeforeId = first.NextBeforeId });
        Assert.Equal("3, 1 | next null", Keys(second));

        // A page exactly as long as what is left says there is nothing more.
        var alice = await host.SendAsync(new() { Actor = Viewer, ActorName = "alice", PageSize = 3 });
        Assert.Equal("4, 3, 1 | next null", Keys(alice));

        // From the middle of the unfiltered log: ids below 5, three at a time.
        var middle = await host.SendAsync(new() { Actor = Viewer, BeforeId = 5, PageSize = 3 });
        Assert.Equal("4, 3, 2 | next 2", Keys(middle));
        var last = await host.SendAsync(new() { Actor = Viewer, BeforeId = 2, PageSize = 3 });
        Assert.Equal("1 | next null", Keys(last));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Each_read_is_audited_with_its_filters_after_the_page_it_shows(DatabaseProvider provider)
    {
        await using var host = await CreateAsync(provider);
        var imeiY15 = WebTestData.WithCheckDigit(ImeiY.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var page = await host.SendAsync(new() { Actor = Viewer, Imei = imeiY15, From = new DateOnly(2026, 12, 3) });
        Assert.Equal([5L], page.Rows.Select(r => r.Id).ToArray());

        await using var db = host.Db.CreateContext();
        var viewed = await db.Set<AuditEntry>().Where(a => a.Action == AuditActions.AuditViewed).SingleAsync();
        Assert.Equal((7L, "viewer", "viewer-id", "audit", (long?)ImeiY), (viewed.Id, viewed.ActorName, viewed.ActorId, viewed.Subject, viewed.Imei));
        Assert.Contains($"\"imei\":\"{imeiY15}\"", viewed.After, StringComparison.Ordinal);
        Assert.Contains("\"from\":\"2026-12-03\"", viewed.After, StringComparison.Ordinal);
        Assert.Contains("\"shown\":1", viewed.After, StringComparison.Ordinal);

        // The second read shows the first one's record, not its own.
        var next = await host.SendAsync(new() { Actor = Viewer, Action = AuditActions.AuditViewed });
        Assert.Equal([7L], next.Rows.Select(r => r.Id).ToArray());
        Assert.Equal(2, await db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.AuditViewed));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bad_filters_are_refused_and_a_refused_read_records_nothing(DatabaseProvider provider)
    {
        await using var host = await CreateAsync(provider);
        var badCheckDigit = ImeiX.ToString(System.Globalization.CultureInfo.InvariantCulture) + ((WebTestData.WithCheckDigit(ImeiX.ToString(System.Globalization.CultureInfo.InvariantCulture))[14] - '0' + 1) % 10);

        foreach (var query in new GetAuditEntries[]
                 {
                     new() { Actor = Viewer, Imei = "35761300444848" },
                     new() { Actor = Viewer, Imei = badCheckDigit },
                     new() { Actor = Viewer, Imei = "3576130044484x8" },
                     new() { Actor = Viewer, Action = "appeal.deleted" },
                     new() { Actor = Viewer, From = new DateOnly(2026, 12, 3), To = new DateOnly(2026, 12, 2) },
                     new() { Actor = Viewer, PageSize = GetAuditEntries.MaxPageSize + 1 },
                     new() { Actor = Viewer, BeforeId = 0 },
                 })
        {
            await Assert.ThrowsAsync<ValidationException>(() => host.SendAsync(query));
        }

        await using var db = host.Db.CreateContext();
        Assert.Equal(6, await db.Set<AuditEntry>().CountAsync());
    }
}
