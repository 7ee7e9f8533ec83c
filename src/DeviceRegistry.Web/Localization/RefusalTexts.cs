using System.Globalization;
using DeviceRegistry.Appeals;
using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using FluentValidation.Results;
using Microsoft.Extensions.Localization;

namespace DeviceRegistry.Web.Localization;

/// <summary>
/// The words of refusals: Resources/Localization/RefusalTexts.resx (+ .en, .ru), generated from
/// RefusalTexts.py, one key per code of <see cref="RefusalCodes"/> and one per Identity error (identity.*).
/// Read through <see cref="Refusals"/>, not directly.
/// </summary>
public sealed class RefusalTexts;

/// <summary>
/// The one place the web host turns a refusal of the core (a validator failure, an <see cref="AppealException"/>,
/// an IMEI problem, an Identity error) into the reader's language: the text of its code, with its positional
/// arguments; a code without a text keeps the core's English message. An <see cref="AppealStatus"/> argument is
/// worded with the status names of <see cref="SharedTexts"/>.
/// </summary>
public sealed class Refusals(IStringLocalizer<RefusalTexts> texts, IStringLocalizer<SharedTexts> shared)
{
    public string Text(ValidationFailure failure) => Text(failure.ErrorCode, failure.ErrorMessage, RefusalCodes.ArgumentsOf(failure));

    public string Text(AppealException refusal) => Text(refusal.Code, refusal.Message, refusal.Arguments);

    /// <summary>One text per IMEI problem, the same on the public page and in the back office.</summary>
    public string Imei(ImeiProblem problem) => Text(RefusalCodes.ForImei(problem), Identifiers.Imei.Describe(problem), []);

    /// <summary>The text of <paramref name="code"/> with its arguments; <paramref name="fallback"/> when the code has none.</summary>
    public string Text(string? code, string fallback, IReadOnlyList<object> arguments)
    {
        if (string.IsNullOrEmpty(code))
        {
            return fallback;
        }

        var text = texts[code];
        if (text.ResourceNotFound)
        {
            return fallback;
        }

        return arguments.Count == 0
            ? text.Value
            : string.Format(CultureInfo.InvariantCulture, text.Value, [.. arguments.Select(Word)]);
    }

    private string Word(object argument) => argument switch
    {
        AppealStatus status => shared["appealStatus." + status].Value,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => argument.ToString() ?? string.Empty,
    };
}
