using DeviceRegistry.Identifiers;
using DeviceRegistry.Infrastructure;
using FluentValidation;
using FluentValidation.Results;

namespace DeviceRegistry.Stolen;

/// <summary>
/// The refusals of the stolen-case commands, as validation failures with a code from <see cref="RefusalCodes"/> (the CLI
/// prints the English message, the back office words the code). Thrown before anything is written.
/// </summary>
internal static class StolenRefusals
{
    public static ValidationException Refuse(string property, string code, string message, params object[] arguments) =>
        new([RefusalCodes.Failure(property, code, message, arguments)]);

    /// <summary>
    /// The IMEIs as typed, parsed (14, 15 with a valid check digit, or 16 digits); every problem is reported, and
    /// one bad IMEI refuses the whole list.
    /// </summary>
    public static IReadOnlyList<Imei> ParseImeis(IReadOnlyList<string> texts)
    {
        var failures = new List<ValidationFailure>();
        var imeis = new List<Imei>(texts.Count);
        if (texts.Count == 0)
        {
            failures.Add(RefusalCodes.Failure("Imeis", RefusalCodes.StolenImeiRequired, "at least one IMEI is required"));
        }
        else if (texts.Count > StolenLimits.ImeisPerReport)
        {
            failures.Add(RefusalCodes.Failure("Imeis", RefusalCodes.StolenImeiTooMany,
                $"at most {StolenLimits.ImeisPerReport} IMEIs per report ({texts.Count} given)", StolenLimits.ImeisPerReport));
        }

        for (var i = 0; i < texts.Count && texts.Count <= StolenLimits.ImeisPerReport; i++)
        {
            var text = texts[i] ?? string.Empty;
            if (!Imei.TryParseFromPerson(text, out var imei, out var problem))
            {
                failures.Add(RefusalCodes.Failure($"Imeis[{i}]", RefusalCodes.StolenImeiInvalid,
                    $"'{text}' is not an IMEI: {Imei.Describe(problem)}", text));
            }
            else if (imeis.Contains(imei))
            {
                failures.Add(RefusalCodes.Failure($"Imeis[{i}]", RefusalCodes.StolenImeiDuplicate,
                    $"IMEI {imei.WithCheckDigit} is given twice", imei.WithCheckDigit));
            }
            else
            {
                imeis.Add(imei);
            }
        }

        return failures.Count > 0 ? throw new ValidationException(failures) : imeis;
    }

    /// <summary>The case number trimmed; refused when empty or too long.</summary>
    public static string CaseNumber(string? text)
    {
        var number = text?.Trim() ?? string.Empty;
        if (number.Length == 0)
        {
            throw Refuse("CaseNumber", RefusalCodes.StolenCaseNumberRequired, "a case number is required");
        }

        return number.Length > StolenLimits.CaseNumberLength
            ? throw Refuse("CaseNumber", RefusalCodes.StolenCaseNumberTooLong,
                $"the case number is longer than {StolenLimits.CaseNumberLength} characters", StolenLimits.CaseNumberLength)
            : number;
    }

    public static void RequireAdministrator(Staff.StaffActor actor)
    {
        if (!actor.IsIn(Staff.StaffRoles.Admin))
        {
            throw Refuse("Actor", RefusalCodes.StolenForbidden, "only an administrator reports or recovers stolen devices");
        }
    }
}
