using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace DeviceRegistry.Appeals;

/// <summary>
/// What anyone holding an appeal's tracking number may see: the number, a public status word and three
/// dates. Never the applicant, the IMEI, the numbers, who handles it or why it was decided so.
/// </summary>
public sealed record GetPublicAppealStatus(string? TrackingNumber) : IRequest<PublicAppealLookup>;

public enum PublicAppealLookupOutcome
{
    Found,

    /// <summary>The text is not a tracking number at all.</summary>
    Malformed,

    /// <summary>A well-formed number no appeal has.</summary>
    Unknown,
}

/// <summary>The public view of one appeal. Dates are the registry's days (Registry:TimeZone).</summary>
public sealed record PublicAppealStatus(
    string TrackingNumber,
    string Status,
    DateOnly FiledOn,
    DateOnly DueOn,
    DateOnly? DecidedOn);

public sealed record PublicAppealLookup(PublicAppealLookupOutcome Outcome, PublicAppealStatus? Appeal)
{
    public static readonly PublicAppealLookup Malformed = new(PublicAppealLookupOutcome.Malformed, null);

    public static readonly PublicAppealLookup Unknown = new(PublicAppealLookupOutcome.Unknown, null);
}

/// <summary>
/// The public status words. The internal steps stay inside: a lift awaiting a supervisor's confirmation
/// is still in review for the citizen.
/// </summary>
public static class PublicAppealStatuses
{
    public const string Received = "received";
    public const string InReview = "in_review";
    public const string InformationRequested = "information_requested";
    public const string DecidedApproved = "decided_approved";
    public const string DecidedRejected = "decided_rejected";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Received, InReview, InformationRequested, DecidedApproved, DecidedRejected, Closed];

    public static string Of(AppealStatus status) => status switch
    {
        AppealStatus.New => Received,
        AppealStatus.InReview or AppealStatus.AwaitingConfirmation => InReview,
        AppealStatus.InformationRequested => InformationRequested,
        AppealStatus.Approved => DecidedApproved,
        AppealStatus.Rejected => DecidedRejected,
        AppealStatus.Closed => Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "no public status word"),
    };
}

internal sealed class GetPublicAppealStatusHandler(RegistryDbContext db, RegistryClock clock)
    : IRequestHandler<GetPublicAppealStatus, PublicAppealLookup>
{
    public async Task<PublicAppealLookup> Handle(GetPublicAppealStatus request, CancellationToken cancellationToken)
    {
        if (!TrackingNumber.TryNormalize(request.TrackingNumber, out var number))
        {
            return PublicAppealLookup.Malformed;
        }

        // Only the columns the public may see are read.
        var row = await db.Set<Appeal>().AsNoTracking()
            .Where(a => a.TrackingNumber == number)
            .Select(a => new { a.TrackingNumber, a.Status, a.FiledAt, a.DueOn, a.DecidedAt, a.ConfirmedAt, a.ClosedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return PublicAppealLookup.Unknown;
        }

        // A decision is public once final: for a confirmed lift that is the confirmation, not the proposal.
        var decided = row.Status is AppealStatus.Approved or AppealStatus.Rejected ? row.ClosedAt ?? row.ConfirmedAt ?? row.DecidedAt : null;
        return new PublicAppealLookup(
            PublicAppealLookupOutcome.Found,
            new PublicAppealStatus(row.TrackingNumber, PublicAppealStatuses.Of(row.Status), DateOf(row.FiledAt), row.DueOn, decided is { } d ? DateOf(d) : null));
    }

    private DateOnly DateOf(DateTime utc) => clock.DateOf(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
}
