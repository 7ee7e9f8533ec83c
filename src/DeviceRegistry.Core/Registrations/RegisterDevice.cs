using System.Security.Cryptography;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using FluentValidation;
using FluentValidation.Results;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>
/// Registers one physical device (one IMEI, or two and more for a multi-SIM phone: one duty) for an
/// owner. An individual's registration opens a duty invoice and takes effect when it is paid; an
/// importer's (customs paid) is exempt and effective at once. Registering a device that is already
/// registered to someone else is a transfer after a sale: the old registration is kept as history,
/// the new owner takes over all the device's IMEIs and pays nothing again.
/// </summary>
public sealed record RegisterDevice : IRequest<RegistrationResult>
{
    public required IReadOnlyList<string> Imeis { get; init; }

    public OwnerDocumentType DocumentType { get; init; }

    public required string DocumentNumber { get; init; }

    public required string OwnerName { get; init; }

    public required string OwnerContact { get; init; }

    public RegistrationChannel Channel { get; init; }

    /// <summary>The owner's declared price; recorded, the ministry's list price decides the duty.</summary>
    public decimal? DeclaredPriceUsd { get; init; }

    /// <summary>The brand and model when the TAC database does not know the TAC.</summary>
    public string? Brand { get; init; }

    public string? Model { get; init; }

    /// <summary>The customs declaration number; required for (and only for) importer bulk registrations.</summary>
    public string? CustomsDeclaration { get; init; }

    /// <summary>The registration date (default today); the tariff in force on it applies.</summary>
    public DateOnly? RegisteredOn { get; init; }
}

public sealed record RegistrationResult(
    long RegistrationId,
    RegistrationStatus Status,
    IReadOnlyList<Imei> Imeis,
    string? Brand,
    string? Model,
    PriceSource PriceSource,
    decimal? PriceUsd,
    DutyBasis DutyBasis,
    decimal DutyAzn,
    string? TariffDescription,
    string? PaymentReference,
    long? TransferredFromId,
    int BlocksLifted);

internal sealed class RegisterDeviceValidator : AbstractValidator<RegisterDevice>
{
    public const int MaxImeisPerDevice = 4;

    public RegisterDeviceValidator()
    {
        RuleFor(x => x.Imeis).NotEmpty().WithMessage("give at least one IMEI of the device")
            .Must(x => x.Count <= MaxImeisPerDevice).WithMessage($"a device has at most {MaxImeisPerDevice} IMEIs")
            .Must(x => x.Select(ParseKey).Where(k => k is not null).Distinct().Count() == x.Count(i => ParseKey(i) is not null))
            .WithMessage("the same IMEI is listed twice");
        RuleForEach(x => x.Imeis).Custom((text, ctx) =>
        {
            if (!Imei.TryParseFromPerson(text, out _, out var problem))
            {
                ctx.AddFailure($"'{text}': {Imei.Describe(problem)}");
            }
        });
        RuleFor(x => x.DocumentType).IsInEnum();
        RuleFor(x => x.DocumentNumber).NotEmpty().WithMessage("the owner's ID document number is required")
            .Matches("^[A-Za-z0-9]{4,40}$").WithMessage("an ID document number is 4 to 40 letters and digits");
        RuleFor(x => x.OwnerName).NotEmpty().WithMessage("the owner's name is required")
            .MaximumLength(200).WithMessage("the owner's name has at most 200 characters");
        RuleFor(x => x.OwnerContact).Must(c => Msisdn.TryNormalize(c, out _))
            .WithMessage("the contact number must be a phone number (5 to 15 digits, e.g. +994 50 123 45 67)");
        RuleFor(x => x.Channel).IsInEnum();
        RuleFor(x => x.CustomsDeclaration).NotEmpty().When(x => x.Channel == RegistrationChannel.ImporterBulk)
            .WithMessage("an importer's exempt registration needs the customs declaration number (customs duty and VAT paid)");
        RuleFor(x => x.CustomsDeclaration).Empty().When(x => x.Channel != RegistrationChannel.ImporterBulk)
            .WithMessage("only importer bulk registrations are exempt on a customs declaration; leave it out for an individual");
        RuleFor(x => x.CustomsDeclaration).MaximumLength(40);
        RuleFor(x => x.DocumentType).Equal(OwnerDocumentType.TaxId).When(x => x.Channel == RegistrationChannel.ImporterBulk)
            .WithMessage("an importer registers with its tax identification number (TaxId)");
        RuleFor(x => x.DeclaredPriceUsd!.Value).GreaterThan(0).OverridePropertyName("DeclaredPriceUsd")
            .When(x => x.DeclaredPriceUsd is not null).WithMessage("the price must be more than 0 USD");
        RuleFor(x => x.DeclaredPriceUsd!.Value).PrecisionScale(12, 2, ignoreTrailingZeros: true).OverridePropertyName("DeclaredPriceUsd")
            .When(x => x.DeclaredPriceUsd is not null).WithMessage("the price is in USD with at most 2 decimals");
        RuleFor(x => x.Brand).MaximumLength(100);
        RuleFor(x => x.Model).MaximumLength(200);
    }

    private static long? ParseKey(string text) => Imei.TryParseFromPerson(text, out var imei, out _) ? imei.Key : null;
}

internal sealed class RegisterDeviceHandler(RegistryDbContext db, Infrastructure.RegistryClock clock)
    : IRequestHandler<RegisterDevice, RegistrationResult>
{
    public async Task<RegistrationResult> Handle(RegisterDevice request, CancellationToken cancellationToken)
    {
        var today = clock.Today();
        var date = request.RegisteredOn ?? today;
        if (date > today)
        {
            throw Invalid(nameof(RegisterDevice.RegisteredOn), $"{date:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd})");
        }

        var imeis = request.Imeis.Select(text => Imei.TryParseFromPerson(text, out var imei, out _) ? imei : default).ToList();
        var documentNumber = request.DocumentNumber.Trim().ToUpperInvariant();
        Msisdn.TryNormalize(request.OwnerContact, out var contact);
        var now = clock.UtcNow.UtcDateTime;

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var keys = imeis.Select(i => i.Key).ToList();
        var live = await db.Set<RegisteredImei>().Where(r => keys.Contains(r.Imei)).ToListAsync(cancellationToken);
        Registration? previous = null;
        if (live.Count > 0)
        {
            previous = await CheckTransferAsync(request, documentNumber, imeis, live, cancellationToken);
            var previousImeis = await db.Set<RegistrationImei>().Where(r => r.RegistrationId == previous.Id)
                .Select(r => r.Imei).ToListAsync(cancellationToken);
            foreach (var key in previousImeis.Where(k => !keys.Contains(k)))
            {
                keys.Add(key);
                imeis.Add(new Imei(key));
            }
        }

        var tac = imeis[0].Tac;
        var tacModel = await db.Tacs.AsNoTracking().FirstOrDefaultAsync(t => t.Tac == tac, cancellationToken);
        var brand = Clean(tacModel?.Brand) ?? Clean(tacModel?.Manufacturer) ?? Clean(request.Brand);
        var model = Clean(tacModel?.Model) ?? Clean(tacModel?.MarketingName) ?? Clean(request.Model);
        var listed = await FindListPriceAsync(db, brand, model, cancellationToken);

        var registration = new Registration
        {
            Channel = request.Channel,
            Status = RegistrationStatus.AwaitingPayment,
            OwnerDocumentType = request.DocumentType,
            OwnerDocumentNumber = documentNumber,
            OwnerName = request.OwnerName.Trim(),
            OwnerContact = contact,
            Tac = tac,
            Brand = brand,
            Model = model,
            DeclaredPriceUsd = request.DeclaredPriceUsd,
            PriceUsd = listed?.PriceUsd,
            PriceSource = listed is null ? PriceSource.Unlisted : PriceSource.PriceList,
            BasicPhone = listed?.BasicPhone ?? false,
            CustomsDeclaration = Clean(request.CustomsDeclaration),
            RegisteredOn = date,
            TransferredFromId = previous?.Id,
            CreatedAt = now,
        };

        string? tariffDescription = null;
        if (previous is not null)
        {
            registration.DutyBasis = DutyBasis.Transfer;
        }
        else if (request.Channel == RegistrationChannel.ImporterBulk)
        {
            registration.DutyBasis = DutyBasis.ImporterExempt;
        }
        else
        {
            var tariff = await db.Set<DutyTariff>().AsNoTracking().ToListAsync(cancellationToken);
            var quote = DutyCalculator.Quote(tariff, date, listed?.PriceUsd, registration.BasicPhone, unlisted: listed is null);
            registration.DutyBasis = DutyBasis.Tariff;
            registration.DutyTariffId = quote.Row.Id;
            registration.DutyAzn = quote.DutyAzn;
            tariffDescription = quote.Describe();
        }

        db.Add(registration);
        if (previous is not null)
        {
            previous.Status = RegistrationStatus.Transferred;
            previous.EndedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);

        var liveByImei = live.ToDictionary(l => l.Imei);
        foreach (var key in keys)
        {
            db.Add(new RegistrationImei { RegistrationId = registration.Id, Imei = key });
            if (liveByImei.TryGetValue(key, out var row))
            {
                row.RegistrationId = registration.Id;
                row.Since = date;
            }
            else if (previous is not null && await db.Set<RegisteredImei>().FindAsync([key], cancellationToken) is { } carried)
            {
                carried.RegistrationId = registration.Id;
                carried.Since = date;
            }
            else
            {
                db.Add(new RegisteredImei { Imei = key, RegistrationId = registration.Id, Since = date });
            }
        }

        string? reference = null;
        var lifted = 0;
        if (registration.DutyBasis == DutyBasis.Tariff)
        {
            reference = await NewReferenceAsync(cancellationToken);
            db.Add(new DutyInvoice
            {
                RegistrationId = registration.Id,
                Reference = reference,
                AmountAzn = registration.DutyAzn,
                Status = InvoiceStatus.Open,
                IssuedAt = now,
            });
        }
        else
        {
            lifted = (await RegistrationEffects.MakeEffectiveAsync(db, registration, keys, now, "registration", cancellationToken)).Count;
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);

        return new RegistrationResult(registration.Id, registration.Status, imeis, brand, model, registration.PriceSource,
            registration.PriceUsd, registration.DutyBasis, registration.DutyAzn, tariffDescription, reference, previous?.Id, lifted);
    }

    internal static async Task<ModelPrice?> FindListPriceAsync(RegistryDbContext db, string? brand, string? model, CancellationToken ct)
    {
        if (brand is null || model is null)
        {
            return null;
        }

        var b = brand.ToUpperInvariant();
        var m = model.ToUpperInvariant();
#pragma warning disable CA1862 // EF translates ToUpper to SQL upper(); string.Equals with a comparison does not translate
        return await db.Set<ModelPrice>().AsNoTracking()
            .FirstOrDefaultAsync(p => p.Brand.ToUpper() == b && p.Model.ToUpper() == m, ct);
#pragma warning restore CA1862
    }

    private async Task<Registration> CheckTransferAsync(
        RegisterDevice request, string documentNumber, List<Imei> imeis, List<RegisteredImei> live, CancellationToken ct)
    {
        var ids = live.Select(l => l.RegistrationId).Distinct().ToList();
        if (ids.Count > 1)
        {
            throw Invalid(nameof(RegisterDevice.Imeis),
                $"the IMEIs belong to different registered devices (registrations {string.Join(", ", ids)}); register one device at a time");
        }

        var previous = await db.Set<Registration>().SingleAsync(r => r.Id == ids[0], ct);
        var registeredText = string.Join(", ", live.Select(l => new Imei(l.Imei).ToString()));
        if (previous.Status == RegistrationStatus.AwaitingPayment)
        {
            var reference = await db.Set<DutyInvoice>().Where(i => i.RegistrationId == previous.Id).Select(i => i.Reference).FirstOrDefaultAsync(ct);
            throw Invalid(nameof(RegisterDevice.Imeis),
                $"IMEI {registeredText} already has registration {previous.Id} awaiting payment (reference {reference}); pay that invoice");
        }

        if (previous.OwnerDocumentType == request.DocumentType && previous.OwnerDocumentNumber == documentNumber)
        {
            throw Invalid(nameof(RegisterDevice.Imeis),
                $"IMEI {registeredText} is already registered to this owner (registration {previous.Id} of {previous.RegisteredOn:yyyy-MM-dd})");
        }

        if (request.Channel == RegistrationChannel.ImporterBulk)
        {
            throw Invalid(nameof(RegisterDevice.Imeis),
                $"IMEI {registeredText} is already registered to an owner (registration {previous.Id}); an importer cannot register a device in use");
        }

        var unregistered = imeis.Where(i => live.All(l => l.Imei != i.Key)).ToList();
        if (unregistered.Count > 0)
        {
            throw Invalid(nameof(RegisterDevice.Imeis),
                $"IMEI {string.Join(", ", unregistered)} is not part of registered device {previous.Id} (IMEI {registeredText}); a transfer takes one whole device");
        }

        return previous;
    }

    private async Task<string> NewReferenceAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var digits = new char[11];
            digits[0] = (char)('1' + RandomNumberGenerator.GetInt32(9));
            for (var i = 1; i < digits.Length; i++)
            {
                digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
            }

            var body = new string(digits);
            var reference = body + Luhn.CheckDigit(body).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!await db.Set<DutyInvoice>().AnyAsync(i => i.Reference == reference, ct) || attempt > 5)
            {
                return reference;
            }
        }
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static ValidationException Invalid(string property, string message) => new([new ValidationFailure(property, message)]);
}
