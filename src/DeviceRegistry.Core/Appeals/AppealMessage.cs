using System.Globalization;
using DeviceRegistry.Registrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Appeals;

/// <summary>
/// An SMS to the applicant about a decision on their appeal, in their language. Queued in the same
/// transaction as the decision; <see cref="DeliverAppealMessages"/> sends it through <see cref="ISmsSender"/>.
/// </summary>
public sealed class AppealMessage : IQueuedSms
{
    public long Id { get; set; }

    public long AppealId { get; set; }

    public required string Msisdn { get; set; }

    public required string Language { get; set; }

    /// <summary>What it announces: Paired, Lifted, Rejected or InformationRequested.</summary>
    public required string Kind { get; set; }

    public required string Body { get; set; }

    public SmsStatus Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? SentAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    public DateTime? FailedAt { get; set; }

    public int? LastReport { get; set; }

    public DateTime? LastReportAt { get; set; }
}

/// <summary>The decision SMS in Azerbaijani, English or Russian; each names the tracking number.</summary>
public static class AppealSmsTexts
{
    public const string Paired = "Paired";
    public const string Lifted = "Lifted";
    public const string Rejected = "Rejected";
    public const string InformationRequested = "InformationRequested";

    public static string Compose(string language, string kind, string tracking, string? reason = null)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? string.Empty : " " + reason.Trim();
        return (language, kind) switch
        {
            ("en", Paired) => $"Appeal {tracking}: approved. Your SIM card(s) may again use this phone on the network.",
            ("en", Lifted) => $"Appeal {tracking}: approved. The clone status of your phone's IMEI has been lifted.",
            ("en", Rejected) => $"Appeal {tracking}: rejected.{why}",
            ("en", InformationRequested) => $"Appeal {tracking}: more information is needed. Please visit the post office where you filed it.",
            ("ru", Paired) => $"Обращение {tracking}: удовлетворено. Ваши SIM-карты снова могут работать в этом телефоне.",
            ("ru", Lifted) => $"Обращение {tracking}: удовлетворено. Статус клона с IMEI вашего телефона снят.",
            ("ru", Rejected) => $"Обращение {tracking}: отклонено.{why}",
            ("ru", InformationRequested) => $"Обращение {tracking}: нужны дополнительные сведения. Обратитесь в почтовое отделение, где подали обращение.",
            (_, Paired) => $"Müraciət {tracking}: təmin edildi. SIM kartınız(lar) bu telefonda yenidən şəbəkədən istifadə edə bilər.",
            (_, Lifted) => $"Müraciət {tracking}: təmin edildi. Telefonunuzun IMEI-sindən klon statusu götürüldü.",
            (_, Rejected) => $"Müraciət {tracking}: rədd edildi.{why}",
            (_, InformationRequested) => $"Müraciət {tracking}: əlavə məlumat lazımdır. Müraciət etdiyiniz poçt şöbəsinə yaxınlaşın.",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, string.Create(CultureInfo.InvariantCulture, $"no SMS text for {kind}")),
        };
    }
}

internal sealed class AppealMessageConfiguration : IEntityTypeConfiguration<AppealMessage>
{
    public void Configure(EntityTypeBuilder<AppealMessage> e)
    {
        e.ToTable("appeal_messages");
        e.HasIndex(x => x.AppealId);
        e.HasIndex(x => x.Status);
        e.Property(x => x.Msisdn).HasMaxLength(15);
        e.Property(x => x.Language).HasMaxLength(2);
        e.Property(x => x.Kind).HasMaxLength(30);
        e.Property(x => x.Body).HasMaxLength(1000);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.LastError).HasMaxLength(500);
        e.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Restrict);
    }
}
