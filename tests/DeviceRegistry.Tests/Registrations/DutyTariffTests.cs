using DeviceRegistry.Data;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using CliRunner = DeviceRegistry.Tests.Infrastructure.Cli;

namespace DeviceRegistry.Tests.Registrations;

public sealed class DutyTariffTests
{
    // Rows of the state duty tariffs of 31 July 2018 and of 14 Dec 2023 (docs/reference.md;
    // 2018: 20/30/50/60/70/100/150, unlisted 20; 2023: 15/20/30/40/50/70/100, unlisted 15),
    // at and just past every bracket edge.
    private static readonly (string Price, decimal Duty2018, decimal Duty2023)[] Edges =
    [
        ("1", 30, 20), ("100", 30, 20), ("100.01", 50, 30), ("100.50", 50, 30), ("101", 50, 30), ("200", 50, 30),
        ("200.01", 60, 40), ("201", 60, 40), ("350", 60, 40), ("400", 60, 40), ("401", 70, 50), ("700", 70, 50),
        ("701", 100, 70), ("1000", 100, 70), ("1000.01", 150, 100), ("1001", 150, 100), ("25000", 150, 100),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_bracket_edge_of_both_tables_is_charged_as_published(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        foreach (var (price, duty2018, duty2023) in Edges)
        {
            var usd = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(duty2018, (await f.SendAsync(new QuoteDuty(usd, new DateOnly(2020, 6, 1)))).DutyAzn);
            Assert.Equal(duty2023, (await f.SendAsync(new QuoteDuty(usd, new DateOnly(2024, 6, 1)))).DutyAzn);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Basic_phones_unlisted_models_and_the_dates_the_tariffs_changed(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        async Task<decimal> Duty(string date, decimal? price, bool basic = false, bool unlisted = false) =>
            (await f.SendAsync(new QuoteDuty(price, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), basic, unlisted))).DutyAzn;

        Assert.Equal(20m, await Duty("2020-01-01", 100m, basic: true));
        Assert.Equal(15m, await Duty("2024-01-01", 100m, basic: true));
        Assert.Equal(50m, await Duty("2020-01-01", 100.01m, basic: true));
        Assert.Equal(30m, await Duty("2024-01-01", 101m, basic: true));
        Assert.Equal(20m, await Duty("2020-01-01", null, unlisted: true));
        Assert.Equal(15m, await Duty("2024-01-01", 5000m, unlisted: true));

        Assert.Equal(5m, await Duty("2018-08-12", 1500m));
        Assert.Equal(5m, await Duty("2018-08-12", null, unlisted: true));
        Assert.Equal(150m, await Duty("2018-08-13", 1500m));
        Assert.Equal(150m, await Duty("2023-12-13", 1500m));
        Assert.Equal(100m, await Duty("2023-12-14", 1500m));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Devreg_duty_for_350_usd_prints_40_azn_now_and_60_in_2023_and_names_a_bad_price(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var now = await CliRunner.RunAsync(db, "duty", "--price-usd", "350", "--date", "2024-05-01");
        Assert.Equal(0, now.ExitCode);
        Assert.StartsWith("40.00 AZN", now.Out, StringComparison.Ordinal);

        var before = await CliRunner.RunAsync(db, "duty", "--price-usd", "350", "--date", "2023-01-10");
        Assert.StartsWith("60.00 AZN", before.Out, StringComparison.Ordinal);

        var zero = await CliRunner.RunAsync(db, "duty", "--price-usd", "0", "--date", "2024-05-01");
        Assert.Equal(1, zero.ExitCode);
        Assert.Contains("PriceUsd", zero.Error, StringComparison.Ordinal);

        var words = await CliRunner.RunAsync(db, "duty", "--price-usd", "cheap");
        Assert.Equal(2, words.ExitCode);
        Assert.Contains("--price-usd", words.Error, StringComparison.Ordinal);
    }
}
