using DeviceRegistry.Infrastructure;
using DeviceRegistry.Operators;

namespace DeviceRegistry.Eir;

/// <summary>What a policy setting makes the EIR answer; <see cref="Evaluate"/> goes on with the normal rules.</summary>
public enum EirPolicyAnswer
{
    Evaluate,
    Whitelisted,
    Greylisted,
    Blacklisted,

    /// <summary>404 with cause ERROR_EQUIPMENT_UNKNOWN.</summary>
    Unknown,
}

/// <summary>Whether the SBA listener over TLS asks the calling NFs for a client certificate (mutual TLS).</summary>
public enum SbaClientCertificates
{
    /// <summary>No client certificate is asked for.</summary>
    None,

    /// <summary>Asked for; a connection without one is accepted, one with an untrusted certificate is refused.</summary>
    Allow,

    /// <summary>A trusted client certificate is required for the TLS handshake to succeed.</summary>
    Require,
}

/// <summary>The <c>Eir</c> section (documented in docs/eir.md): the attach-check policy and the index's tuning.</summary>
public sealed class EirSettings : ISettingsSection
{
    public const string Section = "Eir";

    /// <summary>A SIM from a foreign network (after the stolen, registration-block and clone rules).</summary>
    public EirPolicyAnswer Roaming { get; set; } = EirPolicyAnswer.Whitelisted;

    /// <summary>An IMEI on the junk-pattern denylist (all one digit, counting runs, TAC 00000000).</summary>
    public EirPolicyAnswer InvalidImei { get; set; } = EirPolicyAnswer.Blacklisted;

    /// <summary>An IMEI whose TAC is not in the loaded GSMA TAC database (ignored while none is loaded).</summary>
    public EirPolicyAnswer UnknownTac { get; set; } = EirPolicyAnswer.Evaluate;

    /// <summary>A clone IMEI checked without a SUPI, so the SIM cannot be matched against its allowed pairs.</summary>
    public EirPolicyAnswer CloneWithoutSupi { get; set; } = EirPolicyAnswer.Blacklisted;

    /// <summary>An IMEI never seen on a home SIM, not registered, checked without a home SUPI (nothing starts a window).</summary>
    public EirPolicyAnswer NeverSeen { get; set; } = EirPolicyAnswer.Unknown;

    /// <summary>How often the index reads the imei_changes log.</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>A hole in imei_changes ids (a transaction still open, or rolled back) is waited for this long.</summary>
    public int ChangeLogGapSeconds { get; set; } = 300;

    /// <summary>
    /// Check sightings are written when this many are waiting… (an upper bound: under a burst, what queues during one
    /// write makes the next batch, and large batches cost far less per sighting: docs/eir.md, "Checks are sightings")
    /// </summary>
    public int SightingBatchSize { get; set; } = 100_000;

    /// <summary>…or when the oldest has waited this long.</summary>
    public int SightingFlushMilliseconds { get; set; } = 500;

    /// <summary>Sightings held in memory while the database is slow or down; beyond it new ones are counted as dropped.</summary>
    public int SightingBufferCapacity { get; set; } = 1_000_000;

    /// <summary>
    /// Fingerprints of lately queued check sightings kept to skip same-day repeats (8 bytes each;
    /// the default 4M slots = 32 MB, about a third of the country's daily IMEI-SIM pairs).
    /// </summary>
    public int RepeatSightingSlots { get; set; } = 1 << 22;

    /// <summary>Most checks in one batch request.</summary>
    public int MaxBatchChecks { get; set; } = 1000;

    /// <summary>The server key operators' secrets are hashed with: at least 32 random bytes in base64 (e.g. from an environment variable).</summary>
    public string? CredentialKey { get; set; }

    /// <summary>A file holding the server key in base64 (instead of <see cref="CredentialKey"/>).</summary>
    public string? CredentialKeyFile { get; set; }

    /// <summary>Failed operator authentications from one address in a minute before it is answered 429 without checking.</summary>
    public int MaxFailedAuthenticationsPerMinute { get; set; } = 30;

    /// <summary>Checks one operator may send per second (a token bucket per operator id); 0: no cap.</summary>
    public int MaxChecksPerOperatorPerSecond { get; set; }

    /// <summary>Checks one operator may send at once on a full bucket; 0: one second's worth (<see cref="MaxChecksPerOperatorPerSecond"/>).</summary>
    public int MaxChecksPerOperatorBurst { get; set; }

    /// <summary>The operator's burst: <see cref="MaxChecksPerOperatorBurst"/>, or one second's worth when it is 0.</summary>
    public int OperatorBurst => MaxChecksPerOperatorBurst > 0 ? MaxChecksPerOperatorBurst : MaxChecksPerOperatorPerSecond;

    /// <summary>Checks are answered 503 once the sightings queue holds this share of <see cref="SightingBufferCapacity"/>…</summary>
    public int SightingQueueShedPercent { get; set; } = 90;

    /// <summary>…until it is back down to this share.</summary>
    public int SightingQueueResumePercent { get; set; } = 70;

    /// <summary>Sightings pending at which checks are refused (<see cref="SightingQueueShedPercent"/> of the capacity).</summary>
    public long SightingQueueShedMark => (long)SightingBufferCapacity * SightingQueueShedPercent / 100;

    /// <summary>Sightings pending at or below which checks are admitted again.</summary>
    public long SightingQueueResumeMark => (long)SightingBufferCapacity * SightingQueueResumePercent / 100;

    /// <summary>Checks are answered 503 while a work item queued on the thread pool waits this long to run; 0: not measured.</summary>
    public int ThreadPoolShedDelayMilliseconds { get; set; } = 500;

    /// <summary>…until one waits no longer than this.</summary>
    public int ThreadPoolResumeDelayMilliseconds { get; set; } = 50;

    /// <summary>How often the thread pool's queueing delay is sampled (and the shed counters looked at for the log).</summary>
    public int OverloadSampleMilliseconds { get; set; } = 100;

    /// <summary>The Retry-After of a 503 NF_CONGESTION answer, in seconds.</summary>
    public int CongestionRetryAfterSeconds { get; set; } = 5;

    /// <summary>The NRF whose OAuth2 access tokens are accepted beside operator secrets (<c>Eir:Nrf:*</c>); unset: none.</summary>
    public NrfSettings Nrf { get; } = new();

    /// <summary>The Diameter S13 peer for 4G cores (<c>Eir:Diameter:*</c>); off unless enabled.</summary>
    public Diameter.DiameterSettings Diameter { get; } = new();

    public IEnumerable<string> OtherKeys => [NrfSection, DiameterSection];

    public const string NrfSection = "Nrf";

    public const string DiameterSection = "Diameter";

    public void BindOther(Microsoft.Extensions.Configuration.IConfigurationSection section, List<string> problems)
    {
        Settings.BindNested(section.GetSection(NrfSection), Nrf, problems);
        Settings.BindNested(section.GetSection(DiameterSection), Diameter, problems);
    }

    /// <summary>The SBA listener's address when none is set and Kestrel:Endpoints is not configured.</summary>
    public const string DefaultSbaListen = "http://127.0.0.1:5081";

    /// <summary>
    /// The dedicated SBA listener of the web host (HTTP/2 only: h2c with prior knowledge over http://):
    /// http://IP:PORT, http://localhost:PORT or http://*:PORT; port 0 takes a free one. Unset: <see cref="DefaultSbaListen"/>,
    /// unless Kestrel:Endpoints is configured (then no SBA listener is added); empty: no SBA listener.
    /// </summary>
    public string? SbaListen { get; set; }

    /// <summary>For an https:// <see cref="SbaListen"/>: the server certificate, a PKCS#12 (.pfx) file, or a PEM certificate with <see cref="SbaCertificateKeyPath"/>.</summary>
    public string? SbaCertificatePath { get; set; }

    /// <summary>The password of the PKCS#12 file (or of an encrypted PEM key).</summary>
    public string? SbaCertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="SbaCertificatePath"/>; unset for a PKCS#12 file.</summary>
    public string? SbaCertificateKeyPath { get; set; }

    /// <summary>Mutual TLS on an https:// SBA listener: the operators' NFs' client certificates.</summary>
    public SbaClientCertificates SbaClientCertificates { get; set; } = SbaClientCertificates.None;

    /// <summary>
    /// PEM file of the certificate authorities that issue the NFs' client certificates; unset: the machine's trusted
    /// roots. Only with <see cref="SbaClientCertificates"/> Allow or Require.
    /// </summary>
    public string? SbaClientCertificateAuthorityPath { get; set; }

    /// <summary>Whether the SBA listener speaks TLS (an https:// <see cref="SbaListen"/>).</summary>
    public bool SbaTls => SbaListen?.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Whether <see cref="SbaListen"/> was given at all (empty counts: it turns the listener off).</summary>
    public bool SbaListenSet => SbaListen is not null;

    /// <summary>The SBA listener's host and port, or null when there is none; <paramref name="kestrelEndpointsConfigured"/> as in <see cref="SbaListen"/>.</summary>
    public (string Host, int Port)? SbaEndpoint(bool kestrelEndpointsConfigured)
    {
        var text = SbaListen ?? (kestrelEndpointsConfigured ? "" : DefaultSbaListen);
        return text.Trim().Length == 0 ? null : ParseSbaListen(text.Trim(), out var endpoint) is null ? endpoint : null;
    }

    /// <summary>Null when <paramref name="text"/> is a usable SBA listener address, else what is wrong with it.</summary>
    private static string? ParseSbaListen(string text, out (string Host, int Port)? endpoint)
    {
        endpoint = null;
        const string form = "http(s)://IP:PORT, http(s)://localhost:PORT or http(s)://*:PORT (port 0 takes a free one), or empty for no SBA listener";
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return form;
        }

        var scheme = text[..schemeEnd];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return form;
        }

        var rest = text[(schemeEnd + 3)..].TrimEnd('/');
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || rest.Contains('/', StringComparison.Ordinal)
            || !int.TryParse(rest[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port > 65535)
        {
            return form;
        }

        var host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host is not ("*" or "+") && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            && !System.Net.IPAddress.TryParse(host, out _))
        {
            return form;
        }

        endpoint = (host, port);
        return null;
    }

    public IEnumerable<string> Validate(string section)
    {
        if (PollIntervalMilliseconds < 10)
        {
            yield return $"{section}:PollIntervalMilliseconds is {PollIntervalMilliseconds}; it must be at least 10";
        }

        if (ChangeLogGapSeconds < 0)
        {
            yield return $"{section}:ChangeLogGapSeconds is {ChangeLogGapSeconds}; it must not be negative";
        }

        if (SightingBatchSize < 1)
        {
            yield return $"{section}:SightingBatchSize is {SightingBatchSize}; it must be at least 1";
        }

        if (SightingFlushMilliseconds < 1)
        {
            yield return $"{section}:SightingFlushMilliseconds is {SightingFlushMilliseconds}; it must be at least 1";
        }

        if (SightingBufferCapacity < SightingBatchSize)
        {
            yield return $"{section}:SightingBufferCapacity is {SightingBufferCapacity}; it must be at least {section}:SightingBatchSize ({SightingBatchSize})";
        }

        if (RepeatSightingSlots is < 1 or > 1 << 28)
        {
            yield return $"{section}:RepeatSightingSlots is {RepeatSightingSlots}; it must be between 1 and 268435456";
        }

        if (MaxBatchChecks < 1)
        {
            yield return $"{section}:MaxBatchChecks is {MaxBatchChecks}; it must be at least 1";
        }

        if (MaxFailedAuthenticationsPerMinute < 1)
        {
            yield return $"{section}:MaxFailedAuthenticationsPerMinute is {MaxFailedAuthenticationsPerMinute}; it must be at least 1";
        }

        foreach (var problem in ValidateOverload(section))
        {
            yield return problem;
        }

        foreach (var problem in OperatorCredentialKey.Problems(CredentialKey, CredentialKeyFile))
        {
            yield return problem;
        }

        if (SbaListen is { } sba && sba.Trim().Length > 0 && ParseSbaListen(sba.Trim(), out _) is { } wrong)
        {
            yield return $"{section}:SbaListen is '{sba}'; it must be {wrong}";
        }

        foreach (var problem in ValidateSbaTls(section))
        {
            yield return problem;
        }

        foreach (var problem in Nrf.Validate($"{section}:{NrfSection}"))
        {
            yield return problem;
        }

        foreach (var problem in Diameter.Validate($"{section}:{DiameterSection}"))
        {
            yield return problem;
        }
    }

    private IEnumerable<string> ValidateOverload(string section)
    {
        if (MaxChecksPerOperatorPerSecond is < 0 or > 1_000_000)
        {
            yield return $"{section}:MaxChecksPerOperatorPerSecond is {MaxChecksPerOperatorPerSecond}; it must be between 0 (no cap) and 1000000";
        }

        if (MaxChecksPerOperatorBurst < 0)
        {
            yield return $"{section}:MaxChecksPerOperatorBurst is {MaxChecksPerOperatorBurst}; it must not be negative (0: one second's worth)";
        }
        else if (MaxChecksPerOperatorBurst > 0 && MaxChecksPerOperatorPerSecond == 0)
        {
            yield return $"{section}:MaxChecksPerOperatorBurst is {MaxChecksPerOperatorBurst} but {section}:MaxChecksPerOperatorPerSecond is 0 (no cap); set the rate too, or remove the burst";
        }

        if (SightingQueueShedPercent is < 1 or > 100)
        {
            yield return $"{section}:SightingQueueShedPercent is {SightingQueueShedPercent}; it must be between 1 and 100";
        }
        else if (SightingQueueResumePercent < 0 || SightingQueueResumePercent >= SightingQueueShedPercent)
        {
            yield return $"{section}:SightingQueueResumePercent is {SightingQueueResumePercent}; it must be at least 0 and below {section}:SightingQueueShedPercent ({SightingQueueShedPercent})";
        }
        else if (SightingBufferCapacity >= SightingBatchSize && SightingQueueShedMark < MaxBatchChecks)
        {
            yield return $"{section}:SightingQueueShedPercent {SightingQueueShedPercent} of {section}:SightingBufferCapacity {SightingBufferCapacity} is {SightingQueueShedMark} sightings, fewer than one batch request of {section}:MaxBatchChecks ({MaxBatchChecks}): such a batch would never be admitted";
        }

        if (ThreadPoolShedDelayMilliseconds < 0)
        {
            yield return $"{section}:ThreadPoolShedDelayMilliseconds is {ThreadPoolShedDelayMilliseconds}; it must not be negative (0: not measured)";
        }
        else if (ThreadPoolShedDelayMilliseconds > 0 && (ThreadPoolResumeDelayMilliseconds < 0 || ThreadPoolResumeDelayMilliseconds >= ThreadPoolShedDelayMilliseconds))
        {
            yield return $"{section}:ThreadPoolResumeDelayMilliseconds is {ThreadPoolResumeDelayMilliseconds}; it must be at least 0 and below {section}:ThreadPoolShedDelayMilliseconds ({ThreadPoolShedDelayMilliseconds})";
        }

        if (OverloadSampleMilliseconds is < 10 or > 10_000)
        {
            yield return $"{section}:OverloadSampleMilliseconds is {OverloadSampleMilliseconds}; it must be between 10 and 10000";
        }

        if (CongestionRetryAfterSeconds is < 1 or > 3600)
        {
            yield return $"{section}:CongestionRetryAfterSeconds is {CongestionRetryAfterSeconds}; it must be between 1 and 3600";
        }
    }

    private IEnumerable<string> ValidateSbaTls(string section)
    {
        if (SbaTls && string.IsNullOrWhiteSpace(SbaCertificatePath))
        {
            yield return $"{section}:SbaListen '{SbaListen}' is https: give the server certificate in {section}:SbaCertificatePath (a .pfx, or a PEM certificate with {section}:SbaCertificateKeyPath)";
        }

        if (!SbaTls && (!string.IsNullOrWhiteSpace(SbaCertificatePath) || SbaClientCertificates != SbaClientCertificates.None))
        {
            yield return $"{section}:SbaCertificatePath and {section}:SbaClientCertificates need an https:// {section}:SbaListen (it is '{SbaListen}')";
        }

        foreach (var (key, path) in new[]
        {
            ("SbaCertificatePath", SbaCertificatePath),
            ("SbaCertificateKeyPath", SbaCertificateKeyPath),
            ("SbaClientCertificateAuthorityPath", SbaClientCertificateAuthorityPath),
        })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                yield return $"{section}:{key} is '{path}'; no such file";
            }
        }

        if (!string.IsNullOrWhiteSpace(SbaClientCertificateAuthorityPath) && SbaClientCertificates == SbaClientCertificates.None)
        {
            yield return $"{section}:SbaClientCertificateAuthorityPath is set but {section}:SbaClientCertificates is None; set it to Allow or Require";
        }
    }
}
