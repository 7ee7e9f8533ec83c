using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Registrations;

/// <summary>Records what the enforcement hands to the SMS gateway; can fail on chosen calls.</summary>
public sealed class RecordingSmsSender : ISmsSender
{
    public List<OutgoingSms> Delivered { get; } = [];

    public int Calls { get; private set; }

    public Func<int, bool> FailOnCall { get; set; } = _ => false;

    public Task SendAsync(OutgoingSms message, CancellationToken ct)
    {
        Calls++;
        if (FailOnCall(Calls))
        {
            throw new IOException($"gateway down on call {Calls}");
        }

        Delivered.Add(message);
        return Task.CompletedTask;
    }
}

/// <summary>The registry's services on a test database, with a recording SMS sender.</summary>
public sealed class RegistrationFixture : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private RegistrationFixture(TestDatabase db, ServiceProvider services, RecordingSmsSender sms)
    {
        Db = db;
        this.services = services;
        Sms = sms;
    }

    public TestDatabase Db { get; }

    public RecordingSmsSender Sms { get; }

    public static async Task<RegistrationFixture> CreateAsync(DatabaseProvider provider, int batchSize = 500)
    {
        var db = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string?>(db.Settings) { ["Registration:EnforcementBatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var sms = new RecordingSmsSender();
        var collection = new ServiceCollection();
        collection.AddSingleton<ISmsSender>(sms);
        collection.AddDeviceRegistry(configuration);
        return new RegistrationFixture(db, collection.BuildServiceProvider(), sms);
    }

    public async Task<T> SendAsync<T>(IRequest<T> request, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }

    /// <summary>Records an IMEI as the sightings store would: first home sighting on <paramref name="firstHome"/>.</summary>
    public Task SeeAsync(string imei14, DateOnly firstHome, params (string Imsi, string? Msisdn)[] sims) => SeeAsync(Db, imei14, firstHome, sims);

    /// <summary>The same in any test database (Azercell's sightings).</summary>
    public static async Task SeeAsync(TestDatabase db, string imei14, DateOnly firstHome, params (string Imsi, string? Msisdn)[] sims)
    {
        await using var context = db.CreateContext();
        var op = context.Operators.FirstOrDefault(o => o.Name == "Azercell");
        if (op is null)
        {
            op = new Operator { Name = "Azercell", CreatedAt = DateTime.UtcNow };
            context.Add(op);
            await context.SaveChangesAsync();
        }

        var key = long.Parse(imei14, System.Globalization.CultureInfo.InvariantCulture);
        context.Add(new SeenImei { Imei = key, FirstSeen = firstHome, LastSeen = firstHome, FirstHomeSeen = firstHome });
        foreach (var (imsi, msisdn) in sims)
        {
            context.Add(new Sighting
            {
                Imei = key, Imsi = imsi, OperatorId = op.Id, Month = firstHome.Year * 100 + firstHome.Month,
                DayMask = 1 << (firstHome.Day - 1), FirstSeen = firstHome, LastSeen = firstHome, Msisdn = msisdn,
                MsisdnSeen = msisdn is null ? null : firstHome,
            });
        }

        await context.SaveChangesAsync();
    }

    public static RegisterDevice Individual(params string[] imeis) => new()
    {
        Imeis = imeis,
        DocumentType = OwnerDocumentType.IdCard,
        DocumentNumber = "AZE1234567",
        OwnerName = "Aysel Mammadova",
        OwnerContact = "+994 50 123 45 67",
        Channel = RegistrationChannel.PostOffice,
        RegisteredOn = new DateOnly(2024, 5, 1),
    };

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
