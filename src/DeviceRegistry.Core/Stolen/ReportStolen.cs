using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using FluentValidation;
using FluentValidation.Results;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Stolen;

/// <summary>
/// Reports a lost or stolen device: a new case numbered <paramref name="CaseNumber"/> (unique) covering the IMEIs,
/// Blocked at once. In one transaction: the case, its IMEIs, its history (reported; blocked per IMEI), a Stolen
/// block per IMEI (the EIR's stolen bit), an <see cref="ImeiChange"/> per IMEI (the EIR's index follows them) and the
/// audit entries. Refused whole, with nothing written, when an IMEI is malformed or already in an open case, or the
/// case number is taken.
/// </summary>
public sealed record ReportStolen(IReadOnlyList<string> Imeis, string CaseNumber, string ReportedBy, StaffActor Actor)
    : IRequest<StolenCaseView>;

internal sealed class ReportStolenHandler(RegistryDbContext db, RegistryClock clock)
    : IRequestHandler<ReportStolen, StolenCaseView>
{
    public async Task<StolenCaseView> Handle(ReportStolen request, CancellationToken cancellationToken)
    {
        StolenRefusals.RequireAdministrator(request.Actor);
        var imeis = StolenRefusals.ParseImeis(request.Imeis);
        var caseNumber = StolenRefusals.CaseNumber(request.CaseNumber);
        var reportedBy = request.ReportedBy?.Trim() ?? string.Empty;
        if (reportedBy.Length == 0)
        {
            throw StolenRefusals.Refuse("ReportedBy", RefusalCodes.StolenReportedByRequired,
                "who reported it is required (a police station, an operator, the owner)");
        }

        if (reportedBy.Length > StolenLimits.ReportedByLength)
        {
            throw StolenRefusals.Refuse("ReportedBy", RefusalCodes.StolenReportedByTooLong,
                $"'reported by' is longer than {StolenLimits.ReportedByLength} characters", StolenLimits.ReportedByLength);
        }

        var keys = imeis.Select(i => i.Key).ToList();
        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await ConflictAsync(caseNumber, keys, cancellationToken) is { } conflict)
            {
                throw conflict;
            }

            var now = clock.UtcNow.UtcDateTime;
            var today = clock.Today();
            var stolenCase = new StolenCase
            {
                CaseNumber = caseNumber,
                ReportedBy = reportedBy,
                ReportedAt = now,
                EnteredBy = request.Actor.UserName,
                Status = StolenCaseStatus.Blocked,
            };
            stolenCase.Events.Add(new StolenCaseEvent
            {
                At = now, Kind = StolenCaseEventKind.Reported, Actor = request.Actor.UserName, Detail = reportedBy,
            });

            var liveBlocks = await db.Set<ImeiBlock>()
                .Where(b => keys.Contains(b.Imei) && b.Reason == BlockReason.Stolen && (b.LiftedAt == null || b.BlockedOn == today))
                .ToListAsync(cancellationToken);
            foreach (var imei in imeis)
            {
                stolenCase.Imeis.Add(new StolenCaseImei { Imei = imei.Key, BlockedAt = now });
                stolenCase.Events.Add(new StolenCaseEvent
                {
                    At = now, Kind = StolenCaseEventKind.Blocked, Imei = imei.Key, Actor = request.Actor.UserName,
                });
                Block(liveBlocks, imei.Key, today, now, caseNumber);
                db.Add(new ImeiChange { Imei = imei.Key, Source = StolenLimits.ChangeSource, ChangedAt = now });
                AuditLog.Record(db, request.Actor, AuditActions.StolenReported, StolenCaseView.Subject(caseNumber), now,
                    imei: imei.Key, after: new { caseNumber, reportedBy, status = StolenCaseStatus.Blocked.ToString() });
            }

            db.Add(stolenCase);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another report committed the same case number or IMEI between the check and the insert (the unique
                // indexes refused this one): answer as the check would have.
                await tx.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                throw await ConflictAsync(caseNumber, keys, cancellationToken) ?? throw new InvalidOperationException("the report could not be saved");
            }
        }

        return (await StolenCaseViews.LoadAsync(db, caseNumber, cancellationToken))!.Case;
    }

    /// <summary>The refusal for a case number already used or an IMEI already in an open case; null when neither.</summary>
    private async Task<ValidationException?> ConflictAsync(string caseNumber, List<long> keys, CancellationToken ct)
    {
        if (await db.Set<StolenCase>().AnyAsync(c => c.CaseNumber == caseNumber, ct))
        {
            return StolenRefusals.Refuse("CaseNumber", RefusalCodes.StolenCaseNumberTaken,
                $"case number {caseNumber} is already used by another report", caseNumber);
        }

        var open = await (
            from i in db.Set<StolenCaseImei>()
            join c in db.Set<StolenCase>() on i.CaseId equals c.Id
            where keys.Contains(i.Imei) && i.RecoveredAt == null
            select new { i.Imei, c.CaseNumber }).ToListAsync(ct);
        return open.Count == 0
            ? null
            : new ValidationException(open.OrderBy(o => o.Imei).Select(o =>
            {
                var text = new Identifiers.Imei(o.Imei).WithCheckDigit;
                return RefusalCodes.Failure("Imeis", RefusalCodes.StolenImeiOpen,
                    $"IMEI {text} is already in open case {o.CaseNumber}", text, o.CaseNumber);
            }).ToList<ValidationFailure>());
    }

    /// <summary>
    /// The IMEI's Stolen block: a live one stays; otherwise today's row (reported, recovered and reported again on
    /// one day: the unique key is per day) is made live again, or a new one added.
    /// </summary>
    private void Block(List<ImeiBlock> blocks, long imei, DateOnly today, DateTime now, string caseNumber)
    {
        if (blocks.Any(b => b.Imei == imei && b.LiftedAt == null))
        {
            return;
        }

        var block = blocks.FirstOrDefault(b => b.Imei == imei && b.BlockedOn == today);
        if (block is null)
        {
            block = new ImeiBlock { Imei = imei, Reason = BlockReason.Stolen, BlockedOn = today, CreatedAt = now };
            db.Add(block);
        }

        block.LiftedAt = null;
        block.LiftReason = null;
        block.Note = "case " + caseNumber;
    }
}
