using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class RegisterVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var imeis = new Option<string[]>("--imei")
        {
            Description = "An IMEI of the device (15 digits with a valid check digit, or 14). Repeat for a dual-SIM phone: one device pays one duty.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var documentType = new Option<string>("--document-type") { Description = "The owner's ID document: IdCard, Passport, ResidencePermit, or TaxId (importers).", Required = true };
        var documentNumber = new Option<string>("--document-number") { Description = "The ID document's number (letters and digits).", Required = true };
        var name = new Option<string>("--name") { Description = "The owner's full name (or the importer's company name).", Required = true };
        var contact = new Option<string>("--contact") { Description = "The owner's contact phone number, e.g. +994501234567 or 0501234567.", Required = true };
        var channel = new Option<string>("--channel") { Description = "post-office (default), online, or importer (bulk, customs paid: exempt).", DefaultValueFactory = _ => "post-office" };
        var declared = new Option<string?>("--declared-price-usd") { Description = "The price the owner declares, recorded; the ministry's price list decides the duty (unlisted models pay the 'not on the list' rate)." };
        var brand = new Option<string?>("--brand") { Description = "Brand, when the TAC database does not know the IMEI's TAC." };
        var model = new Option<string?>("--model") { Description = "Model, when the TAC database does not know the IMEI's TAC." };
        var customs = new Option<string?>("--customs-declaration") { Description = "Customs declaration number (importer channel only; required there)." };
        var date = new Option<string?>("--date") { Description = "Registration date YYYY-MM-DD (default today); the tariff in force on it applies." };
        var command = new Command("register",
            "Register a device for an owner. Individuals get a duty invoice with a payment reference (effective once paid, see 'devreg pay'); " +
            "importers' customs-paid stock is exempt and effective at once; a device registered to someone else is transferred (sale) with its history kept.")
        {
            imeis, documentType, documentNumber, name, contact, channel, declared, brand, model, customs, date,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new RegisterDevice
            {
                Imeis = parse.GetValue(imeis) ?? [],
                DocumentType = ParseDocumentType(parse.GetValue(documentType)!),
                DocumentNumber = parse.GetValue(documentNumber)!,
                OwnerName = parse.GetValue(name)!,
                OwnerContact = parse.GetValue(contact)!,
                Channel = ParseChannel(parse.GetValue(channel)!),
                DeclaredPriceUsd = parse.GetValue(declared) is { } d ? CliValues.ParseMoney("--declared-price-usd", d) : null,
                Brand = parse.GetValue(brand),
                Model = parse.GetValue(model),
                CustomsDeclaration = parse.GetValue(customs),
                RegisteredOn = CliValues.ParseDate("--date", parse.GetValue(date)),
            };
            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
            var o = context.Out;
            await o.WriteLineAsync($"registration {result.RegistrationId}: {result.Status}");
            await o.WriteLineAsync($"IMEI: {string.Join(", ", result.Imeis)}");
            await o.WriteLineAsync($"device: {result.Brand ?? "unknown brand"} {result.Model ?? "unknown model"} (price: {(result.PriceSource == PriceSource.PriceList ? string.Create(CultureInfo.InvariantCulture, $"list price USD {result.PriceUsd:0.00}") : "model not on the price list")})");
            switch (result.DutyBasis)
            {
                case DutyBasis.Tariff:
                    await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"duty: {result.DutyAzn:0.00} AZN ({result.TariffDescription})"));
                    await o.WriteLineAsync($"payment reference: {result.PaymentReference}");
                    break;
                case DutyBasis.ImporterExempt:
                    await o.WriteLineAsync("duty: exempt (imported for sale, customs duty and VAT paid)");
                    break;
                default:
                    await o.WriteLineAsync($"duty: none (transferred from registration {result.TransferredFromId} after a sale)");
                    break;
            }

            if (result.BlocksLifted > 0)
            {
                await o.WriteLineAsync($"{result.BlocksLifted} block(s) lifted");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static FluentValidation.ValidationException Invalid(string field, string message) =>
        new([new FluentValidation.Results.ValidationFailure(field, message)]);

    private static OwnerDocumentType ParseDocumentType(string text) =>
        Enum.TryParse<OwnerDocumentType>(text.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var type) && Enum.IsDefined(type)
            ? type
            : throw Invalid("DocumentType", $"'{text}' is not one of IdCard, Passport, ResidencePermit, TaxId");

    private static RegistrationChannel ParseChannel(string text) => text.Trim().ToLowerInvariant() switch
    {
        "post-office" or "postoffice" => RegistrationChannel.PostOffice,
        "online" => RegistrationChannel.Online,
        "importer" or "importer-bulk" or "importerbulk" => RegistrationChannel.ImporterBulk,
        _ => throw Invalid("Channel", $"'{text}' is not one of post-office, online, importer"),
    };
}
