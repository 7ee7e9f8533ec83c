using DeviceRegistry.Audit;
using DeviceRegistry.Clones;
using DeviceRegistry.Data;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using DeviceRegistry.Registrations;
using DeviceRegistry.Staff;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// A clerk files a citizen's appeal against the clone verdict on an IMEI, at the clerk's post office, after
/// seeing the applicant's ID document. Refused for an IMEI without a clone verdict and for an IMEI that
/// already has an open appeal (whose tracking number the clerk is told).
/// </summary>
public sealed record FileAppeal : IRequest<FiledAppeal>
{
    public required StaffActor Actor { get; init; }

    public required string Imei { get; init; }

    public OwnerDocumentType DocumentType { get; init; }

    public required string DocumentNumber { get; init; }

    public required string ApplicantName { get; init; }

    public required string ContactNumber { get; init; }

    /// <summary>The phone numbers the applicant uses in the phone (1 to 4): their SIMs are what a pairing admits.</summary>
    public required IReadOnlyList<string> Numbers { get; init; }

    public AppealReason Reason { get; init; }

    public string? ReasonText { get; init; }

    /// <summary>The language of the applicant's SMS: az, en or ru.</summary>
    public string Language { get; init; } = "az";
}

public sealed record FiledAppeal(string TrackingNumber, string Imei, DateOnly DueOn, string Office);

internal sealed class FileAppealValidator : AbstractValidator<FileAppeal>
{
    public const int MaxNumbers = 4;

    public static readonly IReadOnlyList<string> Languages = ["az", "en", "ru"];

    public FileAppealValidator()
    {
        RuleFor(x => x.Imei).Custom((text, ctx) =>
        {
            if (!Identifiers.Imei.TryParseFromPerson(text ?? string.Empty, out _, out var problem))
            {
                ctx.AddFailure(RefusalCodes.Failure(nameof(FileAppeal.Imei), RefusalCodes.ForImei(problem), Identifiers.Imei.Describe(problem)));
            }
        });
        RuleFor(x => x.DocumentType).IsInEnum().WithErrorCode(RefusalCodes.DocumentTypeRequired).WithMessage("choose the type of the applicant's ID document")
            .NotEqual(OwnerDocumentType.TaxId).WithErrorCode(RefusalCodes.DocumentTypeNotPerson)
            .WithMessage("an appeal is filed by a person: an ID card, passport or residence permit");
        RuleFor(x => x.DocumentNumber).NotEmpty().WithErrorCode(RefusalCodes.DocumentNumberRequired).WithMessage("the applicant's ID document number is required")
            .Matches("^[A-Za-z0-9]{4,40}$").WithErrorCode(RefusalCodes.DocumentNumberFormat).WithMessage("an ID document number is 4 to 40 letters and digits");
        RuleFor(x => x.ApplicantName).NotEmpty().WithErrorCode(RefusalCodes.ApplicantNameRequired).WithMessage("the applicant's name is required")
            .MaximumLength(200).WithErrorCode(RefusalCodes.ApplicantNameTooLong).WithMessage("the applicant's name has at most 200 characters");
        RuleFor(x => x.ContactNumber).Must(c => Msisdn.TryNormalize(c ?? string.Empty, out _)).WithErrorCode(RefusalCodes.ContactNumberFormat)
            .WithMessage("the contact number must be a phone number (5 to 15 digits, e.g. +994 50 123 45 67)");
        RuleFor(x => x.Numbers).Must(n => n is { Count: >= 1 and <= MaxNumbers }).WithErrorCode(RefusalCodes.NumbersCount)
            .WithState(_ => new RefusalArguments([MaxNumbers]))
            .WithMessage($"give 1 to {MaxNumbers} phone numbers the applicant uses in this phone");
        RuleForEach(x => x.Numbers).Must(n => Msisdn.TryNormalize(n ?? string.Empty, out _)).WithErrorCode(RefusalCodes.NumbersFormat)
            .WithState((_, n) => new RefusalArguments([n ?? string.Empty]))
            .WithMessage((_, n) => $"'{n}' is not a phone number (5 to 15 digits, e.g. +994 50 123 45 67)");
        RuleFor(x => x.Numbers).Must(n => n.Select(Normalized).Where(v => v is not null).Distinct().Count() == n.Count(v => Normalized(v) is not null))
            .When(x => x.Numbers is not null).WithErrorCode(RefusalCodes.NumbersDuplicate).WithMessage("the same phone number is listed twice");
        RuleFor(x => x.Reason).IsInEnum().WithErrorCode(RefusalCodes.ReasonRequired).WithMessage("choose the applicant's reason");
        RuleFor(x => x.ReasonText).NotEmpty().When(x => x.Reason == AppealReason.Other).WithErrorCode(RefusalCodes.ReasonTextRequired)
            .WithMessage("describe the reason when it is Other");
        RuleFor(x => x.ReasonText).MaximumLength(2000).WithErrorCode(RefusalCodes.ReasonTextTooLong).WithMessage("the reason has at most 2000 characters");
        RuleFor(x => x.Language).Must(l => l is not null && Languages.Contains(l)).WithErrorCode(RefusalCodes.LanguageInvalid)
            .WithMessage("the SMS language is az, en or ru");
    }

    private static string? Normalized(string? text) => Msisdn.TryNormalize(text ?? string.Empty, out var n) ? n : null;
}

internal sealed class FileAppealHandler(RegistryDbContext db, AppealSettings settings, RegistryClock clock)
    : IRequestHandler<FileAppeal, FiledAppeal>
{
    public async Task<FiledAppeal> Handle(FileAppeal request, CancellationToken cancellationToken)
    {
        var actor = request.Actor;
        if (!actor.IsIn(StaffRoles.Clerk) || string.IsNullOrEmpty(actor.Office))
        {
            throw new AppealException(AppealProblem.Forbidden, RefusalCodes.FileForbidden,
                "appeals are filed by a post-office clerk whose account names the office");
        }

        _ = Imei.TryParseFromPerson(request.Imei, out var imei, out _);
        var verdict = await db.Set<CloneStatus>().AsNoTracking().Where(s => s.Imei == imei.Key).Select(s => s.Status).SingleOrDefaultAsync(cancellationToken);
        if (verdict != CloneStatusValues.Clone)
        {
            throw new ValidationException([RefusalCodes.Failure(nameof(FileAppeal.Imei), RefusalCodes.NoCloneVerdict,
                $"IMEI {imei.WithCheckDigit}: this IMEI has no clone verdict to appeal", imei.WithCheckDigit)]);
        }

        await RefuseSecondOpenAsync(imei, cancellationToken);

        var now = clock.UtcNow.UtcDateTime;
        Msisdn.TryNormalize(request.ContactNumber, out var contact);
        var appeal = new Appeal
        {
            TrackingNumber = await NewTrackingNumberAsync(cancellationToken),
            Imei = imei.Key,
            Status = AppealStatus.New,
            Reason = request.Reason,
            ReasonText = AppealWorkflow.Trim(request.ReasonText, 2000),
            ApplicantDocumentType = request.DocumentType,
            ApplicantDocumentNumber = request.DocumentNumber.Trim().ToUpperInvariant(),
            ApplicantName = request.ApplicantName.Trim(),
            ApplicantContact = contact,
            Language = request.Language,
            Office = actor.Office,
            FiledById = actor.UserId,
            FiledAt = now,
            DueOn = settings.DueOn(clock.DateOf(clock.UtcNow)),
            UpdatedAt = now,
            Version = 0,
        };
        foreach (var number in request.Numbers)
        {
            Msisdn.TryNormalize(number, out var msisdn);
            appeal.Numbers.Add(new AppealNumber { Msisdn = msisdn });
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Add(appeal);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (IsOpenImeiConflict(ex))
        {
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            await RefuseSecondOpenAsync(imei, cancellationToken);
            throw;
        }

        db.Add(new AppealEvent
        {
            AppealId = appeal.Id, At = now, ActorId = actor.UserId, ActorName = actor.UserName, Kind = AppealEventKind.Filed,
            Status = appeal.Status, Text = appeal.ReasonText,
        });
        AuditLog.Record(db, actor, AuditActions.AppealFiled, AppealWorkflow.Subject(appeal), now, appeal.Imei, appeal.ReasonText,
            before: null, after: new
            {
                Status = appeal.Status.ToString(), Reason = appeal.Reason.ToString(), appeal.Office,
                ApplicantDocumentType = appeal.ApplicantDocumentType.ToString(), appeal.ApplicantDocumentNumber,
                appeal.ApplicantName, appeal.ApplicantContact, Numbers = appeal.Numbers.Select(n => n.Msisdn), appeal.DueOn, appeal.Version,
            });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new FiledAppeal(appeal.TrackingNumber, imei.WithCheckDigit, appeal.DueOn, appeal.Office);
    }

    private async Task RefuseSecondOpenAsync(Imei imei, CancellationToken ct)
    {
        var open = await db.Set<Appeal>().AsNoTracking()
            .Where(a => a.Imei == imei.Key && (a.Status == AppealStatus.New || a.Status == AppealStatus.InReview
                || a.Status == AppealStatus.InformationRequested || a.Status == AppealStatus.AwaitingConfirmation))
            .Select(a => a.TrackingNumber).FirstOrDefaultAsync(ct);
        if (open is not null)
        {
            throw new ValidationException([RefusalCodes.Failure(nameof(FileAppeal.Imei), RefusalCodes.AlreadyOpen,
                $"IMEI {imei.WithCheckDigit} already has an open appeal, {open}; follow that one", imei.WithCheckDigit, open)]);
        }
    }

    /// <summary>The partial unique index ux_appeals_open_imei: two clerks filing for one IMEI at the same moment.</summary>
    internal static bool IsOpenImeiConflict(DbUpdateException ex)
    {
        var message = ex.InnerException?.Message ?? string.Empty;
        return message.Contains("ux_appeals_open_imei", StringComparison.Ordinal)
            || message.Contains("UNIQUE constraint failed: appeals.imei", StringComparison.Ordinal);
    }

    private async Task<string> NewTrackingNumberAsync(CancellationToken ct)
    {
        while (true)
        {
            var number = TrackingNumber.New();
            if (!await db.Set<Appeal>().AnyAsync(a => a.TrackingNumber == number, ct))
            {
                return number;
            }
        }
    }
}
