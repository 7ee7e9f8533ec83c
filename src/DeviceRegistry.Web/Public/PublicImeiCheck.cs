using System.ComponentModel;
using System.Globalization;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Web.Localization;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Public;

/// <summary>The brand and model behind an IMEI's TAC.</summary>
public sealed record PublicDevice(
    [property: Description("The type allocation code: the IMEI's first 8 digits.")] string Tac,
    string? Brand,
    string? Model);

/// <summary>The answer of GET /api/v1/imei/{imei}. Documented in docs/web.md.</summary>
public sealed record PublicImeiCheckResult(
    [property: Description("The IMEI checked, 15 digits with its check digit; null when the input is not an IMEI at all.")]
    string? Imei,
    [property: Description("True for a well-formed IMEI with a correct check digit and a TAC known to the TAC database.")]
    bool Valid,
    [property: Description("Why it is not valid: empty, not_digits, wrong_length, check_digit, junk, unknown_tac; null when valid.")]
    string? Reason,
    [property: Description("The reason in the requested language.")]
    string? ReasonText,
    [property: Description("Brand and model when the TAC is known.")]
    PublicDevice? Device,
    [property: Description("registered, in_registration_window, blocked_unregistered, clone, stolen, never_seen, roaming_only; null when the input could not be read as an IMEI.")]
    string? Status,
    [property: Description("A short heading for the answer, in the requested language.")]
    string Title,
    [property: Description("The status explained in plain words, in the requested language.")]
    string? Text,
    [property: Description("The last day to register, when the device is inside its registration window.")]
    DateOnly? RegistrationDeadline,
    [property: Description("The state duty in AZN a registration would cost, when inside the registration window.")]
    decimal? DutyAzn,
    [property: Description("The language of the texts: az, en or ru.")]
    string Language);

/// <summary>
/// Reads a typed IMEI, asks the status source and words the answer for a citizen in the request's
/// language (the UI culture <see cref="Languages.UseRegistryLocalization"/> set). An IMEI problem is worded by
/// <see cref="Refusals"/>, the same text the back office shows; only the unknown TAC, which is no refusal of
/// the core, is a public text.
/// </summary>
public sealed class PublicImeiCheck(
    IPublicStatusSource source, IStringLocalizer<PublicTexts> texts, Refusals refusals, DeviceRegistry.Registrations.RegistrationSettings registration)
{
    public async Task<PublicImeiCheckResult> CheckAsync(string? typed, CancellationToken ct)
    {
        var language = Languages.Current;
        var parsed = Imei.TryParseFromPerson(typed ?? string.Empty, out var imei, out var problem);
        // A junk pattern is still a number a network may carry (clones often do), so it is looked up.
        var readable = parsed || problem == ImeiProblem.Junk;
        if (!readable)
        {
            return new PublicImeiCheckResult(
                null, false, ReasonCode(problem), refusals.Imei(problem), null, null,
                texts["invalid.title"], null, null, null, language);
        }

        var status = await source.GetStatusAsync(imei, ct);
        // An unknown TAC is doubted only against a loaded TAC database, never for want of one.
        string? invalidReason = !parsed ? ReasonCode(problem) : status.TacUnknown ? "unknown_tac" : null;
        string? invalidText = !parsed ? refusals.Imei(problem) : status.TacUnknown ? texts["reason.unknown_tac"].Value : null;
        var code = StatusCode(status.Kind);
        // Every status text takes the same arguments and uses those it needs: {0} deadline, {1} duty, {2} window days.
        var text = texts[
            $"status.{code}.text",
            status.RegistrationDeadline is { } d ? FormatDate(d, language) : string.Empty,
            status.DutyAzn is { } duty ? FormatAzn(duty) : string.Empty,
            registration.WindowDays.ToString(CultureInfo.InvariantCulture)];
        var device = status.Device is { } model ? new PublicDevice(model.Tac, model.Brand, model.Model) : null;
        return new PublicImeiCheckResult(
            imei.WithCheckDigit,
            invalidReason is null,
            invalidReason,
            invalidText,
            device,
            code,
            texts[$"status.{code}.title"],
            text,
            status.RegistrationDeadline,
            status.DutyAzn,
            language);
    }

    public static string StatusCode(PublicStatusKind kind) => kind switch
    {
        PublicStatusKind.Registered => "registered",
        PublicStatusKind.InRegistrationWindow => "in_registration_window",
        PublicStatusKind.BlockedUnregistered => "blocked_unregistered",
        PublicStatusKind.Clone => "clone",
        PublicStatusKind.ReportedStolen => "stolen",
        PublicStatusKind.NeverSeen => "never_seen",
        PublicStatusKind.RoamingOnly => "roaming_only",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no public wording"),
    };

    /// <summary>
    /// A date as the language writes it, from the project's own patterns: the cultures exist by name only
    /// (invariant globalization), so their own date formats would be the invariant ones.
    /// </summary>
    public static string FormatDate(DateOnly date, string language) => language == "en"
        ? date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)
        : date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    public static string FormatAzn(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);

    private static string ReasonCode(ImeiProblem problem) => problem switch
    {
        ImeiProblem.Empty => "empty",
        ImeiProblem.NotDigits => "not_digits",
        ImeiProblem.WrongLength => "wrong_length",
        ImeiProblem.CheckDigit => "check_digit",
        ImeiProblem.Junk => "junk",
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "not a reason to refuse an IMEI"),
    };
}
