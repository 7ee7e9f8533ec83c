namespace DeviceRegistry.Web.Eir;

/// <summary>
/// Reads pei, supi and gpsi from the equipment-status query string. Every attach check passes here, so
/// the usual form (no percent-encoding, no '+') is read straight from the raw query without building
/// the request's query dictionary; anything else goes through <see cref="HttpRequest.Query"/>.
/// Both ways give the same answer: names match case-insensitively, a name without '=' has an empty
/// value, and a parameter given more than once is reported as repeated.
/// </summary>
internal static class EirQueryString
{
    public static bool TryRead(HttpRequest request, out string? pei, out string? supi, out string? gpsi,
        out bool repeatedPei, out bool repeatedSupi, out bool repeatedGpsi)
    {
        var raw = request.QueryString.Value;
        if (raw is null || raw.AsSpan().IndexOfAny('%', '+') >= 0)
        {
            var query = request.Query;
            Single(query, "pei", out pei, out repeatedPei);
            Single(query, "supi", out supi, out repeatedSupi);
            Single(query, "gpsi", out gpsi, out repeatedGpsi);
            return !(repeatedPei || repeatedSupi || repeatedGpsi);
        }

        var text = raw.AsSpan(raw.StartsWith('?') ? 1 : 0);
        int peiCount = 0, supiCount = 0, gpsiCount = 0;
        Range peiValue = default, supiValue = default, gpsiValue = default;
        var offset = raw.Length - text.Length;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf('&');
            var segment = end < 0 ? text : text[..end];
            if (!segment.IsEmpty)
            {
                var equals = segment.IndexOf('=');
                var name = equals < 0 ? segment : segment[..equals];
                var value = equals < 0 ? new Range(offset + segment.Length, offset + segment.Length) : new Range(offset + equals + 1, offset + segment.Length);
                if (name.Equals("pei", StringComparison.OrdinalIgnoreCase))
                {
                    peiCount++;
                    peiValue = value;
                }
                else if (name.Equals("supi", StringComparison.OrdinalIgnoreCase))
                {
                    supiCount++;
                    supiValue = value;
                }
                else if (name.Equals("gpsi", StringComparison.OrdinalIgnoreCase))
                {
                    gpsiCount++;
                    gpsiValue = value;
                }
            }

            if (end < 0)
            {
                break;
            }

            offset += end + 1;
            text = text[(end + 1)..];
        }

        pei = peiCount == 1 ? raw[peiValue] : null;
        supi = supiCount == 1 ? raw[supiValue] : null;
        gpsi = gpsiCount == 1 ? raw[gpsiValue] : null;
        repeatedPei = peiCount > 1;
        repeatedSupi = supiCount > 1;
        repeatedGpsi = gpsiCount > 1;
        return !(repeatedPei || repeatedSupi || repeatedGpsi);
    }

    private static void Single(IQueryCollection query, string name, out string? value, out bool repeated)
    {
        var values = query[name];
        repeated = values.Count > 1;
        value = values.Count == 1 ? values[0] : null;
    }
}
