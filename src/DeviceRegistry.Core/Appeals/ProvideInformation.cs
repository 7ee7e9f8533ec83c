using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;

namespace DeviceRegistry.Appeals;

/// <summary>A clerk of the filing office answers an information request (with an attachment if the applicant brought one); the appeal goes back InReview.</summary>
public sealed record ProvideInformation : IRequest<int>
{
    public required StaffActor Actor { get; init; }

    public required string TrackingNumber { get; init; }

    public int Version { get; init; }

    public required string Answer { get; init; }

    public string? FileName { get; init; }

    public string? ContentType { get; init; }

    public byte[]? Content { get; init; }
}

internal sealed class ProvideInformationValidator : AbstractValidator<ProvideInformation>
{
    public ProvideInformationValidator()
    {
        RuleFor(x => x.Answer).NotEmpty().WithErrorCode(RefusalCodes.AnswerRequired).WithMessage("write the applicant's answer")
            .MaximumLength(4000).WithErrorCode(RefusalCodes.AnswerTooLong).WithMessage("the answer has at most 4000 characters");
    }
}

internal sealed class ProvideInformationHandler(RegistryDbContext db, AppealSettings settings, RegistryClock clock) : IRequestHandler<ProvideInformation, int>
{
    public async Task<int> Handle(ProvideInformation request, CancellationToken cancellationToken)
    {
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, request.Actor, cancellationToken);
        if (!AppealWorkflow.IsClerkOf(request.Actor, appeal))
        {
            throw new AppealException(AppealProblem.Forbidden, RefusalCodes.AnswerForbidden, "the answer is given by a clerk of the office that filed the appeal");
        }

        AppealWorkflow.CheckVersion(appeal, request.Version);
        AppealWorkflow.RequireStatus(appeal, "providing information", RefusalCodes.StatusProvidingInformation, AppealStatus.InformationRequested);
        var now = clock.UtcNow.UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        if (request.Content is { Length: > 0 } content)
        {
            await AttachmentRules.AddAsync(db, settings, appeal, request.Actor, request.FileName ?? "attachment", request.ContentType ?? string.Empty,
                content, now, cancellationToken);
        }

        var before = AppealWorkflow.Snapshot(appeal);
        appeal.Status = AppealStatus.InReview;
        AppealWorkflow.Record(db, appeal, request.Actor, AppealEventKind.InformationProvided, AuditActions.AppealInformationProvided,
            before, request.Answer, now);
        await AppealWorkflow.SaveAsync(db, appeal, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return appeal.Version;
    }
}
