using DeviceRegistry.Appeals;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Registrations;
using DeviceRegistry.Tests.Web;
using MediatR;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Appeals;

/// <summary>
/// The appeal use cases over a real migrated database of one provider, with a movable clock, a recording SMS
/// sender and staff accounts: clerk (Baku 1), clerk2 (Ganja 2), reviewer, reviewer2, supervisor, supervisor2.
/// </summary>
internal sealed class AppealFixture : IAsyncDisposable
{
    public const string CloneImei = "35332510123456";      // key; WithCheckDigit below
    public const string GenuineImsi = "400011111111111";   // on the IMEI when it was flagged: allowed pair
    public const string ApplicantImsi = "400022222222222"; // the applicant's SIM, seen later with their number
    public const string OtherImsi = "400043333333333";     // the clone's user
    public const string ApplicantNumber = "994501112233";
    public const string OtherNumber = "994559998877";

    private readonly ServiceProvider services;

    private AppealFixture(TestDatabase db, ServiceProvider services, MovableClock clock, RecordingSmsSender sms)
    {
        Db = db;
        this.services = services;
        Clock = clock;
        Sms = sms;
    }

    public TestDatabase Db { get; }

    public MovableClock Clock { get; }

    public RecordingSmsSender Sms { get; }

    public Dictionary<string, StaffActor> Actors { get; } = new(StringComparer.Ordinal);

    public StaffActor Clerk => Actors["clerk"];

    public StaffActor Clerk2 => Actors["clerk2"];

    public StaffActor Reviewer => Actors["reviewer"];

    public StaffActor Reviewer2 => Actors["reviewer2"];

    public StaffActor Supervisor => Actors["supervisor"];

    public StaffActor Supervisor2 => Actors["supervisor2"];

    public static string Imei15 => WebTestData.WithCheckDigit(CloneImei);

    /// <summary>Default start: Tuesday 2026-12-01 09:00 in Baku.</summary>
    public static async Task<AppealFixture> CreateAsync(DatabaseProvider provider, DateTimeOffset? start = null)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        var clock = new MovableClock(start ?? new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero));
        var sms = new RecordingSmsSender();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddSingleton<ISmsSender>(sms);
        collection.AddLogging();
        collection.AddDeviceRegistry(configuration);
        var fixture = new AppealFixture(db, collection.BuildServiceProvider(), clock, sms);
        foreach (var (name, role, office) in new[]
                 {
                     ("clerk", StaffRoles.Clerk, "Baku 1"), ("clerk2", StaffRoles.Clerk, "Ganja 2"), ("reviewer", StaffRoles.Reviewer, null),
                     ("reviewer2", StaffRoles.Reviewer, null), ("supervisor", StaffRoles.Supervisor, null), ("supervisor2", StaffRoles.Supervisor, null),
                 })
        {
            await fixture.AddUserAsync(name, role, office);
        }

        return fixture;
    }

    public async Task AddUserAsync(string name, string role, string? office)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = name, Office = office, CreatedAt = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(user, "Correct-Horse-42-Battery")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        Actors[name] = new StaffActor(user.Id, name, [role], office);
    }

    public async Task<T> SendAsync<T>(IRequest<T> request)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
    }

    /// <summary>The clone IMEI: the genuine SIM allowed, the applicant's SIM and another SIM seen with their numbers.</summary>
    public async Task SeedCloneAsync(string imei = CloneImei)
    {
        await Db.AddCloneStatusAsync(imei, CloneStatusValues.Clone, GenuineImsi, GenuineImsi);
        await Db.AddSightingsAsync(imei, (GenuineImsi, "994507654321"), (ApplicantImsi, ApplicantNumber), (OtherImsi, OtherNumber));
    }

    public FileAppeal Filing(string? imei = null, StaffActor? actor = null) => new()
    {
        Actor = actor ?? Clerk,
        Imei = imei ?? Imei15,
        DocumentType = OwnerDocumentType.IdCard,
        DocumentNumber = "AZE1234567",
        ApplicantName = "Leyla Mammadova",
        ContactNumber = "050 111 22 33",
        Numbers = ["+994 50 111 22 33"],
        Reason = AppealReason.NumberChange,
        Language = "en",
    };

    public async Task<(string Tracking, int Version)> FileAndTakeAsync(StaffActor? reviewer = null)
    {
        var filed = await SendAsync(Filing());
        var version = await SendAsync(new AssignAppeal { Actor = reviewer ?? Reviewer, TrackingNumber = filed.TrackingNumber, Version = 0 });
        return (filed.TrackingNumber, version);
    }

    public RegistryDbContext Context() => Db.CreateContext();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
