using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Stolen;

/// <summary>
/// Recovers IMEIs of a case (the device was found, or the report withdrawn): DIRBS's cross-check, the case number
/// must be the one each IMEI is open under, else the whole request is refused and nothing changes. In one
/// transaction each IMEI's Stolen block is lifted, its history and audit entry written and an
/// <see cref="ImeiChange"/> added; the EIR then answers what the rest of the IMEI's state says. The case is
/// Recovered once its last IMEI is.
/// </summary>
public sealed record RecoverStolen(IReadOnlyList<string> Imeis, string CaseNumber, StaffActor Actor) : IRequest<StolenCaseView>;

internal sealed class RecoverStolenHandler(RegistryDbContext db, RegistryClock clock)
    : IRequestHandler<RecoverStolen, StolenCaseView>
{
    public async Task<StolenCaseView> Handle(RecoverStolen request, CancellationToken cancellationToken)
    {
        StolenRefusals.RequireAdministrator(request.Actor);
        var imeis = StolenRefusals.ParseImeis(request.Imeis);
        var caseNumber = StolenRefusals.CaseNumber(request.CaseNumber);
        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var stolenCase = await db.Set<StolenCase>().Include(c => c.Imeis)
                .FirstOrDefaultAsync(c => c.CaseNumber == caseNumber, cancellationToken);
            var rows = new List<StolenCaseImei>();
            foreach (var imei in imeis)
            {
                var row = stolenCase?.Imeis.FirstOrDefault(i => i.Imei == imei.Key);
                if (row is null)
                {
                    // Whether another case holds the IMEI is not said: the case number is the proof asked for.
                    throw StolenRefusals.Refuse("CaseNumber", RefusalCodes.StolenRecoverMismatch,
                        $"IMEI {imei.WithCheckDigit} has no open case numbered {caseNumber}: give the case number it was reported under",
                        imei.WithCheckDigit, caseNumber);
                }

                if (row.RecoveredAt is not null)
                {
                    throw StolenRefusals.Refuse("Imeis", RefusalCodes.StolenRecoverAlready,
                        $"IMEI {imei.WithCheckDigit} of case {caseNumber} is already recovered", imei.WithCheckDigit, caseNumber);
                }

                rows.Add(row);
            }

            var now = clock.UtcNow.UtcDateTime;
            var keys = rows.Select(r => r.Imei).ToList();
            var blocks = await db.Set<ImeiBlock>()
                .Where(b => keys.Contains(b.Imei) && b.Reason == BlockReason.Stolen && b.LiftedAt == null)
                .ToListAsync(cancellationToken);
            foreach (var block in blocks)
            {
                block.LiftedAt = now;
                block.LiftReason = "recovered, case " + caseNumber;
            }

            foreach (var row in rows)
            {
                row.RecoveredAt = now;
                row.RecoveredBy = request.Actor.UserName;
                db.Add(new StolenCaseEvent
                {
                    CaseId = stolenCase!.Id, At = now, Kind = StolenCaseEventKind.Recovered, Imei = row.Imei, Actor = request.Actor.UserName,
                });
                db.Add(new ImeiChange { Imei = row.Imei, Source = StolenLimits.ChangeSource, ChangedAt = now });
            }

            var before = stolenCase!.Status;
            if (stolenCase.Imeis.All(i => i.RecoveredAt is not null))
            {
                stolenCase.Status = StolenCaseStatus.Recovered;
                stolenCase.RecoveredAt = now;
                stolenCase.RecoveredBy = request.Actor.UserName;
            }

            foreach (var row in rows)
            {
                AuditLog.Record(db, request.Actor, AuditActions.StolenRecovered, StolenCaseView.Subject(caseNumber), now, imei: row.Imei,
                    before: new { caseNumber, status = before.ToString() }, after: new { caseNumber, status = stolenCase.Status.ToString() });
            }

            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        return (await StolenCaseViews.LoadAsync(db, caseNumber, cancellationToken))!.Case;
    }
}
