using DeviceRegistry.Audit;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;

namespace DeviceRegistry.Appeals;

/// <summary>
/// The assigned reviewer (or a supervisor) sends the appeal back to the filing office with a question; the
/// applicant gets an SMS to visit the office. The service-level clock keeps running.
/// </summary>
public sealed record RequestInformation : IRequest<int>
{
    public required StaffActor Actor { get; init; }

    public required string TrackingNumber { get; init; }

    public int Version { get; init; }

    public required string Message { get; init; }
}

internal sealed class RequestInformationValidator : AbstractValidator<RequestInformation>
{
    public RequestInformationValidator()
    {
        RuleFor(x => x.Message).NotEmpty().WithErrorCode(RefusalCodes.MessageRequired).WithMessage("write what information is needed")
            .MaximumLength(4000).WithErrorCode(RefusalCodes.MessageTooLong).WithMessage("the message has at most 4000 characters");
    }
}

internal sealed class RequestInformationHandler(RegistryDbContext db, RegistryClock clock) : IRequestHandler<RequestInformation, int>
{
    public async Task<int> Handle(RequestInformation request, CancellationToken cancellationToken)
    {
        var appeal = await AppealWorkflow.LoadAsync(db, request.TrackingNumber, request.Actor, cancellationToken);
        DecideAppealHandler.RequireDecider(appeal, request.Actor);
        AppealWorkflow.CheckVersion(appeal, request.Version);
        AppealWorkflow.RequireStatus(appeal, "requesting information", RefusalCodes.StatusRequestingInformation, AppealStatus.InReview);
        var before = AppealWorkflow.Snapshot(appeal);
        var now = clock.UtcNow.UtcDateTime;
        appeal.Status = AppealStatus.InformationRequested;
        AppealWorkflow.Record(db, appeal, request.Actor, AppealEventKind.InformationRequested, AuditActions.AppealInformationRequested,
            before, request.Message, now);
        AppealWorkflow.QueueSms(db, appeal, AppealSmsTexts.InformationRequested, null, now);
        await AppealWorkflow.SaveAsync(db, appeal, cancellationToken);
        return appeal.Version;
    }
}
