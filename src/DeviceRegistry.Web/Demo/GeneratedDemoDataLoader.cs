using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Demo;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using DeviceRegistry.Sightings;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DeviceRegistry.Web.Demo;

/// <summary>
/// The demo data set a newcomer sees: the labelled attach logs of <c>devreg demo</c> (three operators,
/// clones, number changes, resales, roamers…) for the last <see cref="DemoOptions.Days"/> days, loaded
/// through the real ingest, clone detection as of yesterday, and most devices registered and paid the
/// way citizens do, so the public check shows every kind of answer. The same use cases as the CLI's.
/// </summary>
internal sealed class GeneratedDemoDataLoader(
    IMediator mediator,
    RegistryDbContext db,
    RegistrationSettings registration,
    Infrastructure.RegistryClock clock,
    IOptions<DemoOptions> options) : IDemoDataLoader
{
    /// <summary>
    /// Names and illustrative market prices for the TACs the generator uses, so the page shows brands and
    /// models and the duty follows the tariff brackets (demo figures, not the ministry's list).
    /// </summary>
    private static readonly (int Tac, string Brand, string Model, string Type, decimal PriceUsd)[] DemoTacs =
    [
        (35332510, "Samsung", "Galaxy A14", "Smartphone", 180m), (35891110, "Apple", "iPhone 12", "Smartphone", 550m),
        (35467211, "Samsung", "Galaxy S23", "Smartphone", 800m), (35290611, "Apple", "iPhone 13", "Smartphone", 650m),
        (86091504, "Xiaomi", "Redmi Note 12", "Smartphone", 200m), (86769604, "Xiaomi", "Redmi 12C", "Smartphone", 120m),
        (35205410, "Nokia", "105 4G", "Mobile Phone/Feature phone", 30m), (35941210, "Samsung", "Galaxy A54 5G", "Smartphone", 400m),
        (86420305, "Huawei", "nova 11", "Smartphone", 450m), (35670911, "Apple", "iPhone 14", "Smartphone", 800m),
        (35328209, "Samsung", "Galaxy A34 5G", "Smartphone", 330m), (86112305, "Honor", "X8a", "Smartphone", 220m),
        (35118110, "Motorola", "moto g54", "Smartphone", 210m), (35734412, "Google", "Pixel 7a", "Smartphone", 500m),
        (86473804, "Tecno", "Spark 10", "Smartphone", 140m), (35394510, "Apple", "iPhone 15", "Smartphone", 1100m),
    ];

    private const string DemoFolderPrefix = "devreg-demo-";

    public async Task<IReadOnlyList<DemoImei>> LoadAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var today = clock.Today();
        var data = DemoDataGenerator.Generate(settings.Seed, settings.Devices, settings.Days, today.AddDays(-settings.Days));
        var folder = Directory.CreateTempSubdirectory(DemoFolderPrefix);
        try
        {
            await AddTacsAsync(ct);
            var (attachLog, _) = DemoFiles.Write(data, folder.FullName);
            var ingest = await mediator.Send(new IngestFile(attachLog), ct);
            if (ingest.Outcome != IngestOutcome.Accepted)
            {
                throw new InvalidOperationException($"The demo attach log was not accepted: {ingest.Message}");
            }

            await mediator.Send(new DetectClones(today.AddDays(-1)), ct);
            await RegisterMostDevicesAsync(data, today, ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        return await FindLoadedAsync(ct);
    }

    /// <summary>One IMEI of each kind the database now holds; empty when no demo set was loaded.</summary>
    public async Task<IReadOnlyList<DemoImei>> FindLoadedAsync(CancellationToken ct)
    {
        // The ingest audit trail remembers the demo file by its temporary folder's name.
        if (!await db.IngestRuns.AnyAsync(r => r.Accepted && r.FileName.Contains(DemoFolderPrefix), ct))
        {
            return [];
        }

        var today = clock.Today();
        var windowOpenedAfter = today.AddDays(-registration.WindowDays);
        var clones = db.Set<CloneStatus>().Where(c => c.Status == CloneStatusValues.Clone).Select(c => c.Imei);
        var registered = db.Set<RegisteredImei>().Select(r => r.Imei);

        var clone = await db.Set<CloneStatus>().Where(c => c.Status == CloneStatusValues.Clone)
            .OrderByDescending(c => c.DistinctImsis).ThenBy(c => c.Imei).Select(c => (long?)c.Imei).FirstOrDefaultAsync(ct);
        var registeredImei = await db.Set<RegisteredImei>().Where(r => !clones.Contains(r.Imei))
            .OrderBy(r => r.Imei).Select(r => (long?)r.Imei).FirstOrDefaultAsync(ct);
        var inWindow = await db.SeenImeis
            .Where(s => s.FirstHomeSeen > windowOpenedAfter && !registered.Contains(s.Imei) && !clones.Contains(s.Imei))
            .OrderBy(s => s.Imei).Select(s => (long?)s.Imei).FirstOrDefaultAsync(ct);
        var windowOver = await db.SeenImeis
            .Where(s => s.FirstHomeSeen <= windowOpenedAfter && !registered.Contains(s.Imei) && !clones.Contains(s.Imei))
            .OrderBy(s => s.Imei).Select(s => (long?)s.Imei).FirstOrDefaultAsync(ct);
        var roaming = await db.SeenImeis.Where(s => s.FirstHomeSeen == null)
            .OrderBy(s => s.Imei).Select(s => (long?)s.Imei).FirstOrDefaultAsync(ct);

        var showcase = new List<DemoImei>();
        await AddAsync(showcase, clone, "clone", "a clone: copied to other devices", ct);
        await AddAsync(showcase, registeredImei, "registered", "a registered device", ct);
        await AddAsync(showcase, inWindow, "in_registration_window", "inside its registration window", ct);
        await AddAsync(showcase, windowOver, "blocked_unregistered", "blocked: not registered within the window", ct);
        await AddAsync(showcase, roaming, "roaming_only", "seen only with a foreign SIM", ct);
        return showcase;
    }

    private async Task AddAsync(List<DemoImei> showcase, long? key, string status, string shows, CancellationToken ct)
    {
        if (key is not { } k)
        {
            return;
        }

        var imei = new Imei(k);
        var model = await db.Tacs.Where(t => t.Tac == imei.Tac).Select(t => t.Brand + " " + t.Model).FirstOrDefaultAsync(ct);
        showcase.Add(new DemoImei(imei.WithCheckDigit, status, model is null ? shows : $"{shows} ({model})"));
    }

    private async Task AddTacsAsync(CancellationToken ct)
    {
        var known = await db.Tacs.Select(t => t.Tac).ToListAsync(ct);
        db.Tacs.AddRange(DemoTacs.Where(t => !known.Contains(t.Tac)).Select(t => new TacModel
        {
            Tac = t.Tac, Brand = t.Brand, Model = t.Model, MarketingName = t.Model, Manufacturer = t.Brand, DeviceType = t.Type,
        }));
        var priced = await db.Set<ModelPrice>().Select(p => p.Brand + "|" + p.Model).ToListAsync(ct);
        db.Set<ModelPrice>().AddRange(DemoTacs
            .Where(t => !priced.Contains(t.Brand + "|" + t.Model))
            .Select(t => new ModelPrice { Brand = t.Brand, Model = t.Model, PriceUsd = t.PriceUsd, BasicPhone = t.Type.Contains("Feature", StringComparison.Ordinal) }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Four in five honest devices whose window has closed were registered and paid within it; the rest,
    /// and every device still inside its window, are not, so the demo shows each status.
    /// </summary>
    private async Task RegisterMostDevicesAsync(DemoDataSet data, DateOnly today, CancellationToken ct)
    {
        var windowOpenedAfter = today.AddDays(-registration.WindowDays);
        var honest = data.Labels.Where(l => !l.IsClone).Select(l => l.Imei).ToHashSet();
        var candidates = await db.SeenImeis.AsNoTracking()
            .Where(s => s.FirstHomeSeen != null && s.FirstHomeSeen <= windowOpenedAfter)
            .Select(s => new { s.Imei, s.FirstHomeSeen })
            .ToListAsync(ct);
        foreach (var device in candidates.Where(c => honest.Contains(c.Imei) && c.Imei % 5 != 0).OrderBy(c => c.Imei))
        {
            await RegisterAndPayAsync(
                mediator, device.Imei, "AZE" + (device.Imei % 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
                "Demo Owner", "+994 50 000 00 00", device.FirstHomeSeen!.Value.AddDays((int)(device.Imei % 20)), ct);
        }
    }

    /// <summary>A post-office registration of one IMEI with its duty paid in full: how the demo's owners register.</summary>
    internal static async Task RegisterAndPayAsync(
        IMediator mediator, long imei, string document, string name, string contact, DateOnly registeredOn, CancellationToken ct)
    {
        var result = await mediator.Send(new RegisterDevice
        {
            Imeis = [new Imei(imei).WithCheckDigit],
            DocumentType = OwnerDocumentType.IdCard,
            DocumentNumber = document,
            OwnerName = name,
            OwnerContact = contact,
            Channel = RegistrationChannel.PostOffice,
            RegisteredOn = registeredOn,
        }, ct);
        if (result.PaymentReference is { } reference)
        {
            await mediator.Send(new ConfirmPayment(reference, result.DutyAzn), ct);
        }
    }
}
