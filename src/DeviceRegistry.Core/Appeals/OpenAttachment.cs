using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>A reviewer or supervisor (or a clerk of the filing office) opens an attachment; every opening is audited.</summary>
public sealed record OpenAttachment(StaffActor Actor, string TrackingNumber, long AttachmentId) : IRequest<OpenedAttachment>;

public sealed record OpenedAttachment(string FileName, string ContentType, string Sha256, byte[] Content);

internal sealed class OpenAttachmentHandler(RegistryDbContext db, RegistryClock clock) : IRequestHandler<OpenAttachment, OpenedAttachment>
{
    public async Task<OpenedAttachment> Handle(OpenAttachment request, CancellationToken cancellationToken)
    {
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, request.Actor, cancellationToken);
        var attachment = await db.Set<AppealAttachment>().AsNoTracking()
            .SingleOrDefaultAsync(a => a.Id == request.AttachmentId && a.AppealId == appeal.Id, cancellationToken)
            ?? throw new AppealException(AppealProblem.NotFound, RefusalCodes.AttachmentNotFound,
                $"appeal {appeal.TrackingNumber} has no attachment {request.AttachmentId}", appeal.TrackingNumber, request.AttachmentId);
        AuditLog.Record(db, request.Actor, AuditActions.AttachmentOpened, AppealWorkflow.Subject(appeal), clock.UtcNow.UtcDateTime, appeal.Imei,
            after: new { attachment.Id, attachment.FileName, attachment.Sha256 });
        await db.SaveChangesAsync(cancellationToken);
        return new OpenedAttachment(attachment.FileName, attachment.ContentType, attachment.Sha256, attachment.Content);
    }
}
