using System.Globalization;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Registrations;

/// <summary>
/// A bank's or post office's confirmation that a duty was paid. Idempotent by reference: a repeat
/// of an applied payment changes nothing. A wrong amount or an unknown reference is refused and kept
/// in unmatched_payments (a repeat counts up there), so no money that arrived is lost.
/// </summary>
public sealed record ConfirmPayment(string Reference, decimal AmountAzn, string? TransactionId = null) : IRequest<PaymentResult>;

public enum PaymentOutcome
{
    /// <summary>The invoice is paid now and the registration effective.</summary>
    Applied,

    /// <summary>The same payment was confirmed before; nothing changed.</summary>
    AlreadyPaid,

    /// <summary>Refused: the amount is not the invoice's; kept as unmatched.</summary>
    WrongAmount,

    /// <summary>Refused: no invoice has the reference; kept as unmatched.</summary>
    UnknownReference,
}

public sealed record PaymentResult(
    PaymentOutcome Outcome,
    string Reference,
    decimal AmountAzn,
    decimal? InvoiceAmountAzn,
    long? RegistrationId,
    IReadOnlyList<Imei> Imeis,
    int BlocksLifted,
    long? UnmatchedPaymentId,
    int TimesReceived)
{
    public bool Accepted => Outcome is PaymentOutcome.Applied or PaymentOutcome.AlreadyPaid;

    public string Describe() => Outcome switch
    {
        PaymentOutcome.Applied => string.Create(CultureInfo.InvariantCulture,
            $"payment {Reference} of {AmountAzn:0.00} AZN applied: registration {RegistrationId} is effective for IMEI {string.Join(", ", Imeis)}; {BlocksLifted} block(s) lifted"),
        PaymentOutcome.AlreadyPaid => string.Create(CultureInfo.InvariantCulture,
            $"payment {Reference} of {AmountAzn:0.00} AZN was already applied (registration {RegistrationId}); nothing changed"),
        PaymentOutcome.WrongAmount => string.Create(CultureInfo.InvariantCulture,
            $"payment {Reference} refused: amount {AmountAzn:0.00} AZN, but the invoice is for {InvoiceAmountAzn:0.00} AZN; kept as unmatched payment {UnmatchedPaymentId} (received {TimesReceived} time(s))"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"payment {Reference} of {AmountAzn:0.00} AZN refused: no duty invoice has this reference; kept as unmatched payment {UnmatchedPaymentId} (received {TimesReceived} time(s))"),
    };
}

internal sealed class ConfirmPaymentValidator : AbstractValidator<ConfirmPayment>
{
    public ConfirmPaymentValidator()
    {
        RuleFor(x => x.Reference).NotEmpty().WithMessage("the payment reference is required")
            .MaximumLength(40).WithMessage("a payment reference has at most 40 characters");
        RuleFor(x => x.AmountAzn).GreaterThan(0).WithMessage("the amount must be more than 0 AZN")
            .PrecisionScale(12, 2, ignoreTrailingZeros: true).WithMessage("the amount is in AZN with at most 2 decimals (qəpik)");
        RuleFor(x => x.TransactionId).MaximumLength(64);
    }
}

internal sealed class ConfirmPaymentHandler(RegistryDbContext db, TimeProvider clock) : IRequestHandler<ConfirmPayment, PaymentResult>
{
    public async Task<PaymentResult> Handle(ConfirmPayment request, CancellationToken cancellationToken)
    {
        var reference = NormalizeReference(request.Reference);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var invoice = await db.Set<DutyInvoice>().AsNoTracking().FirstOrDefaultAsync(i => i.Reference == reference, cancellationToken);
        if (invoice is null)
        {
            return await KeepUnmatchedAsync(reference, request, UnmatchedReason.UnknownReference, null, null, now, tx, cancellationToken);
        }

        var imeis = await db.Set<RegistrationImei>().Where(r => r.RegistrationId == invoice.RegistrationId)
            .OrderBy(r => r.Imei).Select(r => r.Imei).ToListAsync(cancellationToken);
        if (request.AmountAzn != invoice.AmountAzn)
        {
            return await KeepUnmatchedAsync(reference, request, UnmatchedReason.WrongAmount, invoice.AmountAzn, invoice.RegistrationId, now, tx, cancellationToken);
        }

        // The conditional update is the idempotency guard: of two confirmations racing, one wins.
        var claimed = await db.Set<DutyInvoice>()
            .Where(i => i.Id == invoice.Id && i.Status == InvoiceStatus.Open)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(i => i.Status, InvoiceStatus.Paid);
                s.SetProperty(i => i.PaidAt, (DateTime?)now);
                s.SetProperty(i => i.TransactionId, request.TransactionId);
            }, cancellationToken);
        var keys = imeis.Select(k => new Imei(k)).ToList();
        if (claimed == 0)
        {
            await tx.CommitAsync(cancellationToken);
            return new PaymentResult(PaymentOutcome.AlreadyPaid, reference, request.AmountAzn, invoice.AmountAzn, invoice.RegistrationId, keys, 0, null, 0);
        }

        var registration = await db.Set<Registration>().SingleAsync(r => r.Id == invoice.RegistrationId, cancellationToken);
        var lifted = await RegistrationEffects.MakeEffectiveAsync(db, registration, imeis, now, "payment", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new PaymentResult(PaymentOutcome.Applied, reference, request.AmountAzn, invoice.AmountAzn, registration.Id, keys, lifted.Count, null, 0);
    }

    /// <summary>References are quoted with spaces or dashes at times; the digits and letters are what count.</summary>
    internal static string NormalizeReference(string text) =>
        string.Concat(text.Where(c => c is not (' ' or '-'))).ToUpperInvariant();

    private async Task<PaymentResult> KeepUnmatchedAsync(string reference, ConfirmPayment request, UnmatchedReason reason,
        decimal? invoiceAmount, long? registrationId, DateTime now, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        var candidates = await db.Set<UnmatchedPayment>().Where(p => p.Reference == reference && p.Reason == reason).ToListAsync(ct);
        var row = candidates.FirstOrDefault(p => p.AmountAzn == request.AmountAzn);
        if (row is null)
        {
            row = new UnmatchedPayment
            {
                Reference = reference,
                AmountAzn = request.AmountAzn,
                Reason = reason,
                TransactionId = request.TransactionId,
                FirstReceivedAt = now,
                LastReceivedAt = now,
                TimesReceived = 1,
            };
            db.Add(row);
        }
        else
        {
            row.TimesReceived++;
            row.LastReceivedAt = now;
            row.TransactionId ??= request.TransactionId;
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var outcome = reason == UnmatchedReason.UnknownReference ? PaymentOutcome.UnknownReference : PaymentOutcome.WrongAmount;
        return new PaymentResult(outcome, reference, request.AmountAzn, invoiceAmount, registrationId, [], 0, row.Id, row.TimesReceived);
    }
}
