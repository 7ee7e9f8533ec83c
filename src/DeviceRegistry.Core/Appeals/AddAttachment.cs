using System.Security.Cryptography;
using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// A clerk of the filing office adds a photo or scan (JPEG, PNG or PDF) to an open appeal. The type must be
/// accepted (<see cref="AppealSettings.AttachmentTypes"/>), the size within the limit, and the file's own first
/// bytes must match the declared type; its SHA-256 is kept with it.
/// </summary>
public sealed record AddAttachment : IRequest<AttachmentInfo>
{
    public required StaffActor Actor { get; init; }

    public required string TrackingNumber { get; init; }

    public required string FileName { get; init; }

    public required string ContentType { get; init; }

    public required byte[] Content { get; init; }
}

public sealed record AttachmentInfo(long Id, string FileName, string ContentType, long Length, string Sha256, DateTime UploadedAt, string UploadedBy);

internal sealed class AddAttachmentHandler(RegistryDbContext db, AppealSettings settings, RegistryClock clock)
    : IRequestHandler<AddAttachment, AttachmentInfo>
{
    public async Task<AttachmentInfo> Handle(AddAttachment request, CancellationToken cancellationToken)
    {
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, request.Actor, cancellationToken);
        if (!AppealWorkflow.IsClerkOf(request.Actor, appeal))
        {
            throw new AppealException(AppealProblem.Forbidden, RefusalCodes.AttachmentForbidden, "attachments are added by a clerk of the office that filed the appeal");
        }

        if (!Appeal.IsOpen(appeal.Status))
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentClosed,
                $"appeal {appeal.TrackingNumber} is {appeal.Status}: attachments are added while it is open", appeal.TrackingNumber, appeal.Status);
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var info = await AttachmentRules.AddAsync(db, settings, appeal, request.Actor, request.FileName, request.ContentType, request.Content,
            clock.UtcNow.UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return info;
    }
}

/// <summary>The attachment rules, shared by <see cref="AddAttachment"/> and <see cref="ProvideInformation"/>.</summary>
internal static class AttachmentRules
{
    /// <summary>The type the first bytes show, or null when they are none of JPEG, PNG, PDF.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }))
        {
            return "image/jpeg";
        }

        if (content.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 }))
        {
            return "image/png";
        }

        return content.StartsWith("%PDF"u8) ? "application/pdf" : null;
    }

    /// <summary>Checks the file and adds it with its trail entry and audit entry (saved by the caller); the appeal's version is not moved.</summary>
    public static async Task<AttachmentInfo> AddAsync(RegistryDbContext db, AppealSettings settings, Appeal appeal, StaffActor actor,
        string fileName, string contentType, byte[] content, DateTime now, CancellationToken ct)
    {
        var name = Path.GetFileName(fileName ?? string.Empty).Trim();
        if (name.Length == 0)
        {
            name = "attachment";
        }

        if (name.Length > 255)
        {
            name = name[^255..];
        }

        var type = (contentType ?? string.Empty).Trim().ToLowerInvariant();
        if (!settings.AttachmentTypes.Contains(type))
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentType,
                $"{name}: files of type '{type}' are not accepted; accepted are {string.Join(", ", settings.AttachmentTypes)}",
                name, type, string.Join(", ", settings.AttachmentTypes));
        }

        if (content.Length == 0)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentEmpty, $"{name} is empty", name);
        }

        if (content.Length > settings.MaxAttachmentBytes)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentTooLarge,
                $"{name} has {content.Length:N0} bytes; the largest accepted is {settings.MaxAttachmentBytes:N0} bytes",
                name, content.Length, settings.MaxAttachmentBytes);
        }

        var sniffed = Sniff(content);
        if (sniffed != type)
        {
            throw sniffed is null
                ? new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentContentUnknown,
                    $"{name} is declared {type} but its content is none of JPEG, PNG or PDF", name, type)
                : new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentContentMismatch,
                    $"{name} is declared {type} but its content is {sniffed}", name, type, sniffed);
        }

        var count = await db.Set<AppealAttachment>().CountAsync(a => a.AppealId == appeal.Id, ct);
        if (count >= settings.MaxAttachments)
        {
            throw new AppealException(AppealProblem.Refused, RefusalCodes.AttachmentTooMany,
                $"appeal {appeal.TrackingNumber} already has {count} attachments, the most allowed", appeal.TrackingNumber, count);
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var attachment = new AppealAttachment
        {
            AppealId = appeal.Id, FileName = name, ContentType = type, Length = content.Length, Sha256 = sha, Content = content,
            UploadedById = actor.UserId, UploadedAt = now,
        };
        db.Add(attachment);
        db.Add(new AppealEvent
        {
            AppealId = appeal.Id, At = now, ActorId = actor.UserId, ActorName = actor.UserName, Kind = AppealEventKind.AttachmentAdded,
            Status = appeal.Status, Text = $"{name} ({type}, {content.Length} bytes, SHA-256 {sha})",
        });
        AuditLog.Record(db, actor, AuditActions.AttachmentAdded, AppealWorkflow.Subject(appeal), now, appeal.Imei,
            after: new { FileName = name, ContentType = type, Length = content.Length, Sha256 = sha });
        await db.SaveChangesAsync(ct);
        return new AttachmentInfo(attachment.Id, name, type, content.Length, sha, now, actor.UserName);
    }
}
