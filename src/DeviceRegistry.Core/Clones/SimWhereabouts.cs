namespace DeviceRegistry.Clones;

/// <summary>
/// Where an IMEI's SIMs were seen on other IMEIs, for the rules that read it (<see cref="IndependentUseRule.Whereabouts"/>).
/// A SIM that lives in a phone of its own and visits this one is not a second user of it, so the whereabouts can only spare
/// an IMEI: detection reads them for the IMEIs a rule matched, adds them here and runs the rules again on those.
/// </summary>
public static class SimWhereabouts
{
    /// <summary>Adds to the activity, for each of its IMSIs, the days of <paramref name="byImsi"/>'s rows on other IMEIs.</summary>
    /// <param name="byImsi">Sightings of (at least) the activity's IMSIs over its range: IMEI, month (YYYYMM) and day mask.</param>
    public static void Apply(ImeiActivity activity, IReadOnlyDictionary<string, List<(long Imei, int Month, int Mask)>> byImsi)
    {
        for (var i = 0; i < activity.ImsiCount; i++)
        {
            var imsi = activity.ImsiAt(i);
            if (!byImsi.TryGetValue(imsi, out var rows))
            {
                continue;
            }

            foreach (var (imei, month, mask) in rows)
            {
                if (imei != activity.Imei)
                {
                    activity.AddElsewhere(imsi, month, mask);
                }
            }
        }

        activity.MarkWhereaboutsRead();
    }
}
