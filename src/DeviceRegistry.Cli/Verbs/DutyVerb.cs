using System.CommandLine;
using System.Globalization;
using DeviceRegistry.Registrations;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace DeviceRegistry.Cli.Verbs;

internal sealed class DutyVerb : ICliVerb
{
    public Command Build(CliContext context)
    {
        var price = new Option<string?>("--price-usd")
        {
            Description = "The device's market price in USD (e.g. 350 or 349.99). Brackets include their upper edge: 100 is 'up to 100', 100.01 is '101-200'.",
        };
        var date = new Option<string?>("--date") { Description = "The registration date, YYYY-MM-DD (default: today in Baku)." };
        var basic = new Option<bool>("--basic-phone") { Description = "A phone without camera, video or internet (cheapest row up to USD 100)." };
        var unlisted = new Option<bool>("--unlisted-model") { Description = "The model is not on the ministry's price list ('not on the list' rate; no price needed)." };
        var command = new Command("duty", "Print the state duty in AZN that a registration on a date would be charged, and the tariff row it comes from.")
        {
            price, date, basic, unlisted,
        };
        command.SetAction(async (parse, ct) =>
        {
            var priceText = parse.GetValue(price);
            var priceUsd = priceText is null ? (decimal?)null : CliValues.ParseMoney("--price-usd", priceText);
            var on = CliValues.ParseDate("--date", parse.GetValue(date));
            if (priceUsd is null && !parse.GetValue(unlisted))
            {
                throw new CliUsageException("duty: --price-usd is required (unless --unlisted-model).");
            }

            await using var services = context.BuildServices();
            using var scope = services.CreateScope();
            var quote = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new QuoteDuty(priceUsd, on, parse.GetValue(basic), parse.GetValue(unlisted)), ct);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{quote.DutyAzn:0.00} AZN"));
            await context.Out.WriteLineAsync($"date {quote.Date:yyyy-MM-dd}: {quote.Describe()}");
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>Strict parsing of the option values the registration verbs share, with errors naming the option.</summary>
internal static class CliValues
{
    public static decimal ParseMoney(string option, string text)
    {
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new CliUsageException($"{option}: '{text}' is not an amount (digits with an optional '.' and cents, e.g. 349.99).");
        }

        return value;
    }

    public static DateOnly? ParseDate(string option, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new CliUsageException($"{option}: '{text}' is not a date as YYYY-MM-DD.");
    }
}
