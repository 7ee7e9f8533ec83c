using DeviceRegistry.Eir;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Devices;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Registrations;
using DeviceRegistry.Tests.Infrastructure;
using CliRunner = DeviceRegistry.Tests.Infrastructure.Cli;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Tests.Registrations;

public sealed class RegistrationWindowTests
{
    private const string Imei = "357613004448485";
    private const string Key = "35761300444848";
    private static readonly DateOnly Day1 = new(2024, 3, 1);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Day_29_and_30_are_allowed_day_31_is_blocked_and_registering_and_paying_lifts_it(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        await f.SeeAsync(Key, Day1, ("400011234567890", "994501234567"));

        foreach (var day in new[] { 29, 30 })
        {
            var asOf = new DateOnly(2024, 3, day); // March: day n of the window is March n
            var report = await f.SendAsync(new EnforceRegistrationWindow(asOf));
            Assert.Equal(0, report.Blocked);
            var status = await f.SendAsync(new GetImeiStatus(Imei, AsOf: asOf));
            Assert.Equal(DeviceStatus.InWindow, status.Status);
            Assert.Equal(EquipmentStatus.Greylisted, status.Decision);
            Assert.Equal(new DateOnly(2024, 3, 30), status.Deadline);
            Assert.Equal(day, status.DayOfWindow);
        }

        var day31 = new DateOnly(2024, 3, 31);
        // Before the day's enforcement run the window is over and attach checks are already refused.
        var ended = await f.SendAsync(new GetImeiStatus(Imei, "400011234567890", AsOf: day31));
        Assert.Equal(DeviceStatus.WindowEnded, ended.Status);
        Assert.Equal(EquipmentStatus.Blacklisted, ended.Decision);
        Assert.Equal(1, (await f.SendAsync(new EnforceRegistrationWindow(day31))).Blocked);
        var blocked = await f.SendAsync(new GetImeiStatus(Imei, AsOf: day31));
        Assert.Equal(DeviceStatus.BlockedNoRegistration, blocked.Status);
        Assert.Equal(EquipmentStatus.Blacklisted, blocked.Decision);
        Assert.Equal(day31, blocked.BlockedSince);
        Assert.Equal(0, (await f.SendAsync(new EnforceRegistrationWindow(day31))).Blocked);

        var registration = await f.SendAsync(RegistrationFixture.Individual(Imei) with { RegisteredOn = new DateOnly(2024, 4, 2) });
        Assert.Equal(EquipmentStatus.Blacklisted, (await f.SendAsync(new GetImeiStatus(Imei, AsOf: new DateOnly(2024, 4, 2)))).Decision);
        var paid = await f.SendAsync(new ConfirmPayment(registration.PaymentReference!, registration.DutyAzn));
        Assert.Equal(1, paid.BlocksLifted);
        var lifted = await f.SendAsync(new GetImeiStatus(Imei, AsOf: new DateOnly(2024, 4, 3)));
        Assert.Equal(DeviceStatus.Registered, lifted.Status);
        Assert.Equal(EquipmentStatus.Whitelisted, lifted.Decision);

        Assert.Equal(0, (await f.SendAsync(new EnforceRegistrationWindow(new DateOnly(2024, 4, 3)))).Blocked);
        await using var context = f.Db.CreateContext();
        var sources = await context.ImeiChanges.OrderBy(c => c.Id).Select(c => c.Source).ToListAsync();
        Assert.Equal(new[] { "enforcement", "payment" }, sources);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Warnings_go_to_home_numbers_on_their_days_and_none_is_sent_twice(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        await f.SeeAsync(Key, Day1, ("400011234567890", "994501234567"), ("400021234567891", "994551112233"), ("250991234567892", "79161234567"));

        await f.SendAsync(new EnforceRegistrationWindow(Day1));
        await f.SendAsync(new EnforceRegistrationWindow(Day1));
        await f.SendAsync(new EnforceRegistrationWindow(new DateOnly(2024, 3, 5)));
        Assert.Equal(new[] { "994501234567", "994551112233" }, f.Sms.Delivered.Select(m => m.Msisdn).Order(StringComparer.Ordinal));

        await f.SendAsync(new EnforceRegistrationWindow(new DateOnly(2024, 3, 20)));
        await f.SendAsync(new EnforceRegistrationWindow(new DateOnly(2024, 3, 20)));
        Assert.Equal(4, f.Sms.Delivered.Count);
        Assert.Equal(4, f.Sms.Delivered.Select(m => m.MessageId).Distinct().Count());
        var last = f.Sms.Delivered[^1].Body;
        Assert.Contains("30.03.2024", last, StringComparison.Ordinal);
        Assert.Contains("register", last, StringComparison.Ordinal);
        Assert.Contains("qeydiyyat", last, StringComparison.Ordinal);
        Assert.Contains("зарегистрируйте", last, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_interrupted_enforcement_run_again_neither_skips_nor_repeats(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider, batchSize: 2);
        var keys = Enumerable.Range(0, 5).Select(i => (35761300444800L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var key in keys)
        {
            await f.SeeAsync(key, Day1, ($"40001123456{key[^4..]}", $"99450{key[^7..]}"));
        }

        var expired = new DateOnly(2024, 4, 15);
        var seen = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => f.SendAsync(new EnforceRegistrationWindow(expired)
        {
            OnItem = (step, _) =>
            {
                if (step == EnforcementStep.Block && ++seen == 3)
                {
                    throw new InvalidOperationException("power cut");
                }
            },
        }));
        await using (var context = f.Db.CreateContext())
        {
            Assert.Equal(2, await context.Set<ImeiBlock>().CountAsync()); // the first batch committed, the second rolled back
        }

        var rerun = await f.SendAsync(new EnforceRegistrationWindow(expired));
        Assert.Equal(3, rerun.Blocked);
        await using (var context = f.Db.CreateContext())
        {
            var blocked = await context.Set<ImeiBlock>().Select(b => b.Imei).OrderBy(i => i).ToListAsync();
            Assert.Equal(keys.Select(long.Parse), blocked);
            Assert.Equal(5, await context.ImeiChanges.CountAsync());
        }

        // SMS: the gateway fails on the second message; the next run sends it and only it.
        await using var g = await RegistrationFixture.CreateAsync(provider, batchSize: 2);
        foreach (var key in keys)
        {
            await g.SeeAsync(key, Day1, ($"40001123456{key[^4..]}", $"99450{key[^7..]}"));
        }

        g.Sms.FailOnCall = call => call == 2;
        var first = await g.SendAsync(new EnforceRegistrationWindow(Day1));
        Assert.Equal((5, 4, 1), (first.WarningsQueued, first.SmsSent, first.SmsFailed));
        var second = await g.SendAsync(new EnforceRegistrationWindow(Day1));
        Assert.Equal((0, 1), (second.WarningsQueued, second.SmsSent));
        Assert.Equal(5, g.Sms.Delivered.Select(m => m.Msisdn).Distinct().Count());
        Assert.Equal(5, g.Sms.Delivered.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Roamers_never_start_the_window_and_clones_stolen_and_public_views_decide_as_documented(DatabaseProvider provider)
    {
        await using var f = await RegistrationFixture.CreateAsync(provider);
        await using (var context = f.Db.CreateContext())
        {
            context.SeenImeis.Add(new SeenImei { Imei = 49015420323751L, FirstSeen = Day1, LastSeen = Day1, FirstHomeSeen = null });
            context.Add(new CloneStatus
            {
                Imei = 26053179311383L, Status = CloneStatusValues.Clone, Since = Day1, Rule = "r", FirstSeen = Day1, LastSeen = Day1, AsOf = Day1, UpdatedAt = DateTime.UtcNow,
            });
            context.Add(new CloneAllowedPair { Imei = 26053179311383L, Imsi = "400011111111111", Since = Day1 });
            await context.SaveChangesAsync();
        }

        Assert.Equal(0, (await f.SendAsync(new EnforceRegistrationWindow(new DateOnly(2024, 12, 1)))).Blocked);
        Assert.Equal(DeviceStatus.RoamingOnly, (await f.SendAsync(new GetImeiStatus("490154203237518"))).Status);

        Assert.Equal(EquipmentStatus.Whitelisted, (await f.SendAsync(new GetImeiStatus("260531793113837", "400011111111111"))).Decision);
        Assert.Equal(EquipmentStatus.Blacklisted, (await f.SendAsync(new GetImeiStatus("260531793113837", "400012222222222"))).Decision);

        await f.SendAsync(new DeviceRegistry.Stolen.ReportStolen(["352936001349777"], "17", "police station 17", DeviceRegistry.Staff.StaffActor.Console("test")));
        Assert.Equal(DeviceStatus.Stolen, (await f.SendAsync(new GetImeiStatus("352936001349777"))).Status);

        await f.SeeAsync(Key, Day1, ("400011234567890", "994501234567"));
        await f.SendAsync(RegistrationFixture.Individual(Imei));
        var check = await CliRunner.RunAsync(f.Db, "check", Imei, "--imsi", "400011234567890", "--json", "--as-of", "2024-03-10");
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("\"GREYLISTED\"", check.Out, StringComparison.Ordinal);
        var publicPart = check.Out[check.Out.IndexOf("\"public\"", StringComparison.Ordinal)..check.Out.IndexOf("\"operator\"", StringComparison.Ordinal)];
        Assert.Contains("2024-03-30", publicPart, StringComparison.Ordinal);
        Assert.DoesNotContain("400011234567890", publicPart, StringComparison.Ordinal);
        Assert.DoesNotContain("994501234567", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Aysel", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("AZE1234567", check.Out, StringComparison.Ordinal);

        var clone = await CliRunner.RunAsync(f.Db, "check", "260531793113837");
        Assert.Equal(1, clone.ExitCode);
        Assert.Contains("BLACKLISTED", clone.Out, StringComparison.Ordinal);
    }
}
