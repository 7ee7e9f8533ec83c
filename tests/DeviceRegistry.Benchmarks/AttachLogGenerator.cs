using System.Globalization;
using System.Text;

namespace DeviceRegistry.Benchmarks;

/// <summary>
/// Writes a synthetic attach-log CSV (date,imei,imsi,msisdn,operator; DIRBS-style dates) of exactly
/// the requested number of rows, reproducible by seed.
/// "week": daily files of one week concatenated: each subscriber seen on ~95% of the days, 3% change
/// SIM mid-week, 2% roamers without MSISDN, so keys repeat ~6.6 times.
/// "day": one day, every row a different IMEI-IMSI pair: nothing to aggregate, the worst case.
/// <see cref="WriteNextDay"/>: the day after a "day" file, 95% of its pairs again and 5% new ones.
/// </summary>
internal static class AttachLogGenerator
{
    private static readonly string[] Operators = ["Azercell", "Bakcell", "Nar"];
    private static readonly string[] Mncs = ["01", "02", "04"];

    /// <summary>
    /// The day after <c>Write(path, "day", rows, seed)</c> (2026-03-03, the same month): subscriber s of that
    /// file is seen again with the same IMEI, IMSI and MSISDN unless s % 20 == 19, whose row is a new
    /// subscriber (index rows + s: a new IMEI and IMSI). Exactly <paramref name="rows"/> rows, 95% of them
    /// pairs the day file holds.
    /// </summary>
    /// <param name="later">0 for 3 March, the day after the "day" file; 1 for 4 March, and so on: each later day has its own 5% of new subscribers.</param>
    public static void WriteNextDay(string path, int rows, int later = 0)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("date,imei,imsi,msisdn,operator\n");
        var date = new DateOnly(2026, 3, 3).AddDays(later).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        for (var s = 0; s < rows; s++)
        {
            WriteRow(writer, date, s % 20 == 19 ? ((later + 1) * rows) + s : s, swapped: false);
        }
    }

    public static void Write(string path, string shape, int rows, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("date,imei,imsi,msisdn,operator\n");
        var days = shape == "day" ? 1 : 7;
        var subscribers = shape == "day" ? rows : (int)Math.Ceiling(rows / (days * 0.95));
        var written = 0;
        // a shortfall of the random 95% spills into an eighth day
        for (var day = 0; written < rows; day++)
        {
            var date = new DateOnly(2026, 3, 2).AddDays(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            for (var s = 0; s < subscribers && written < rows; s++)
            {
                if (days > 1 && random.NextDouble() >= 0.95)
                {
                    continue;
                }

                WriteRow(writer, date, s, swapped: s % 33 == 5 && day >= 3);
                written++;
            }
        }
    }

    private static void WriteRow(StreamWriter writer, string date, int s, bool swapped)
    {
        var op = s % 3;
        var roamer = s % 50 == 7;
        var imei = 35_000_000_000_000L + ((long)(s % 97) * 1_000_000_000_000 / 100) + (s * 7L);
        var imsi = roamer
            ? $"25001{(long)s * 13 + (swapped ? 1 : 0):D10}"
            : $"400{Mncs[op]}{(long)s * 13 + (swapped ? 1 : 0):D10}";
        var msisdn = roamer ? "" : $"99450{s % 10_000_000:D7}";
        writer.Write(date);
        writer.Write(',');
        writer.Write(imei.ToString("D14", CultureInfo.InvariantCulture));
        writer.Write("0,");
        writer.Write(imsi);
        writer.Write(',');
        writer.Write(msisdn);
        writer.Write(',');
        writer.Write(Operators[op]);
        writer.Write('\n');
    }
}
