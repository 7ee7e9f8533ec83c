using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Registrations;

/// <summary>The <c>Registration</c> configuration section.</summary>
public sealed class RegistrationSettings
{
    /// <summary>Days an unregistered IMEI may be used with a home-network SIM; day 1 is the first home sighting.</summary>
    public int WindowDays { get; init; } = 30;

    /// <summary>Window days on which a warning SMS is due (day 1 = first home sighting).</summary>
    public IReadOnlyList<int> WarningDays { get; init; } = [1, 20, 27, 30];

    /// <summary>Quartz cron expression of the daily enforcement (default 00:30 every day).</summary>
    public string EnforcementCron { get; init; } = "0 30 0 * * ?";

    /// <summary>Items per transaction in an enforcement run.</summary>
    public int EnforcementBatchSize { get; init; } = 500;

    /// <summary>The time zone whose calendar date is "today" (Azerbaijan).</summary>
    public string TimeZone { get; init; } = "Asia/Baku";

    /// <summary>When set, the default SMS sender appends messages to this file instead of only logging them.</summary>
    public string? SmsOutboxFile { get; init; }

    /// <summary>The last day an IMEI whose window started on <paramref name="windowStart"/> may be used unregistered.</summary>
    public DateOnly Deadline(DateOnly windowStart) => windowStart.AddDays(WindowDays - 1);

    /// <summary>The first blocked day: the day after the deadline.</summary>
    public DateOnly BlockDate(DateOnly windowStart) => windowStart.AddDays(WindowDays);

    /// <summary>The window day number of <paramref name="date"/>: 1 on the first home sighting.</summary>
    public static int DayOfWindow(DateOnly windowStart, DateOnly date) => date.DayNumber - windowStart.DayNumber + 1;

    public DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), ResolveTimeZone()).DateTime);

    /// <summary>
    /// The registry's time zone. A machine without time-zone data still knows Baku: UTC+4 with no
    /// daylight saving since 2016. Any other unknown zone is a configuration error, not a silent UTC.
    /// </summary>
    public TimeZoneInfo ResolveTimeZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (TimeZoneNotFoundException) when (TimeZone == "Asia/Baku")
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Baku", TimeSpan.FromHours(4), "Baku", "Baku");
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new InvalidOperationException($"Registration:TimeZone '{TimeZone}' is not a time zone this machine knows.", ex);
        }
    }

    public static RegistrationSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Registration");
        var defaults = new RegistrationSettings();
        var windowDays = ReadInt(section, "WindowDays", defaults.WindowDays);
        if (windowDays < 1)
        {
            throw new InvalidOperationException($"Registration:WindowDays is {windowDays}; it must be at least 1.");
        }

        IReadOnlyList<int> warningDays = defaults.WarningDays;
        var warningSection = section.GetSection("WarningDays");
        var children = warningSection.GetChildren().ToList();
        if (children.Count > 0 || !string.IsNullOrWhiteSpace(warningSection.Value))
        {
            var texts = children.Count > 0
                ? children.Select(c => c.Value ?? string.Empty)
                : warningSection.Value!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var list = new List<int>();
            foreach (var text in texts)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day < 1 || day > windowDays)
                {
                    throw new InvalidOperationException(
                        $"Registration:WarningDays has '{text}'; each warning day must be a whole number from 1 to WindowDays ({windowDays}).");
                }

                list.Add(day);
            }

            warningDays = list.Distinct().Order().ToList();
        }
        else if (warningDays.Any(d => d > windowDays))
        {
            warningDays = warningDays.Where(d => d <= windowDays).ToList();
        }

        var batch = ReadInt(section, "EnforcementBatchSize", defaults.EnforcementBatchSize);
        if (batch < 1)
        {
            throw new InvalidOperationException($"Registration:EnforcementBatchSize is {batch}; it must be at least 1.");
        }

        return new RegistrationSettings
        {
            WindowDays = windowDays,
            WarningDays = warningDays,
            EnforcementCron = section["EnforcementCron"] is { Length: > 0 } cron ? cron : defaults.EnforcementCron,
            EnforcementBatchSize = batch,
            TimeZone = section["TimeZone"] is { Length: > 0 } tz ? tz : defaults.TimeZone,
            SmsOutboxFile = section["SmsOutboxFile"] is { Length: > 0 } file ? file : null,
        };
    }

    private static int ReadInt(IConfiguration section, string key, int fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"Registration:{key} is '{text}'; it must be a whole number.");
    }
}
