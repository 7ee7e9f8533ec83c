using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Eir;

/// <summary>What a policy setting makes the EIR answer; <see cref="Evaluate"/> goes on with the normal rules.</summary>
public enum EirPolicyAnswer
{
    Evaluate,
    Whitelisted,
    Greylisted,
    Blacklisted,

    /// <summary>404 with cause ERROR_EQUIPMENT_UNKNOWN.</summary>
    Unknown,
}

/// <summary>The <c>Eir</c> configuration section (documented in docs/eir.md) plus <c>Registration:WindowDays</c>.</summary>
public sealed class EirSettings
{
    /// <summary>Days from the first home sighting during which an unregistered device is greylisted.</summary>
    public int WindowDays { get; set; } = 30;

    /// <summary>MCCs of the home country (default 400, Azerbaijan); an IMSI with another MCC is a roamer.</summary>
    public IReadOnlyList<string> HomeMccs { get; set; } = [];

    /// <summary>A SIM from a foreign network (after the blocked and clone rules).</summary>
    public EirPolicyAnswer Roaming { get; set; } = EirPolicyAnswer.Whitelisted;

    /// <summary>An IMEI on the junk-pattern denylist (all one digit, counting runs, TAC 00000000).</summary>
    public EirPolicyAnswer InvalidImei { get; set; } = EirPolicyAnswer.Blacklisted;

    /// <summary>An IMEI whose TAC is not in the loaded GSMA TAC database (ignored while none is loaded).</summary>
    public EirPolicyAnswer UnknownTac { get; set; } = EirPolicyAnswer.Evaluate;

    /// <summary>A clone IMEI checked without a SUPI, so the SIM cannot be matched against its allowed pairs.</summary>
    public EirPolicyAnswer CloneWithoutSupi { get; set; } = EirPolicyAnswer.Blacklisted;

    /// <summary>An IMEI never seen on a home SIM, not registered, checked without a home SUPI (nothing starts a window).</summary>
    public EirPolicyAnswer NeverSeen { get; set; } = EirPolicyAnswer.Unknown;

    /// <summary>How often the index reads the imei_changes log.</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>A hole in imei_changes ids (a transaction still open, or rolled back) is waited for this long.</summary>
    public int ChangeLogGapSeconds { get; set; } = 300;

    /// <summary>Check sightings are written when this many are waiting…</summary>
    public int SightingBatchSize { get; set; } = 5000;

    /// <summary>…or when the oldest has waited this long.</summary>
    public int SightingFlushMilliseconds { get; set; } = 500;

    /// <summary>Sightings held in memory while the database is slow or down; beyond it new ones are counted as dropped.</summary>
    public int SightingBufferCapacity { get; set; } = 1_000_000;

    /// <summary>
    /// Fingerprints of lately queued check sightings kept to skip same-day repeats (8 bytes each;
    /// the default 4M slots = 32 MB, about a third of the country's daily IMEI-SIM pairs).
    /// </summary>
    public int RepeatSightingSlots { get; set; } = 1 << 22;

    /// <summary>Most checks in one batch request.</summary>
    public int MaxBatchChecks { get; set; } = 1000;

    public bool IsHomeImsi(ReadOnlySpan<char> imsi)
    {
        foreach (var mcc in HomeMccs)
        {
            if (imsi.StartsWith(mcc, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static EirSettings FromConfiguration(IConfiguration configuration)
    {
        var settings = new EirSettings();
        configuration.GetSection("Eir").Bind(settings);
        if (settings.HomeMccs.Count == 0)
        {
            // Bound collections append to a default, so the default is applied after binding.
            settings.HomeMccs = ["400"];
        }

        var windowDays = configuration["Registration:WindowDays"];
        if (!string.IsNullOrWhiteSpace(windowDays))
        {
            if (!int.TryParse(windowDays, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) || days < 1)
            {
                throw new InvalidOperationException($"Registration:WindowDays is '{windowDays}'; it must be a whole number of days, at least 1.");
            }

            settings.WindowDays = days;
        }

        Require(settings.HomeMccs.Count > 0 && settings.HomeMccs.All(m => m.Length == 3 && m.All(char.IsAsciiDigit)),
            "Eir:HomeMccs must list 3-digit MCCs");
        Require(settings.PollIntervalMilliseconds >= 10, "Eir:PollIntervalMilliseconds must be at least 10");
        Require(settings.ChangeLogGapSeconds >= 0, "Eir:ChangeLogGapSeconds must not be negative");
        Require(settings.SightingBatchSize >= 1, "Eir:SightingBatchSize must be at least 1");
        Require(settings.SightingFlushMilliseconds >= 1, "Eir:SightingFlushMilliseconds must be at least 1");
        Require(settings.SightingBufferCapacity >= settings.SightingBatchSize, "Eir:SightingBufferCapacity must be at least Eir:SightingBatchSize");
        Require(settings.RepeatSightingSlots is >= 1 and <= 1 << 28, "Eir:RepeatSightingSlots must be between 1 and 268435456");
        Require(settings.MaxBatchChecks >= 1, "Eir:MaxBatchChecks must be at least 1");
        return settings;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
