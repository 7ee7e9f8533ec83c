using DeviceRegistry.Infrastructure;
using DeviceRegistry.Lists;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Lists;

/// <summary>The Lists section: networks routed to operators by the longest MCC-MNC, and bad values named.</summary>
public sealed class ListsSettingsTests
{
    [Fact]
    public void Networks_route_an_imsi_to_the_operator_of_its_longest_matching_mcc_mnc()
    {
        var settings = Read(new() { ["Lists:Networks:40001"] = "Azercell", ["Lists:Networks:400012"] = "Virtual", ["Lists:Networks:40002"] = " Bakcell " });

        Assert.Equal("Azercell", settings.OperatorOf("400011234567890"));
        Assert.Equal("Virtual", settings.OperatorOf("400012345678901"));
        Assert.Equal("Bakcell", settings.OperatorOf("400021234567890"));
        Assert.Null(settings.OperatorOf("400041234567890"));
        Assert.Equal(0.1, settings.MaxChangeShare);
    }

    [Fact]
    public void A_bad_network_or_share_is_refused_naming_the_key()
    {
        var network = Assert.Throws<SettingsException>(() => Read(new() { ["Lists:Networks:4001"] = "Azercell" }));
        var share = Assert.Throws<SettingsException>(() => Read(new() { ["Lists:MaxChangeShare"] = "1.5" }));

        Assert.Contains(network.Problems, p => p.StartsWith("Lists:Networks:4001: '4001' is not a network", StringComparison.Ordinal));
        Assert.Contains(share.Problems, p => p.StartsWith("Lists:MaxChangeShare is 1.5; it must be a share from 0 to 1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_export_time_is_a_time_of_day_made_into_a_daily_cron_and_unset_or_empty_schedules_nothing()
    {
        Assert.Equal("0 5 3 * * ?", Read(new() { ["Lists:ExportTime"] = "03:05" }).ExportCron);
        Assert.Equal("0 45 23 * * ?", Read(new() { ["Lists:ExportTime"] = "23:45" }).ExportCron);
        Assert.Null(Read(new() { ["Lists:ExportTime"] = "" }).ExportCron);
        Assert.Null(Read([]).ExportCron);

        foreach (var bad in new[] { "3:05", "24:00", "03:05:00", "daily" })
        {
            var refused = Assert.Throws<SettingsException>(() => Read(new() { ["Lists:ExportTime"] = bad }));
            Assert.Contains(refused.Problems, p => p.StartsWith($"Lists:ExportTime is '{bad}'; it must be a time of day HH:mm", StringComparison.Ordinal));
        }
    }

    private static ListsSettings Read(Dictionary<string, string?> values) =>
        DeviceRegistry.Infrastructure.Settings.Read<ListsSettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), ListsSettings.Section);
}
