using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Registrations;

/// <summary>The <c>Registration</c> section: the registration window, its warnings and its daily enforcement.</summary>
public sealed class RegistrationSettings : ISettingsSection
{
    public const string Section = "Registration";

    private static readonly int[] DefaultWarningDays = [1, 20, 27, 30];

    /// <summary>Days an unregistered IMEI may be used with a home-network SIM; day 1 is the first home sighting.</summary>
    public int WindowDays { get; set; } = 30;

    /// <summary>Window days on which a warning SMS is due (day 1 = first home sighting); unset: 1, 20, 27, 30 (those inside the window).</summary>
    public IReadOnlyList<int>? WarningDays { get; set; }

    /// <summary>Quartz cron expression of the daily enforcement (default 00:30 every day, in the registry's time zone).</summary>
    public string EnforcementCron { get; set; } = "0 30 0 * * ?";

    /// <summary>Items per transaction in an enforcement run.</summary>
    public int EnforcementBatchSize { get; set; } = 500;

    /// <summary>The older name of <c>Sms:OutboxFile</c> (docs/sms.md), still read: the File gateway's file.</summary>
    public string? SmsOutboxFile { get; set; }

    /// <summary>The warning days in force, in order.</summary>
    public IReadOnlyList<int> DueWarningDays =>
        (WarningDays ?? DefaultWarningDays.Where(d => d <= WindowDays).ToArray()).Distinct().Order().ToArray();

    /// <summary>The last day an IMEI whose window started on <paramref name="windowStart"/> may be used unregistered.</summary>
    public DateOnly Deadline(DateOnly windowStart) => windowStart.AddDays(WindowDays - 1);

    /// <summary>The first blocked day: the day after the deadline.</summary>
    public DateOnly BlockDate(DateOnly windowStart) => windowStart.AddDays(WindowDays);

    /// <summary>Whether the window that started on <paramref name="windowStart"/> is over on <paramref name="date"/>.</summary>
    public bool IsWindowOver(DateOnly windowStart, DateOnly date) => date >= BlockDate(windowStart);

    /// <summary>The window day number of <paramref name="date"/>: 1 on the first home sighting.</summary>
    public static int DayOfWindow(DateOnly windowStart, DateOnly date) => date.DayNumber - windowStart.DayNumber + 1;

    public IEnumerable<string> Validate(string section)
    {
        if (WindowDays is < 1 or > 3650)
        {
            yield return $"{section}:WindowDays is {WindowDays}; it must be a whole number of days from 1 to 3650";
        }

        foreach (var day in WarningDays ?? [])
        {
            if (day < 1 || day > WindowDays)
            {
                yield return $"{section}:WarningDays has {day}; each warning day must be a whole number from 1 to {section}:WindowDays ({WindowDays})";
            }
        }

        if (EnforcementBatchSize < 1)
        {
            yield return $"{section}:EnforcementBatchSize is {EnforcementBatchSize}; it must be at least 1";
        }

        if (!Quartz.CronExpression.TryParse(EnforcementCron, out _))
        {
            yield return $"{section}:EnforcementCron is '{EnforcementCron}'; it must be a Quartz cron expression such as \"0 30 0 * * ?\"";
        }
    }
}
