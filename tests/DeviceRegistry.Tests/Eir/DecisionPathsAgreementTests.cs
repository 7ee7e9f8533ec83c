using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Devices;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Tests.Eir;

/// <summary>
/// Every combination of the facts that decide an attach check, written into a real database: the EIR
/// index (loaded at start, and updated one IMEI at a time as the change log does) and the database
/// status query behind <c>devreg check</c> must give the same answer for each device and SIM.
/// </summary>
public sealed class DecisionPathsAgreementTests
{
    private static readonly DateOnly Today = new(2026, 6, 15);
    private const string AllowedHomeSim = "400011000000001";
    private const string OtherHomeSim = "400021000000002";
    private const string AllowedForeignSim = "250011000000003";
    private const string OtherForeignSim = "250011000000004";
    private static readonly string?[] Sims = [null, AllowedHomeSim, OtherHomeSim, AllowedForeignSim, OtherForeignSim];

    private enum Registration
    {
        None,
        AwaitingPayment,
        Effective,
    }

    private enum Window
    {
        NeverSeen,
        SeenOnlyRoaming,
        Inside,
        LastDay,
        Over,
    }

    private enum Kind
    {
        KnownTac,
        UnknownTac,
        Junk,
    }

    private sealed record Device(long Key, Registration Registration, bool Stolen, bool NoRegistrationBlock, bool IsClone, Window Window, Kind Kind);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_index_and_the_database_query_decide_every_device_state_alike(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var devices = Devices().ToList();
        await WriteAsync(db, devices);

        // The defaults, and a policy that makes the unknown-TAC, roaming, junk and unseen rules answer otherwise.
        var policies = new[]
        {
            new Dictionary<string, string?>(),
            new Dictionary<string, string?>
            {
                ["Eir:UnknownTac"] = "Blacklisted", ["Eir:Roaming"] = "Greylisted", ["Eir:InvalidImei"] = "Evaluate",
                ["Eir:NeverSeen"] = "Greylisted", ["Eir:CloneWithoutSupi"] = "Whitelisted",
            },
        };
        var compared = 0;
        var reasons = new HashSet<EirReason>();
        foreach (var policy in policies)
        {
            var settings = new Dictionary<string, string?>(db.Settings);
            foreach (var (key, value) in policy)
            {
                settings[key] = value;
            }

            await using var services = Services(settings);
            services.ValidateSettings();
            var loader = services.GetRequiredService<EirIndexLoader>();
            var decider = services.GetRequiredService<AttachDecider>();
            var homeNetworks = services.GetRequiredService<DeviceRegistry.Identifiers.HomeNetworks>();

            var loaded = new EirIndex();
            loaded.Load((await loader.LoadAllAsync(CancellationToken.None)).Snapshot);
            var followed = new EirIndex();
            followed.Load(new EirIndex.IndexSnapshot(0) { KnownTacs = await loader.ReadKnownTacsAsync(CancellationToken.None) });
            foreach (var data in await loader.ReadImeisAsync(devices.Select(d => d.Key).ToList(), CancellationToken.None))
            {
                followed.Set(data.Imei, data.State, data.AllowedImsis);
            }

            foreach (var device in devices)
            {
                foreach (var sim in Sims)
                {
                    var query = new EirQuery(device.Key, sim, null);
                    var fromIndex = loaded.Decide(query, decider, homeNetworks, Today);
                    var fromLog = followed.Decide(query, decider, homeNetworks, Today);
                    await using var scope = services.CreateAsyncScope();
                    var status = await scope.ServiceProvider.GetRequiredService<IMediator>()
                        .Send(new GetImeiStatus(device.Key.ToString("D14", System.Globalization.CultureInfo.InvariantCulture), sim, Today) { FromNetwork = true });

                    var what = $"{device} with SIM {sim ?? "none"}, policy {string.Join(",", policy.Values)}";
                    Assert.True(fromIndex.Status == status.Decision && fromIndex.Reason == status.Reason,
                        $"{what}: index {fromIndex.Status}/{fromIndex.Reason}, database {status.Decision}/{status.Reason}");
                    Assert.Equal(fromIndex, fromLog);
                    reasons.Add(fromIndex.Reason);
                    compared++;
                }
            }
        }

        Assert.Equal(2 * devices.Count * Sims.Length, compared);
        // The generated states reach every rule of the decision, so the agreement covers each one.
        Assert.Equal(Enum.GetValues<EirReason>().ToHashSet(), reasons);
    }

    private static ServiceProvider Services(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDeviceRegistry(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Each combination once: 3 registrations x stolen x blocked x clone x 5 windows x 3 kinds of number = 360 devices.</summary>
    private static IEnumerable<Device> Devices()
    {
        var serial = 0;
        foreach (var registration in Enum.GetValues<Registration>())
        {
            foreach (var stolen in new[] { false, true })
            {
                foreach (var blocked in new[] { false, true })
                {
                    foreach (var clone in new[] { false, true })
                    {
                        foreach (var window in Enum.GetValues<Window>())
                        {
                            foreach (var kind in Enum.GetValues<Kind>())
                            {
                                serial++;
                                // TAC 35332510 is in the TAC table, 86000000 is not; TAC 00000000 is a junk pattern.
                                long tac = kind switch
                                {
                                    Kind.KnownTac => 35332510,
                                    Kind.UnknownTac => 86000000,
                                    _ => 0,
                                };
                                yield return new Device((tac * 1_000_000) + serial, registration, stolen, blocked, clone, window, kind);
                            }
                        }
                    }
                }
            }
        }
    }

    private static async Task WriteAsync(TestDatabase db, IReadOnlyList<Device> devices)
    {
        await using var context = db.CreateContext();
        context.Tacs.Add(new TacModel { Tac = 35332510, Brand = "Samsung", Model = "Galaxy A14" });
        var now = DateTime.UtcNow;
        foreach (var d in devices)
        {
            DateOnly? windowStart = d.Window switch
            {
                Window.Inside => Today.AddDays(-5),
                Window.LastDay => Today.AddDays(-29),
                Window.Over => Today.AddDays(-30),
                _ => null,
            };
            if (d.Window != Window.NeverSeen)
            {
                context.SeenImeis.Add(new SeenImei { Imei = d.Key, FirstSeen = Today.AddDays(-60), LastSeen = Today, FirstHomeSeen = windowStart });
            }

            if (d.Registration != Registration.None)
            {
                var registration = new DeviceRegistry.Registrations.Registration
                {
                    Channel = RegistrationChannel.PostOffice,
                    Status = d.Registration == Registration.Effective ? RegistrationStatus.Effective : RegistrationStatus.AwaitingPayment,
                    OwnerDocumentType = OwnerDocumentType.IdCard, OwnerDocumentNumber = "AZE1234567", OwnerName = "Test Owner",
                    OwnerContact = "994501234567", Tac = (int)(d.Key / 1_000_000), RegisteredOn = Today.AddDays(-3),
                    PriceSource = PriceSource.Unlisted, DutyBasis = DutyBasis.Tariff, DutyAzn = 15m, CreatedAt = now,
                };
                context.Add(registration);
                await context.SaveChangesAsync();
                context.Add(new RegisteredImei { Imei = d.Key, RegistrationId = registration.Id, Since = Today.AddDays(-3) });
            }

            if (d.Stolen)
            {
                context.Add(new ImeiBlock { Imei = d.Key, Reason = BlockReason.Stolen, BlockedOn = Today.AddDays(-2), CreatedAt = now });
            }

            if (d.NoRegistrationBlock)
            {
                context.Add(new ImeiBlock { Imei = d.Key, Reason = BlockReason.NoRegistration, BlockedOn = Today.AddDays(-1), CreatedAt = now });
            }

            if (d.IsClone)
            {
                context.Add(new CloneStatus
                {
                    Imei = d.Key, Status = CloneStatusValues.Clone, Since = Today.AddDays(-4), Rule = "test", FirstSeen = Today.AddDays(-60),
                    LastSeen = Today, AsOf = Today.AddDays(-4), UpdatedAt = now,
                });
                context.Add(new CloneAllowedPair { Imei = d.Key, Imsi = AllowedHomeSim, Since = Today.AddDays(-4) });
                context.Add(new CloneAllowedPair { Imei = d.Key, Imsi = AllowedForeignSim, Since = Today.AddDays(-4) });
            }
        }

        await context.SaveChangesAsync();
    }
}
