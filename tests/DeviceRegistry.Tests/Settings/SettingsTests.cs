using DeviceRegistry.Data;
using DeviceRegistry.Eir;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using DeviceRegistry.Tests.Web;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Tests.Settings;

/// <summary>A bad setting stops either host at start with a message naming the key and what is allowed.</summary>
public sealed class SettingsTests
{
    private static SettingsException Bad<T>(string section, params (string Key, string Value)[] values)
        where T : class, ISettingsSection, new()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return Assert.Throws<SettingsException>(() => DeviceRegistry.Infrastructure.Settings.Read<T>(configuration, section));
    }

    [Fact]
    public void Each_kind_of_bad_value_names_its_key_and_the_allowed_values()
    {
        Assert.Contains("Registration:WindowDays is 'abc'; it must be a whole number",
            Bad<RegistrationSettings>("Registration", ("Registration:WindowDays", "abc")).Message, StringComparison.Ordinal);
        Assert.Contains("Registration:WindowDays is 0; it must be a whole number of days from 1 to 3650",
            Bad<RegistrationSettings>("Registration", ("Registration:WindowDays", "0")).Message, StringComparison.Ordinal);
        Assert.Contains("Eir:Roaming is 'Maybe'; it must be one of Evaluate, Whitelisted, Greylisted, Blacklisted, Unknown",
            Bad<EirSettings>("Eir", ("Eir:Roaming", "Maybe")).Message, StringComparison.Ordinal);
        // A number would pick whatever member has that value: names only.
        Assert.Contains("Eir:Roaming is '2'",
            Bad<EirSettings>("Eir", ("Eir:Roaming", "2")).Message, StringComparison.Ordinal);
        Assert.Contains("Registry:HomeNetwork is not a setting; the settings under Registry are HomeNetworks, Networks, TimeZone",
            Bad<RegistrySettings>("Registry", ("Registry:HomeNetwork:0", "400")).Message, StringComparison.Ordinal);
        Assert.Contains("Registration:WarningDays is a list: give its items as Registration:WarningDays:0",
            Bad<RegistrationSettings>("Registration", ("Registration:WarningDays", "1,20")).Message, StringComparison.Ordinal);
        Assert.Contains("Registration:WarningDays has 31; each warning day must be a whole number from 1 to Registration:WindowDays (30)",
            Bad<RegistrationSettings>("Registration", ("Registration:WarningDays:0", "1"), ("Registration:WarningDays:1", "31")).Message, StringComparison.Ordinal);
        Assert.Contains("Registry:HomeNetworks has '4001'",
            Bad<RegistrySettings>("Registry", ("Registry:HomeNetworks:0", "4001")).Message, StringComparison.Ordinal);
        Assert.Contains("Registry:TimeZone is 'Mars/Olympus'",
            Bad<RegistrySettings>("Registry", ("Registry:TimeZone", "Mars/Olympus")).Message, StringComparison.Ordinal);
        Assert.Contains("Registration:EnforcementCron is 'daily'",
            Bad<RegistrationSettings>("Registration", ("Registration:EnforcementCron", "daily")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_replaces_its_default_instead_of_adding_to_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registry:HomeNetworks:0"] = "40001",
            ["Registry:HomeNetworks:1"] = "40002",
            ["Registration:WindowDays"] = "20",
        }).Build();
        Assert.Equal(["40001", "40002"], DeviceRegistry.Infrastructure.Settings.Read<RegistrySettings>(configuration, "Registry").HomeNetworks);
        // Unset warning days are the defaults that fall inside a 20-day window.
        Assert.Equal([1, 20], DeviceRegistry.Infrastructure.Settings.Read<RegistrationSettings>(configuration, "Registration").DueWarningDays);
    }

    [Fact]
    public async Task Devreg_stops_on_a_bad_setting_before_touching_the_database_and_names_it()
    {
        var result = await Infrastructure.Cli.RunAsync(new Dictionary<string, string?> { ["Registration:WindowDays"] = "abc" }, "check", "490154203237518");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("devreg: setting: Registration:WindowDays is 'abc'; it must be a whole number", result.Error, StringComparison.Ordinal);

        var replaced = await Infrastructure.Cli.RunAsync(new Dictionary<string, string?> { ["Eir:HomeMccs:0"] = "400" }, "check", "490154203237518");
        Assert.Equal(2, replaced.ExitCode);
        Assert.Contains("Eir:HomeMccs is no longer read: set Registry:HomeNetworks instead", replaced.Error, StringComparison.Ordinal);

        var moved = await Infrastructure.Cli.RunAsync(new Dictionary<string, string?> { ["Ingest:DeferMerge"] = "true" }, "check", "490154203237518");
        Assert.Equal(2, moved.ExitCode);
        Assert.Contains("Ingest:DeferMerge is no longer read: set Sightings:DeferMerge instead", moved.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_web_host_stops_at_start_on_a_bad_setting_and_names_it()
    {
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Registration:WindowDays"] = "abc" });
        var ex = Assert.ThrowsAny<Exception>(() => web.CreateClient());
        var messages = string.Join(" | ", Flatten(ex).Select(e => e.Message));
        Assert.Contains("Registration:WindowDays is 'abc'; it must be a whole number", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_section_read_only_when_the_host_starts_is_validated_then_too()
    {
        // Eir is bound through IOptions with ValidateOnStart, not read while services are registered.
        await using var web = await RegistryWebFactory.CreateAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Eir:Roaming"] = "Maybe" });
        var ex = Assert.ThrowsAny<Exception>(() => web.CreateClient());
        var messages = string.Join(" | ", Flatten(ex).Select(e => e.Message));
        Assert.Contains("Eir:Roaming is 'Maybe'; it must be one of Evaluate, Whitelisted", messages, StringComparison.Ordinal);

        var cli = await Infrastructure.Cli.RunAsync(new Dictionary<string, string?>(web.Database.Settings) { ["Eir:Roaming"] = "Maybe" }, "check", "490154203237518");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("devreg: setting: Eir:Roaming is 'Maybe'", cli.Error, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}

/// <summary>What devreg says when nothing can be delivered, and what it prints for the checks the EIR answers.</summary>
public sealed class CliDecisionAndOutboxTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enforce_without_an_sms_gateway_keeps_the_warnings_pending_and_says_so(DatabaseProvider provider)
    {
        using var kit = new DeviceRegistry.Tests.Sightings.IngestTestKit();
        await using var db = await TestDatabase.CreateAsync(provider);
        var today = WebTestData.Today.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var file = kit.WriteLines("today.csv", ["date,imei,imsi,msisdn", $"{today},35332510123456,400011234567890,994501234567"]);
        Assert.Equal(0, (await DeviceRegistry.Tests.Sightings.IngestTestKit.IngestAsync(db, file, "--operator", "Azercell")).ExitCode);

        var result = await Infrastructure.Cli.RunAsync(db, "enforce");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no SMS gateway is configured", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 warnings stay pending", result.Out, StringComparison.Ordinal);
        await using var context = db.CreateContext();
        var message = Assert.Single(context.Set<SmsMessage>().ToList());
        Assert.Equal(SmsStatus.Pending, message.Status);
        Assert.Null(message.SentAt);
        Assert.Equal("994501234567", message.Msisdn);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Check_prints_the_eirs_word_for_unknown_equipment_junk_numbers_and_a_second_home_network(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var unseen = await Infrastructure.Cli.RunAsync(db, "check", "490154203237518", "--json");
        Assert.Equal(0, unseen.ExitCode);
        Assert.Contains("\"decision\": \"ERROR_EQUIPMENT_UNKNOWN\"", unseen.Out, StringComparison.Ordinal);

        var junk = await Infrastructure.Cli.RunAsync(db, "check", "000000000000000", "--imsi", "400011234567890", "--json");
        Assert.Equal(1, junk.ExitCode);
        Assert.Contains("\"decision\": \"BLACKLISTED\"", junk.Out, StringComparison.Ordinal);
        Assert.Contains("\"reasonCode\": \"InvalidImei\"", junk.Out, StringComparison.Ordinal);

        var settings = new Dictionary<string, string?>(db.Settings) { ["Registry:HomeNetworks:0"] = "400", ["Registry:HomeNetworks:1"] = "401" };
        var secondHome = await Infrastructure.Cli.RunAsync(settings, "check", "490154203237518", "--imsi", "401011234567890", "--json");
        Assert.Contains("\"decision\": \"GREYLISTED\"", secondHome.Out, StringComparison.Ordinal);
        Assert.Contains("\"reasonCode\": \"FirstSighting\"", secondHome.Out, StringComparison.Ordinal);
        var roamer = await Infrastructure.Cli.RunAsync(db, "check", "490154203237518", "--imsi", "401011234567890", "--json");
        Assert.Contains("\"reasonCode\": \"Roaming\"", roamer.Out, StringComparison.Ordinal);
    }
}

/// <summary>The public view of a status: the mapper copies what the public record names, and a pending registration shows no date.</summary>
public sealed class PublicStatusMappingTests
{
    private static ImeiStatusFor Status(bool registered, DeviceRegistry.Registrations.RegistrationStatus? registration) => new(registered, registration);

    private sealed record ImeiStatusFor(bool Registered, DeviceRegistry.Registrations.RegistrationStatus? Registration)
    {
        public DeviceRegistry.Devices.ImeiStatus Build() => new(
            new DeviceRegistry.Identifiers.Imei(49015420323751), new DateOnly(2026, 6, 15), DeviceRegistry.Devices.DeviceStatus.InWindow,
            EquipmentStatus.Greylisted, EirReason.InsideWindow, "inside", "Apple", "iPhone 12", new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 14),
            new DateOnly(2026, 6, 10), new DateOnly(2026, 7, 9), 6, 30, 7, Registration, new DateOnly(2026, 6, 12), 50m, "tariff",
            null, false, false, null, true, Registered);
    }

    [Fact]
    public void A_registration_date_shows_only_once_it_is_effective_and_the_rest_is_copied()
    {
        var pending = Status(false, DeviceRegistry.Registrations.RegistrationStatus.AwaitingPayment).Build().ToPublic();
        Assert.Equal("49015420323751", pending.Imei);
        Assert.True(pending.AwaitingPayment);
        Assert.False(pending.Registered);
        Assert.Null(pending.RegisteredSince);
        Assert.Equal(new DateOnly(2026, 7, 9), pending.Deadline);
        Assert.Equal(6, pending.DayOfWindow);
        Assert.Equal(50m, pending.DutyHintAzn);
        Assert.Equal("iPhone 12", pending.Model);

        var effective = Status(true, DeviceRegistry.Registrations.RegistrationStatus.Effective).Build().ToPublic();
        Assert.True(effective.Registered);
        Assert.False(effective.AwaitingPayment);
        Assert.Equal(new DateOnly(2026, 6, 12), effective.RegisteredSince);
    }
}
