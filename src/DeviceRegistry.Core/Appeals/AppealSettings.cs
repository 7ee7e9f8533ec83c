using DeviceRegistry.Infrastructure;

namespace DeviceRegistry.Appeals;

/// <summary>The <c>Appeals</c> section: the service level and what an appeal may carry.</summary>
public sealed class AppealSettings : ISettingsSection
{
    public const string Section = "Appeals";

    /// <summary>Working days (Monday to Friday) from filing to a decision before an appeal is overdue.</summary>
    public int ServiceLevelWorkingDays { get; set; } = 10;

    /// <summary>The largest attachment accepted, in bytes.</summary>
    public int MaxAttachmentBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Attachments one appeal may carry.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Content types accepted as attachments (checked against the file's own first bytes too).</summary>
    public IReadOnlyList<string> AttachmentTypes { get; set; } = ["image/jpeg", "image/png", "application/pdf"];

    /// <summary>Seconds between the web host's rounds of sending decision SMS (when an SMS sender is configured).</summary>
    public int MessageDeliverySeconds { get; set; } = 15;

    /// <summary>The deadline of an appeal filed on <paramref name="filed"/>: that many working days later.</summary>
    public DateOnly DueOn(DateOnly filed)
    {
        var day = filed;
        var left = ServiceLevelWorkingDays;
        while (left > 0)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                left--;
            }
        }

        return day;
    }

    public IEnumerable<string> Validate(string section)
    {
        if (ServiceLevelWorkingDays is < 1 or > 260)
        {
            yield return $"{section}:ServiceLevelWorkingDays is {ServiceLevelWorkingDays}; it must be from 1 to 260 working days";
        }

        if (MaxAttachmentBytes is < 1024 or > 50 * 1024 * 1024)
        {
            yield return $"{section}:MaxAttachmentBytes is {MaxAttachmentBytes}; it must be from 1024 to 52428800 bytes";
        }

        if (MessageDeliverySeconds is < 1 or > 3600)
        {
            yield return $"{section}:MessageDeliverySeconds is {MessageDeliverySeconds}; it must be from 1 to 3600 seconds";
        }

        if (MaxAttachments is < 0 or > 100)
        {
            yield return $"{section}:MaxAttachments is {MaxAttachments}; it must be from 0 to 100";
        }

        foreach (var type in AttachmentTypes)
        {
            if (type is not ("image/jpeg" or "image/png" or "application/pdf"))
            {
                yield return $"{section}:AttachmentTypes has '{type}'; the types recognised are image/jpeg, image/png and application/pdf";
            }
        }
    }
}
