using DeviceRegistry.Eir;

namespace DeviceRegistry.Tests.Eir;

public sealed class RepeatSightingFilterTests
{
    private static readonly CheckSighting Base = new(35332510123456, "400011111111111", "994501111111", 1, new DateOnly(2026, 5, 20), IsHome: true);

    [Fact]
    public void A_remembered_sighting_is_a_repeat_and_any_difference_is_not()
    {
        var filter = new RepeatSightingFilter(1024);
        Assert.False(filter.IsRepeat(Base, out var fingerprint));
        filter.Remember(fingerprint);
        Assert.True(filter.IsRepeat(Base with { }, out _));

        // Every field that lands in the store makes a different sighting.
        Assert.False(filter.IsRepeat(Base with { Imei = Base.Imei + 1 }, out _));
        Assert.False(filter.IsRepeat(Base with { Imsi = "400011111111112" }, out _));
        Assert.False(filter.IsRepeat(Base with { Msisdn = "994501111112" }, out _));
        Assert.False(filter.IsRepeat(Base with { Msisdn = null }, out _));
        Assert.False(filter.IsRepeat(Base with { OperatorId = 2 }, out _));
        Assert.False(filter.IsRepeat(Base with { Day = Base.Day.AddDays(1) }, out _));
    }

    [Fact]
    public void Fingerprints_of_many_different_sightings_do_not_collide_and_are_never_the_empty_slot()
    {
        var seen = new HashSet<ulong>();
        for (var imei = 0; imei < 2000; imei++)
        {
            for (var day = 0; day < 50; day++)
            {
                var fingerprint = RepeatSightingFilter.Fingerprint(Base with { Imei = Base.Imei + imei, Day = Base.Day.AddDays(day) });
                Assert.NotEqual(0UL, fingerprint);
                Assert.True(seen.Add(fingerprint));
            }
        }
    }

    [Fact]
    public void A_slot_taken_by_another_sighting_forgets_the_first_which_is_then_written_again()
    {
        var filter = new RepeatSightingFilter(1);
        filter.IsRepeat(Base, out var first);
        filter.Remember(first);
        var other = Base with { Imsi = "400022222222222" };
        filter.IsRepeat(other, out var second);
        filter.Remember(second);

        Assert.False(filter.IsRepeat(Base, out _));
        Assert.True(filter.IsRepeat(other, out _));
    }
}
