using DeviceRegistry.Infrastructure;
using DeviceRegistry.Lists;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Lists;

/// <summary>The Lists section, and the registry's networks the lists are routed by (the longest MCC-MNC); bad values named.</summary>
public sealed class ListsSettingsTests
{
    [Fact]
    public void Networks_route_an_imsi_to_the_operator_of_its_longest_matching_mcc_mnc()
    {
        var registry = ReadRegistry(new() { ["Registry:Networks:40001"] = "Azercell", ["Registry:Networks:400012"] = "Virtual", ["Registry:Networks:40002"] = " Bakcell " });

        Assert.Equal("Azercell", registry.OperatorOfImsi("400011234567890"));
        Assert.Equal("Virtual", registry.OperatorOfImsi("400012345678901"));
        Assert.Equal("Bakcell", registry.OperatorOfImsi("400021234567890"));
        Assert.Null(registry.OperatorOfImsi("400041234567890"));
        Assert.Equal("Virtual", registry.OperatorOfPlmn("400012"));
        Assert.Null(registry.OperatorOfPlmn("4000"));
        Assert.Equal(0.1, Read([]).MaxChangeShare);
    }

    [Fact]
    public void A_bad_network_or_share_is_refused_naming_the_key()
    {
        var network = Assert.Throws<SettingsException>(() => ReadRegistry(new() { ["Registry:Networks:4001"] = "Azercell" }));
        var empty = Assert.Throws<SettingsException>(() => ReadRegistry(new() { ["Registry:Networks:40001"] = " " }));
        var share = Assert.Throws<SettingsException>(() => Read(new() { ["Lists:MaxChangeShare"] = "1.5" }));

        Assert.Contains(network.Problems, p => p.StartsWith("Registry:Networks:4001: '4001' is not a network", StringComparison.Ordinal));
        Assert.Contains(empty.Problems, p => p.StartsWith("Registry:Networks:40001 must be an operator name", StringComparison.Ordinal));
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

    private static RegistrySettings ReadRegistry(Dictionary<string, string?> values) =>
        DeviceRegistry.Infrastructure.Settings.Read<RegistrySettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), RegistrySettings.Section);

    private static ListsSettings Read(Dictionary<string, string?> values) =>
        DeviceRegistry.Infrastructure.Settings.Read<ListsSettings>(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), ListsSettings.Section);
}
