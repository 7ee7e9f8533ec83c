namespace DeviceRegistry.Registrations;

/// <summary>A duty the tariff gives, with the row it came from.</summary>
public sealed record DutyQuote(decimal DutyAzn, DutyTariff Row, DateOnly Date)
{
    public string Describe()
    {
        var bracket = Row.Kind switch
        {
            TariffKinds.Unlisted => "model not on the price list",
            TariffKinds.BasicPhone => $"basic phone (no camera, video or internet) up to USD {Row.PriceUpToUsd:0.##}",
            _ when Row.PriceUpToUsd is null => "no upper price limit",
            _ => $"price up to USD {Row.PriceUpToUsd:0.##}",
        };
        var from = Row.ValidFrom is { } f ? $"from {f:yyyy-MM-dd}" : "since the start";
        var until = Row.ValidUntil is { } u ? $" until {u.AddDays(-1):yyyy-MM-dd}" : string.Empty;
        return $"{bracket}; tariff in force {from}{until}";
    }
}

/// <summary>
/// Picks the tariff row for a price on a date. Brackets are inclusive at their upper edge and
/// contiguous: a price above one edge and up to the next belongs to the next row, so USD 100 is in
/// "up to 100", and USD 100.01 or 100.50 in "101–200" (the published table writes whole dollars).
/// </summary>
public static class DutyCalculator
{
    public static DutyQuote Quote(IEnumerable<DutyTariff> tariff, DateOnly date, decimal? priceUsd, bool basicPhone, bool unlisted)
    {
        var rows = tariff.Where(r => r.InForceOn(date)).ToList();
        if (rows.Count == 0)
        {
            throw new InvalidOperationException($"No duty tariff is in force on {date:yyyy-MM-dd}.");
        }

        if (priceUsd is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(priceUsd), priceUsd, "A price cannot be negative.");
        }

        if (unlisted && rows.FirstOrDefault(r => r.Kind == TariffKinds.Unlisted) is { } unlistedRow)
        {
            return new DutyQuote(unlistedRow.DutyAzn, unlistedRow, date);
        }

        var brackets = rows.Where(r => r.Kind == TariffKinds.Bracket)
            .OrderBy(r => r.PriceUpToUsd is null)
            .ThenBy(r => r.PriceUpToUsd)
            .ToList();
        if (priceUsd is null)
        {
            // A tariff of one flat row (as before 2018) needs no price; a bracketed one does.
            if (brackets.Count == 1 && brackets[0].PriceUpToUsd is null)
            {
                return new DutyQuote(brackets[0].DutyAzn, brackets[0], date);
            }

            throw new InvalidOperationException($"The tariff in force on {date:yyyy-MM-dd} depends on the price: give the market price in USD.");
        }

        if (basicPhone)
        {
            var basic = rows.Where(r => r.Kind == TariffKinds.BasicPhone && (r.PriceUpToUsd is null || priceUsd <= r.PriceUpToUsd))
                .OrderBy(r => r.PriceUpToUsd is null)
                .ThenBy(r => r.PriceUpToUsd)
                .FirstOrDefault();
            if (basic is not null)
            {
                return new DutyQuote(basic.DutyAzn, basic, date);
            }
        }

        var row = brackets.FirstOrDefault(r => r.PriceUpToUsd is null || priceUsd <= r.PriceUpToUsd)
            ?? throw new InvalidOperationException($"The tariff in force on {date:yyyy-MM-dd} has no bracket for USD {priceUsd}.");
        return new DutyQuote(row.DutyAzn, row, date);
    }
}
