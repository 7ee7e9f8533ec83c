using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DeviceRegistry.Registrations;

/// <summary>Kinds of <see cref="DutyTariff"/> rows.</summary>
public static class TariffKinds
{
    /// <summary>A price bracket: applies to prices up to <see cref="DutyTariff.PriceUpToUsd"/> (inclusive).</summary>
    public const string Bracket = "Bracket";

    /// <summary>A phone without camera, video or internet up to <see cref="DutyTariff.PriceUpToUsd"/>.</summary>
    public const string BasicPhone = "BasicPhone";

    /// <summary>A model not on the ministry's price list.</summary>
    public const string Unlisted = "Unlisted";
}

/// <summary>One row of a state-duty tariff, in force from <see cref="ValidFrom"/> until the day before <see cref="ValidUntil"/>.</summary>
public sealed class DutyTariff
{
    public int Id { get; set; }

    /// <summary>The first day the row applies; null = since always.</summary>
    public DateOnly? ValidFrom { get; set; }

    /// <summary>The first day the row no longer applies; null = still in force.</summary>
    public DateOnly? ValidUntil { get; set; }

    public required string Kind { get; set; }

    /// <summary>The bracket's inclusive upper edge in USD; null = no upper edge.</summary>
    public decimal? PriceUpToUsd { get; set; }

    public decimal DutyAzn { get; set; }

    public string? Decree { get; set; }

    public bool InForceOn(DateOnly date) =>
        (ValidFrom is null || ValidFrom.Value <= date) && (ValidUntil is null || date < ValidUntil.Value);
}

/// <summary>The ministry's market price of a brand and model.</summary>
public sealed class ModelPrice
{
    public int Id { get; set; }

    public required string Brand { get; set; }

    public required string Model { get; set; }

    public decimal PriceUsd { get; set; }

    /// <summary>A phone without camera, video or internet (the cheapest duty row).</summary>
    public bool BasicPhone { get; set; }
}

public enum RegistrationChannel
{
    /// <summary>An individual at a post office (Azərpoçt) with an ID document.</summary>
    PostOffice,

    /// <summary>An individual through the online portal.</summary>
    Online,

    /// <summary>An importer's bulk registration of stock with customs duty and VAT paid: exempt from the state duty.</summary>
    ImporterBulk,
}

public enum RegistrationStatus
{
    /// <summary>The duty invoice is open; the registration is not effective yet.</summary>
    AwaitingPayment,

    /// <summary>Duty paid (or exempt, or taken over from the previous owner): the IMEIs are registered.</summary>
    Effective,

    /// <summary>The device was sold and re-registered by a new owner; kept for history.</summary>
    Transferred,
}

public enum OwnerDocumentType
{
    IdCard,
    Passport,
    ResidencePermit,

    /// <summary>A company's tax identification number (importers).</summary>
    TaxId,
}

public enum PriceSource
{
    /// <summary>The model is on the ministry's price list: its list price decides the bracket.</summary>
    PriceList,

    /// <summary>The model is not on the list: the "not on the list" rate applies.</summary>
    Unlisted,
}

public enum DutyBasis
{
    /// <summary>Charged at the tariff in force on the registration date.</summary>
    Tariff,

    /// <summary>Imported for sale with customs duty and VAT paid.</summary>
    ImporterExempt,

    /// <summary>Re-registration after a sale: the device's duty was paid by the first owner.</summary>
    Transfer,
}

/// <summary>A physical device (one or more IMEIs) registered for an owner.</summary>
public sealed class Registration
{
    public long Id { get; set; }

    public RegistrationChannel Channel { get; set; }

    public RegistrationStatus Status { get; set; }

    public OwnerDocumentType OwnerDocumentType { get; set; }

    public required string OwnerDocumentNumber { get; set; }

    public required string OwnerName { get; set; }

    /// <summary>The owner's contact number as E.164 digits.</summary>
    public required string OwnerContact { get; set; }

    public int Tac { get; set; }

    public string? Brand { get; set; }

    public string? Model { get; set; }

    /// <summary>What the owner declared; recorded, but the ministry's list decides the duty.</summary>
    public decimal? DeclaredPriceUsd { get; set; }

    /// <summary>The price the duty was computed on (the list price), null for an unlisted model.</summary>
    public decimal? PriceUsd { get; set; }

    public PriceSource PriceSource { get; set; }

    public bool BasicPhone { get; set; }

    public string? CustomsDeclaration { get; set; }

    public DateOnly RegisteredOn { get; set; }

    public DutyBasis DutyBasis { get; set; }

    public int? DutyTariffId { get; set; }

    public decimal DutyAzn { get; set; }

    public long? TransferredFromId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? EffectiveAt { get; set; }

    /// <summary>When a transfer to a new owner ended it.</summary>
    public DateTime? EndedAt { get; set; }
}

/// <summary>An IMEI a registration covers; kept after a transfer as history.</summary>
public sealed class RegistrationImei
{
    public long RegistrationId { get; set; }

    public long Imei { get; set; }
}

/// <summary>The one live registration (awaiting payment or effective) of an IMEI.</summary>
public sealed class RegisteredImei
{
    public long Imei { get; set; }

    public long RegistrationId { get; set; }

    public DateOnly Since { get; set; }
}

public enum InvoiceStatus
{
    Open,
    Paid,
}

public sealed class DutyInvoice
{
    public long Id { get; set; }

    public long RegistrationId { get; set; }

    /// <summary>What the payer quotes: 12 digits, the last a Luhn check digit.</summary>
    public required string Reference { get; set; }

    public decimal AmountAzn { get; set; }

    public InvoiceStatus Status { get; set; }

    public DateTime IssuedAt { get; set; }

    public DateTime? PaidAt { get; set; }

    public string? TransactionId { get; set; }
}

public enum UnmatchedReason
{
    UnknownReference,
    WrongAmount,
}

/// <summary>A payment confirmation that could not be applied; kept for the finance office to resolve.</summary>
public sealed class UnmatchedPayment
{
    public long Id { get; set; }

    public required string Reference { get; set; }

    public decimal AmountAzn { get; set; }

    public UnmatchedReason Reason { get; set; }

    public string? TransactionId { get; set; }

    public DateTime FirstReceivedAt { get; set; }

    public DateTime LastReceivedAt { get; set; }

    public int TimesReceived { get; set; }
}

public enum BlockReason
{
    /// <summary>The registration window ended and the IMEI was not registered.</summary>
    NoRegistration,

    /// <summary>Reported stolen or lost.</summary>
    Stolen,
}

/// <summary>A block on an IMEI; live while <see cref="LiftedAt"/> is null.</summary>
public sealed class ImeiBlock
{
    public long Id { get; set; }

    public long Imei { get; set; }

    public BlockReason Reason { get; set; }

    /// <summary>The first day the block applies (for NoRegistration: the day after the window's last day).</summary>
    public DateOnly BlockedOn { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? Note { get; set; }

    public DateTime? LiftedAt { get; set; }

    public string? LiftReason { get; set; }
}

public enum SmsStatus
{
    /// <summary>Queued: not yet accepted by a gateway (a failed attempt leaves it here, with its error, for the next run).</summary>
    Pending,

    /// <summary>Accepted by the gateway; no final delivery report (yet).</summary>
    Sent,

    /// <summary>No MSISDN was ever seen on the IMEI: recorded so the warning is accounted for, nothing to send.</summary>
    NoRecipient,

    /// <summary>The gateway reported it delivered to the phone.</summary>
    Delivered,

    /// <summary>The gateway reported that it could not be delivered (to the phone or by the SMSC); not sent again.</summary>
    Failed,
}

/// <summary>A registration-window warning in the SMS outbox.</summary>
public sealed class SmsMessage : IQueuedSms
{
    public long Id { get; set; }

    public long Imei { get; set; }

    public required string Msisdn { get; set; }

    public DateOnly WindowStart { get; set; }

    public int WarningDay { get; set; }

    /// <summary>The window's last allowed day.</summary>
    public DateOnly Deadline { get; set; }

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

internal sealed class DutyTariffConfiguration : IEntityTypeConfiguration<DutyTariff>
{
    public void Configure(EntityTypeBuilder<DutyTariff> e)
    {
        e.ToTable("duty_tariffs");
        e.Property(x => x.Kind).HasMaxLength(20);
        e.Property(x => x.PriceUpToUsd).HasPrecision(12, 2);
        e.Property(x => x.DutyAzn).HasPrecision(12, 2);
    }
}

internal sealed class ModelPriceConfiguration : IEntityTypeConfiguration<ModelPrice>
{
    public void Configure(EntityTypeBuilder<ModelPrice> e)
    {
        e.ToTable("model_prices");
        e.Property(x => x.Brand).HasMaxLength(100);
        e.Property(x => x.Model).HasMaxLength(200);
        e.Property(x => x.PriceUsd).HasPrecision(12, 2);
        e.HasIndex(x => new { x.Brand, x.Model }).IsUnique();
    }
}

internal sealed class RegistrationConfiguration : IEntityTypeConfiguration<Registration>
{
    public void Configure(EntityTypeBuilder<Registration> e)
    {
        e.ToTable("registrations");
        e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.OwnerDocumentType).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.OwnerDocumentNumber).HasMaxLength(40);
        e.Property(x => x.OwnerName).HasMaxLength(200);
        e.Property(x => x.OwnerContact).HasMaxLength(15);
        e.Property(x => x.DeclaredPriceUsd).HasPrecision(12, 2);
        e.Property(x => x.PriceUsd).HasPrecision(12, 2);
        e.Property(x => x.PriceSource).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.CustomsDeclaration).HasMaxLength(40);
        e.Property(x => x.DutyBasis).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.DutyAzn).HasPrecision(12, 2);
        e.HasOne<DutyTariff>().WithMany().HasForeignKey(x => x.DutyTariffId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Registration>().WithMany().HasForeignKey(x => x.TransferredFromId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.OwnerDocumentNumber);
    }
}

internal sealed class RegistrationImeiConfiguration : IEntityTypeConfiguration<RegistrationImei>
{
    public void Configure(EntityTypeBuilder<RegistrationImei> e)
    {
        e.ToTable("registration_imeis");
        e.HasKey(x => new { x.RegistrationId, x.Imei });
        e.HasOne<Registration>().WithMany().HasForeignKey(x => x.RegistrationId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.Imei);
    }
}

internal sealed class RegisteredImeiConfiguration : IEntityTypeConfiguration<RegisteredImei>
{
    public void Configure(EntityTypeBuilder<RegisteredImei> e)
    {
        e.ToTable("registered_imeis");
        e.HasKey(x => x.Imei);
        e.Property(x => x.Imei).ValueGeneratedNever();
        e.HasOne<Registration>().WithMany().HasForeignKey(x => x.RegistrationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DutyInvoiceConfiguration : IEntityTypeConfiguration<DutyInvoice>
{
    public void Configure(EntityTypeBuilder<DutyInvoice> e)
    {
        e.ToTable("duty_invoices");
        e.Property(x => x.Reference).HasMaxLength(20);
        e.Property(x => x.AmountAzn).HasPrecision(12, 2);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.TransactionId).HasMaxLength(64);
        e.HasOne<Registration>().WithMany().HasForeignKey(x => x.RegistrationId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.Reference).IsUnique();
        e.HasIndex(x => x.RegistrationId).IsUnique();
    }
}

internal sealed class UnmatchedPaymentConfiguration : IEntityTypeConfiguration<UnmatchedPayment>
{
    public void Configure(EntityTypeBuilder<UnmatchedPayment> e)
    {
        e.ToTable("unmatched_payments");
        e.Property(x => x.Reference).HasMaxLength(40);
        e.Property(x => x.AmountAzn).HasPrecision(12, 2);
        e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.TransactionId).HasMaxLength(64);
        e.HasIndex(x => new { x.Reference, x.Reason, x.AmountAzn }).IsUnique();
    }
}

internal sealed class ImeiBlockConfiguration : IEntityTypeConfiguration<ImeiBlock>
{
    public void Configure(EntityTypeBuilder<ImeiBlock> e)
    {
        e.ToTable("imei_blocks");
        e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.LiftReason).HasMaxLength(100);
        e.HasIndex(x => new { x.Imei, x.Reason, x.BlockedOn }).IsUnique();
    }
}

internal sealed class SmsMessageConfiguration : IEntityTypeConfiguration<SmsMessage>
{
    public void Configure(EntityTypeBuilder<SmsMessage> e)
    {
        e.ToTable("sms_outbox");
        e.Property(x => x.Msisdn).HasMaxLength(15);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        e.HasIndex(x => new { x.Imei, x.WindowStart, x.WarningDay, x.Msisdn }).IsUnique();
        e.HasIndex(x => x.Status);
    }
}
