using System.ComponentModel;
using DeviceRegistry.Appeals;
using DeviceRegistry.Web.Localization;
using MediatR;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Public;

/// <summary>The answer of GET /api/v1/appeals/{tracking}. Documented in docs/web.md.</summary>
public sealed record PublicAppealAnswer(
    [property: Description("The tracking number in its written form, e.g. AP-7K3Q-9X2M.")]
    string TrackingNumber,
    [property: Description("received, in_review, information_requested, decided_approved, decided_rejected or closed.")]
    string Status,
    [property: Description("The status in a few words, in the requested language.")]
    string Title,
    [property: Description("The status explained in plain words, in the requested language.")]
    string Text,
    [property: Description("The day the appeal was filed.")]
    DateOnly FiledOn,
    [property: Description("The day a decision is due (the service level).")]
    DateOnly DueOn,
    [property: Description("The day of the decision, once approved or rejected; otherwise null.")]
    DateOnly? DecidedOn,
    [property: Description("The language of the texts: az, en or ru.")]
    string Language);

/// <summary>Why a tracking number has no answer, in the reader's language.</summary>
public sealed record PublicAppealRefusal(string Reason, string Title, string Text);

/// <summary>Follows an appeal by its tracking number and words the answer in the request's language.</summary>
public sealed class PublicAppealTracking(IMediator mediator, IStringLocalizer<PublicTexts> texts)
{
    public const string Malformed = "malformed";

    public const string Unknown = "unknown";

    /// <summary>The answer, or why there is none (<see cref="Malformed"/> or <see cref="Unknown"/>).</summary>
    public async Task<(PublicAppealAnswer? Answer, PublicAppealRefusal? Refusal)> FollowAsync(string? typed, CancellationToken ct)
    {
        var lookup = await mediator.Send(new GetPublicAppealStatus(typed), ct);
        switch (lookup.Outcome)
        {
            case PublicAppealLookupOutcome.Malformed:
                return (null, new PublicAppealRefusal(Malformed, texts["appeal.malformed.title"], texts["appeal.malformed.text"]));
            case PublicAppealLookupOutcome.Unknown:
                return (null, new PublicAppealRefusal(Unknown, texts["appeal.unknown.title"], texts["appeal.unknown.text"]));
        }

        var appeal = lookup.Appeal!;
        var language = Languages.Current;
        // Every status text takes the same arguments and uses those it needs: {0} due date, {1} decision date.
        var text = texts[
            $"appeal.status.{appeal.Status}.text",
            PublicImeiCheck.FormatDate(appeal.DueOn, language),
            appeal.DecidedOn is { } decided ? PublicImeiCheck.FormatDate(decided, language) : string.Empty];
        return (new PublicAppealAnswer(
            appeal.TrackingNumber,
            appeal.Status,
            texts[$"appeal.status.{appeal.Status}.title"],
            text,
            appeal.FiledOn,
            appeal.DueOn,
            appeal.DecidedOn,
            language), null);
    }
}
