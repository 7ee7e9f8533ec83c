using DeviceRegistry.Eir;

namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Reads and checks the equipment-status query string (TS 29.511: pei, supi, gpsi, supported-features).
/// Every attach check passes here, so the raw query is read in place, without building the request's query
/// dictionary; only a name or value holding '%' or '+' is decoded. Names are case-sensitive (<c>PEI</c> is
/// not <c>pei</c>), a name the API does not define is refused, a name without '=' has an empty value, and
/// a parameter given more than once is incorrect (each is a single string in the API).
/// </summary>
internal static class EirQueryString
{
    private const string QueryPrefix = "query ";

    /// <summary>
    /// The parsed check, or the error to answer with. <paramref name="isImei"/> is false for a well-formed
    /// PEI of another kind (mac-, eui-), which this registry cannot hold.
    /// </summary>
    public static bool TryRead(string? raw, out EirQuery query, out bool isImei, out EirParameterError? error)
    {
        EirFaults? faults = null;
        string? pei = null, supi = null, gpsi = null, features = null;
        int peiCount = 0, supiCount = 0, gpsiCount = 0, featuresCount = 0;
        var text = (raw ?? string.Empty).AsSpan();
        if (text.StartsWith('?'))
        {
            text = text[1..];
        }

        while (!text.IsEmpty)
        {
            var end = text.IndexOf('&');
            var segment = end < 0 ? text : text[..end];
            if (!segment.IsEmpty)
            {
                var equals = segment.IndexOf('=');
                var rawName = equals < 0 ? segment : segment[..equals];
                var rawValue = equals < 0 ? ReadOnlySpan<char>.Empty : segment[(equals + 1)..];
                var decodedName = NeedsDecoding(rawName) ? Decode(rawName) : null;
                var name = decodedName is null ? rawName : decodedName.AsSpan();
                if (name.SequenceEqual(N5gEirParameters.Pei))
                {
                    pei = peiCount++ == 0 ? Value(rawValue) : null;
                }
                else if (name.SequenceEqual(N5gEirParameters.Supi))
                {
                    supi = supiCount++ == 0 ? Value(rawValue) : null;
                }
                else if (name.SequenceEqual(N5gEirParameters.Gpsi))
                {
                    gpsi = gpsiCount++ == 0 ? Value(rawValue) : null;
                }
                else if (name.SequenceEqual(N5gEirParameters.SupportedFeatures))
                {
                    features = featuresCount++ == 0 ? Value(rawValue) : null;
                }
                else
                {
                    EirFaults.Add(ref faults, true, EirFaultKind.Unsupported, QueryPrefix + name.ToString(),
                        "not a parameter of this API (names are case-sensitive)");
                }
            }

            if (end < 0)
            {
                break;
            }

            text = text[(end + 1)..];
        }

        long imeiKey = 0;
        isImei = false;
        if (peiCount > 1)
        {
            EirFaults.Add(ref faults, true, EirFaultKind.MandatoryIncorrect, QueryPrefix + N5gEirParameters.Pei, "given more than once");
        }
        else
        {
            N5gEirParameters.CheckPei(pei, QueryPrefix + N5gEirParameters.Pei, true, ref faults, out imeiKey, out isImei);
        }

        string? imsi = null, msisdn = null;
        if (supiCount > 1)
        {
            Repeated(ref faults, N5gEirParameters.Supi);
        }
        else
        {
            N5gEirParameters.CheckSupi(supi, QueryPrefix + N5gEirParameters.Supi, true, ref faults, out imsi);
        }

        if (gpsiCount > 1)
        {
            Repeated(ref faults, N5gEirParameters.Gpsi);
        }
        else
        {
            N5gEirParameters.CheckGpsi(gpsi, QueryPrefix + N5gEirParameters.Gpsi, true, ref faults, out msisdn);
        }

        if (featuresCount > 1)
        {
            Repeated(ref faults, N5gEirParameters.SupportedFeatures);
        }
        else
        {
            N5gEirParameters.CheckSupportedFeatures(features, QueryPrefix + N5gEirParameters.SupportedFeatures, ref faults);
        }

        query = new EirQuery(imeiKey, imsi, msisdn);
        error = faults?.ToError();
        return faults is null;
    }

    private static void Repeated(ref EirFaults? faults, string name) =>
        EirFaults.Add(ref faults, true, EirFaultKind.OptionalIncorrect, QueryPrefix + name, "given more than once");

    private static string Value(ReadOnlySpan<char> raw) => NeedsDecoding(raw) ? Decode(raw) : raw.ToString();

    private static bool NeedsDecoding(ReadOnlySpan<char> s) => s.IndexOfAny('%', '+') >= 0;

    private static string Decode(ReadOnlySpan<char> s) => Uri.UnescapeDataString(s.ToString().Replace('+', ' '));
}
