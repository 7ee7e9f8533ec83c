using System.Text;
using DeviceRegistry.Eir;
using DeviceRegistry.Identifiers;

namespace DeviceRegistry.Web.Eir;

/// <summary>A rejected parameter, as TS 29.571 InvalidParam: the parameter's name and why.</summary>
public sealed record InvalidParam(string Param, string Reason);

/// <summary>The cause codes of TS 29.500 Table 5.2.7.2-1 / TS 29.511 the EIR answers with.</summary>
public static class EirCause
{
    public const string MandatoryQueryParamMissing = "MANDATORY_QUERY_PARAM_MISSING";
    public const string MandatoryQueryParamIncorrect = "MANDATORY_QUERY_PARAM_INCORRECT";
    public const string OptionalQueryParamIncorrect = "OPTIONAL_QUERY_PARAM_INCORRECT";
    public const string InvalidQueryParam = "INVALID_QUERY_PARAM";
    public const string MandatoryIeMissing = "MANDATORY_IE_MISSING";
    public const string MandatoryIeIncorrect = "MANDATORY_IE_INCORRECT";
    public const string OptionalIeIncorrect = "OPTIONAL_IE_INCORRECT";
    public const string InvalidMsgFormat = "INVALID_MSG_FORMAT";
    public const string UnspecifiedMsgFailure = "UNSPECIFIED_MSG_FAILURE";
    public const string ResourceUriStructureNotFound = "RESOURCE_URI_STRUCTURE_NOT_FOUND";
    public const string EquipmentUnknown = EquipmentStatusWords.EquipmentUnknownCause;
    public const string SystemFailure = "SYSTEM_FAILURE";
    public const string NfCongestion = "NF_CONGESTION";

    /// <summary>429: excessive traffic from a consumer that, continued, may overload the NF (TS 29.500 Table 5.2.7.2-1).</summary>
    public const string NfCongestionRisk = "NF_CONGESTION_RISK";
}

/// <summary>Why a request could not be answered with a status: a cause and the parameters at fault.</summary>
public sealed record EirParameterError(string Cause, string Detail, IReadOnlyList<InvalidParam> InvalidParams);

/// <summary>What is wrong with a parameter, in the order the cause is chosen (the first kind present wins).</summary>
public enum EirFaultKind
{
    MandatoryMissing,
    MandatoryIncorrect,
    Unsupported,
    OptionalIncorrect,
}

/// <summary>
/// The faults found in one request, created at the first one (a well-formed check allocates none). The
/// answer's cause is that of the gravest kind present; invalidParams lists every fault.
/// </summary>
public sealed class EirFaults(bool query)
{
    private readonly List<(EirFaultKind Kind, InvalidParam Param)> items = new(2);

    public bool Query { get; } = query;

    public static void Add(ref EirFaults? faults, bool query, EirFaultKind kind, string param, string reason) =>
        (faults ??= new EirFaults(query)).items.Add((kind, new InvalidParam(param, reason)));

    public EirParameterError ToError()
    {
        var gravest = EirFaultKind.OptionalIncorrect;
        var invalid = new List<InvalidParam>(items.Count);
        var detail = new StringBuilder("Bad parameter(s): ");
        foreach (var (kind, param) in items)
        {
            gravest = kind < gravest ? kind : gravest;
            if (invalid.Count > 0)
            {
                detail.Append("; ");
            }

            detail.Append(param.Param).Append(": ").Append(param.Reason);
            invalid.Add(param);
        }

        detail.Append('.');
        var cause = (gravest, Query) switch
        {
            (EirFaultKind.MandatoryMissing, true) => EirCause.MandatoryQueryParamMissing,
            (EirFaultKind.MandatoryIncorrect, true) => EirCause.MandatoryQueryParamIncorrect,
            (EirFaultKind.Unsupported, true) => EirCause.InvalidQueryParam,
            (EirFaultKind.OptionalIncorrect, true) => EirCause.OptionalQueryParamIncorrect,
            (EirFaultKind.MandatoryMissing, false) => EirCause.MandatoryIeMissing,
            (EirFaultKind.MandatoryIncorrect, false) => EirCause.MandatoryIeIncorrect,
            (EirFaultKind.Unsupported, false) => EirCause.InvalidMsgFormat,
            _ => EirCause.OptionalIeIncorrect,
        };
        return new EirParameterError(cause, detail.ToString(), invalid);
    }
}

/// <summary>
/// Strict parsing of the equipment-status parameters (TS 29.511 with TS 29.571 Pei, Supi, Gpsi,
/// SupportedFeatures). The spec's patterns end in "|.+", which accepts anything, so the server checks the
/// forms TS 29.571 names and refuses the rest:
/// pei <c>imei-</c> + 15 digits or <c>imeisv-</c> + 16 digits (keyed on the first 14; the check digit is
/// not verified because networks send it as 0), or a <c>mac-</c>/<c>eui-</c> PEI (well formed, but no
/// equipment this registry holds: answered as unknown equipment);
/// supi <c>imsi-</c> + 5..15 digits, or <c>nai-</c>/<c>gci-</c>/<c>gli-</c> + anything (no IMSI);
/// gpsi <c>msisdn-</c> + 5..15 digits, or <c>extid-</c>x@y (no MSISDN); supported-features hexadecimal.
/// </summary>
public static class N5gEirParameters
{
    /// <summary>The parameter names of the GET, each as invalidParams names it (TS 29.571: "query " + name).</summary>
    public const string Pei = "pei";
    public const string Supi = "supi";
    public const string Gpsi = "gpsi";
    public const string SupportedFeatures = "supported-features";

    /// <summary>A batch check (JSON body): parameter names are JSON pointers under <paramref name="pointerPrefix"/>.</summary>
    public static bool TryParse(string? pei, string? supi, string? gpsi, string pointerPrefix,
        out EirQuery query, out bool isImei, out EirParameterError? error)
    {
        EirFaults? faults = null;
        CheckPei(pei, pointerPrefix + Pei, false, ref faults, out var imeiKey, out isImei);
        CheckSupi(supi, pointerPrefix + Supi, false, ref faults, out var imsi);
        CheckGpsi(gpsi, pointerPrefix + Gpsi, false, ref faults, out var msisdn);
        query = new EirQuery(imeiKey, imsi, msisdn);
        error = faults?.ToError();
        return faults is null;
    }

    /// <summary>
    /// The mandatory pei: absent (or, in a query, empty) is missing; otherwise one of the forms above.
    /// <paramref name="isImei"/> is false for a well-formed PEI that is not an IMEI (mac-, eui-).
    /// </summary>
    public static void CheckPei(string? pei, string param, bool query, ref EirFaults? faults, out long imeiKey, out bool isImei)
    {
        imeiKey = 0;
        isImei = false;
        if (pei is null || (query && pei.Length == 0))
        {
            EirFaults.Add(ref faults, query, EirFaultKind.MandatoryMissing, param, pei is null ? "missing" : "empty");
            return;
        }

        if (TryParsePei(pei, out imeiKey, out var reason))
        {
            isImei = true;
        }
        else if (!IsOtherPei(pei))
        {
            EirFaults.Add(ref faults, query, EirFaultKind.MandatoryIncorrect, param, reason);
        }
    }

    public static void CheckSupi(string? supi, string param, bool query, ref EirFaults? faults, out string? imsi)
    {
        imsi = null;
        if (supi is null
            || TryParseDigits(supi, "imsi-", 5, 15, out imsi)
            || HasNonEmptyTail(supi, "nai-") || HasNonEmptyTail(supi, "gci-") || HasNonEmptyTail(supi, "gli-"))
        {
            return;
        }

        EirFaults.Add(ref faults, query, EirFaultKind.OptionalIncorrect, param,
            "a SUPI is imsi- followed by 5 to 15 digits, or nai-, gci- or gli- followed by the identifier");
    }

    public static void CheckGpsi(string? gpsi, string param, bool query, ref EirFaults? faults, out string? msisdn)
    {
        msisdn = null;
        if (gpsi is null || TryParseDigits(gpsi, "msisdn-", 5, 15, out msisdn) || IsExternalId(gpsi))
        {
            return;
        }

        EirFaults.Add(ref faults, query, EirFaultKind.OptionalIncorrect, param,
            "a GPSI is msisdn- followed by 5 to 15 digits, or extid- followed by an external identifier local@domain");
    }

    /// <summary>TS 29.571 SupportedFeatures: hexadecimal digits only (the empty string included).</summary>
    public static void CheckSupportedFeatures(string? features, string param, ref EirFaults? faults)
    {
        if (features is not null && !IsHex(features))
        {
            EirFaults.Add(ref faults, true, EirFaultKind.OptionalIncorrect, param, "supported features are hexadecimal digits (0-9, a-f, A-F)");
        }
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
            reason = "a PEI is imei- followed by 15 digits, imeisv- followed by 16 digits, mac- followed by 6 hexadecimal pairs or eui- followed by 8";
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

    /// <summary>mac((-hh){6})(-untrusted)? or eui((-hh){8}), as the TS 29.571 Pei pattern has them.</summary>
    private static bool IsOtherPei(ReadOnlySpan<char> pei)
    {
        int pairs;
        if (pei.StartsWith("mac", StringComparison.Ordinal))
        {
            pairs = 6;
            if (pei.EndsWith("-untrusted", StringComparison.Ordinal))
            {
                pei = pei[..^"-untrusted".Length];
            }
        }
        else if (pei.StartsWith("eui", StringComparison.Ordinal))
        {
            pairs = 8;
        }
        else
        {
            return false;
        }

        var rest = pei[3..];
        if (rest.Length != pairs * 3)
        {
            return false;
        }

        for (var i = 0; i < rest.Length; i += 3)
        {
            if (rest[i] != '-' || !char.IsAsciiHexDigit(rest[i + 1]) || !char.IsAsciiHexDigit(rest[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>extid-[^@]+@[^@]+.</summary>
    private static bool IsExternalId(ReadOnlySpan<char> gpsi)
    {
        if (!gpsi.StartsWith("extid-", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = gpsi["extid-".Length..];
        var at = rest.IndexOf('@');
        return at > 0 && at < rest.Length - 1 && rest[(at + 1)..].IndexOf('@') < 0;
    }

    private static bool HasNonEmptyTail(string value, string prefix) =>
        value.Length > prefix.Length && value.StartsWith(prefix, StringComparison.Ordinal);

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

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
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
