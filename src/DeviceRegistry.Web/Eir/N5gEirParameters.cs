using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Web.Eir;

/// <summary>A rejected parameter, as TS 29.571 InvalidParam: the parameter's name and why.</summary>
public sealed record InvalidParam(string Param, string Reason);

/// <summary>The cause codes of TS 29.500 / 29.511 the EIR answers with.</summary>
public static class EirCause
{
    public const string MandatoryIeMissing = "MANDATORY_IE_MISSING";
    public const string MandatoryIeIncorrect = "MANDATORY_IE_INCORRECT";
    public const string InvalidQueryParam = "INVALID_QUERY_PARAM";
    public const string InvalidMsgFormat = "INVALID_MSG_FORMAT";
    public const string EquipmentUnknown = EquipmentStatusWords.EquipmentUnknownCause;
    public const string SystemFailure = "SYSTEM_FAILURE";
}

/// <summary>Why a request could not be answered with a status: a cause and the parameters at fault.</summary>
public sealed record EirParameterError(string Cause, string Detail, IReadOnlyList<InvalidParam> InvalidParams);

/// <summary>
/// Strict parsing of the equipment-status query (TS 29.511): the spec's patterns end in "|.+", which
/// accepts anything, so the server checks the forms it serves itself:
/// pei <c>imei-</c> + 15 digits or <c>imeisv-</c> + 16 digits (keyed on the first 14; the check digit is
/// not verified because networks send it as 0), supi <c>imsi-</c> + 5..15 digits, gpsi <c>msisdn-</c> + 5..15 digits.
/// </summary>
public static class N5gEirParameters
{
    public static bool TryParse(string? pei, string? supi, string? gpsi, string paramPrefix,
        out EirQuery query, out EirParameterError? error)
    {
        query = default;
        if (pei is null)
        {
            error = new(EirCause.MandatoryIeMissing, "The pei parameter is mandatory.",
                [new InvalidParam(paramPrefix + "pei", "missing")]);
            return false;
        }

        if (!TryParsePei(pei, out var imeiKey, out var peiReason))
        {
            error = new(EirCause.MandatoryIeIncorrect, $"The pei parameter is not a valid PEI: {peiReason}.",
                [new InvalidParam(paramPrefix + "pei", peiReason)]);
            return false;
        }

        // Allocated only when something is wrong: this runs on every attach check.
        List<InvalidParam>? invalid = null;
        string? imsi = null;
        if (supi is not null && !TryParseDigits(supi, "imsi-", 5, 15, out imsi))
        {
            (invalid ??= new(2)).Add(new InvalidParam(paramPrefix + "supi", "a SUPI here is imsi- followed by 5 to 15 digits"));
        }

        string? msisdn = null;
        if (gpsi is not null && !TryParseDigits(gpsi, "msisdn-", 5, 15, out msisdn))
        {
            (invalid ??= new(2)).Add(new InvalidParam(paramPrefix + "gpsi", "a GPSI here is msisdn- followed by 5 to 15 digits"));
        }

        if (invalid is not null)
        {
            error = new(EirCause.InvalidQueryParam,
                "Optional parameter(s) " + string.Join(", ", invalid.Select(p => p.Param)) + " are malformed.", invalid);
            return false;
        }

        query = new EirQuery(imeiKey, imsi, msisdn);
        error = null;
        return true;
    }

    public static bool TryParsePei(ReadOnlySpan<char> pei, out long imeiKey, out string reason)
    {
        imeiKey = 0;
        ReadOnlySpan<char> digits;
        int length;
        if (pei.StartsWith("imeisv-", StringComparison.Ordinal))
        {
            digits = pei["imeisv-".Length..];
            length = 16;
        }
        else if (pei.StartsWith("imei-", StringComparison.Ordinal))
        {
            digits = pei["imei-".Length..];
            length = 15;
        }
        else
        {
            reason = "a PEI here is imei- followed by 15 digits or imeisv- followed by 16 digits";
            return false;
        }

        if (digits.Length != length || !IsDigits(digits))
        {
            reason = length == 15 ? "imei- must be followed by exactly 15 digits" : "imeisv- must be followed by exactly 16 digits";
            return false;
        }

        imeiKey = ToInt64(digits[..Imei.KeyLength]);
        reason = string.Empty;
        return true;
    }

    private static bool TryParseDigits(string value, string prefix, int min, int max, out string? digits)
    {
        digits = null;
        if (!value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = value.AsSpan(prefix.Length);
        if (rest.Length < min || rest.Length > max || !IsDigits(rest))
        {
            return false;
        }

        digits = rest.ToString();
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static long ToInt64(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
