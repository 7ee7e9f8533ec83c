using System.Reflection;
using DeviceRegistry.Identifiers;
using FluentValidation.Results;

namespace DeviceRegistry.Infrastructure;

/// <summary>
/// The stable code of every refusal the appeal and evidence use cases give, so that a host can word it in
/// its reader's language. The English message beside each code stays the fallback (and is what the CLI
/// prints). This class is the one list of codes: validators and <c>AppealException</c> use its constants,
/// and <see cref="All"/> (every constant, plus one code per <see cref="ImeiProblem"/>) is what a host
/// checks its texts against. Arguments of a refusal are positional: {0}, {1}, ... in the order given.
/// </summary>
public static class RefusalCodes
{
    // Filing an appeal.
    public const string DocumentTypeRequired = "appeal.documentType.required";
    public const string DocumentTypeNotPerson = "appeal.documentType.notPerson";
    public const string DocumentNumberRequired = "appeal.documentNumber.required";
    public const string DocumentNumberFormat = "appeal.documentNumber.format";
    public const string ApplicantNameRequired = "appeal.applicantName.required";
    public const string ApplicantNameTooLong = "appeal.applicantName.tooLong";
    public const string ContactNumberFormat = "appeal.contactNumber.format";
    /// <summary>{0}: the most numbers allowed.</summary>
    public const string NumbersCount = "appeal.numbers.count";
    /// <summary>{0}: the number as typed.</summary>
    public const string NumbersFormat = "appeal.numbers.format";
    public const string NumbersDuplicate = "appeal.numbers.duplicate";
    public const string ReasonRequired = "appeal.reason.required";
    public const string ReasonTextRequired = "appeal.reasonText.required";
    public const string ReasonTextTooLong = "appeal.reasonText.tooLong";
    public const string LanguageInvalid = "appeal.language.invalid";
    /// <summary>{0}: the IMEI.</summary>
    public const string NoCloneVerdict = "appeal.imei.noCloneVerdict";
    /// <summary>{0}: the IMEI; {1}: the open appeal's tracking number.</summary>
    public const string AlreadyOpen = "appeal.imei.alreadyOpen";
    public const string FileForbidden = "appeal.file.forbidden";

    // Finding and changing an appeal.
    /// <summary>{0}: what was typed.</summary>
    public const string TrackingInvalid = "appeal.tracking.invalid";
    /// <summary>{0}: the tracking number.</summary>
    public const string NotFound = "appeal.notFound";
    /// <summary>{0}: the tracking number.</summary>
    public const string Stale = "appeal.stale";

    // A step the appeal's status does not allow. {0}: the tracking number; {1}: its status (an AppealStatus).
    public const string StatusAssigning = "appeal.status.assigning";
    public const string StatusRequestingInformation = "appeal.status.requestingInformation";
    public const string StatusProvidingInformation = "appeal.status.providingInformation";
    public const string StatusPairing = "appeal.status.pairing";
    public const string StatusProposingLift = "appeal.status.proposingLift";
    public const string StatusRejecting = "appeal.status.rejecting";
    public const string StatusConfirmingLift = "appeal.status.confirmingLift";
    public const string StatusReturningLift = "appeal.status.returningLift";
    /// <summary>{0}: the tracking number; {1}: its status (an AppealStatus).</summary>
    public const string AttachmentClosed = "appeal.attachment.closed";

    // Attachments.
    public const string AttachmentForbidden = "appeal.attachment.forbidden";
    public const string AttachmentMissing = "appeal.attachment.missing";
    /// <summary>{0}: the file name; {1}: its declared type; {2}: the accepted types.</summary>
    public const string AttachmentType = "appeal.attachment.type";
    /// <summary>{0}: the file name.</summary>
    public const string AttachmentEmpty = "appeal.attachment.empty";
    /// <summary>{0}: the file name; {1}: its bytes; {2}: the most bytes accepted.</summary>
    public const string AttachmentTooLarge = "appeal.attachment.tooLarge";
    /// <summary>{0}: the file name; {1}: its declared type; {2}: the type its content has.</summary>
    public const string AttachmentContentMismatch = "appeal.attachment.contentMismatch";
    /// <summary>{0}: the file name; {1}: its declared type.</summary>
    public const string AttachmentContentUnknown = "appeal.attachment.contentUnknown";
    /// <summary>{0}: the tracking number; {1}: how many attachments it has.</summary>
    public const string AttachmentTooMany = "appeal.attachment.tooMany";
    /// <summary>{0}: the tracking number; {1}: the attachment's id.</summary>
    public const string AttachmentNotFound = "appeal.attachment.notFound";

    // Assigning.
    public const string AssignForbidden = "appeal.assign.forbidden";
    /// <summary>{0}: the tracking number.</summary>
    public const string AssignAlready = "appeal.assign.already";
    public const string AssignSupervisorOnly = "appeal.assign.supervisorOnly";
    /// <summary>{0}: the user name typed.</summary>
    public const string AssignNotReviewer = "appeal.assign.notReviewer";
    /// <summary>{0}: the tracking number; {1}: the assignee's user name.</summary>
    public const string AssignAlreadyTo = "appeal.assign.alreadyTo";

    // Requesting and providing information.
    public const string MessageRequired = "appeal.message.required";
    public const string MessageTooLong = "appeal.message.tooLong";
    public const string AnswerRequired = "appeal.answer.required";
    public const string AnswerTooLong = "appeal.answer.tooLong";
    public const string AnswerForbidden = "appeal.answer.forbidden";

    // Deciding.
    public const string DecisionUnknown = "appeal.decision.unknown";
    public const string RejectionReasonRequired = "appeal.decision.rejectionReason";
    public const string ReturnReasonRequired = "appeal.decision.returnReason";
    public const string DecisionReasonTooLong = "appeal.decision.reasonTooLong";
    public const string DecisionSupervisorOnly = "appeal.decision.supervisorOnly";
    public const string DecisionSecondPerson = "appeal.decision.secondPerson";
    /// <summary>{0}: the tracking number.</summary>
    public const string DecisionNotAssigned = "appeal.decision.notAssigned";
    public const string DecisionForbidden = "appeal.decision.forbidden";
    /// <summary>{0}: the tracking number.</summary>
    public const string DecisionNoCloneVerdict = "appeal.decision.noCloneVerdict";
    public const string PairNoSims = "appeal.pair.noSims";
    /// <summary>{0}: the IMSIs, comma-separated.</summary>
    public const string PairForeign = "appeal.pair.foreign";
    public const string PairNoneTicked = "appeal.pair.noneTicked";
    public const string PairAlreadyAllowed = "appeal.pair.alreadyAllowed";

    // The queue and the statistics.
    public const string QueuePage = "appeal.queue.page";
    public const string QueuePageSize = "appeal.queue.pageSize";
    public const string QueueAge = "appeal.queue.age";
    public const string StatisticsWeeks = "appeal.statistics.weeks";

    // The evidence page.
    public const string EvidenceImeiFormat = "evidence.imei.format";
    /// <summary>{0}: the number as given.</summary>
    public const string EvidenceNumberFormat = "evidence.number.format";
    public const string EvidenceTrackingTooLong = "evidence.tracking.tooLong";

    // Stolen cases.
    public const string StolenForbidden = "stolen.forbidden";
    public const string StolenImeiRequired = "stolen.imei.required";
    /// <summary>{0}: the most IMEIs a report may cover.</summary>
    public const string StolenImeiTooMany = "stolen.imei.tooMany";
    /// <summary>{0}: the IMEI as typed.</summary>
    public const string StolenImeiInvalid = "stolen.imei.invalid";
    /// <summary>{0}: the IMEI.</summary>
    public const string StolenImeiDuplicate = "stolen.imei.duplicate";
    /// <summary>{0}: the IMEI; {1}: the case number it is open under.</summary>
    public const string StolenImeiOpen = "stolen.imei.open";
    public const string StolenCaseNumberRequired = "stolen.caseNumber.required";
    /// <summary>{0}: the most characters.</summary>
    public const string StolenCaseNumberTooLong = "stolen.caseNumber.tooLong";
    /// <summary>{0}: the case number.</summary>
    public const string StolenCaseNumberTaken = "stolen.caseNumber.taken";
    public const string StolenReportedByRequired = "stolen.reportedBy.required";
    /// <summary>{0}: the most characters.</summary>
    public const string StolenReportedByTooLong = "stolen.reportedBy.tooLong";
    /// <summary>{0}: the case number.</summary>
    public const string StolenCaseNotFound = "stolen.case.notFound";
    /// <summary>{0}: the IMEI; {1}: the case number given.</summary>
    public const string StolenRecoverMismatch = "stolen.recover.mismatch";
    /// <summary>{0}: the IMEI; {1}: the case number.</summary>
    public const string StolenRecoverAlready = "stolen.recover.already";

    /// <summary>The code of an IMEI refusal: "imei." and the problem's name, e.g. imei.CheckDigit.</summary>
    public static string ForImei(ImeiProblem problem) => "imei." + problem;

    /// <summary>Every code: the constants above and one per IMEI problem (other than None).</summary>
    public static IReadOnlyList<string> All { get; } =
        typeof(RefusalCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Concat(Enum.GetValues<ImeiProblem>().Where(p => p != ImeiProblem.None).Select(ForImei))
            .ToList();

    /// <summary>A failure with its code and positional arguments (read back with <see cref="ArgumentsOf"/>).</summary>
    public static ValidationFailure Failure(string property, string code, string message, params object[] arguments) =>
        new(property, message) { ErrorCode = code, CustomState = new RefusalArguments(arguments) };

    /// <summary>The positional arguments a failure carries; none when it carries none.</summary>
    public static IReadOnlyList<object> ArgumentsOf(ValidationFailure failure) =>
        failure.CustomState is RefusalArguments a ? a.Values : [];
}

/// <summary>The positional arguments of a refusal's text; an <c>AppealStatus</c> among them is a status a host words itself.</summary>
public sealed record RefusalArguments(IReadOnlyList<object> Values);
