using System.Net;
using DeviceRegistry.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace DeviceRegistry.Eir.Diameter;

/// <summary>One MME (or Diameter agent) allowed to connect: its identity in CER and the operator its checks are attributed to.</summary>
public sealed record DiameterPeer(string OriginHost, string OriginRealm, string Operator);

/// <summary>
/// The <c>Eir:Diameter</c> section (docs/eir.md, "Diameter S13"): the EIR's Diameter peer for 4G cores (S13,
/// 3GPP TS 29.272), its identity and the peers it accepts. Off unless <see cref="Enabled"/>.
/// </summary>
public sealed class DiameterSettings : ISettingsSection
{
    public const string PeersKey = "Peers";

    private static readonly string[] PeerKeys = ["OriginHost", "OriginRealm", "Operator"];

    /// <summary>Whether the host listens for Diameter peers.</summary>
    public bool Enabled { get; set; }

    /// <summary>The IP address listened on (IPv4 or IPv6 literal).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port (RFC 6733: 3868); 0 picks a free one (tests).</summary>
    public int Port { get; set; } = 3868;

    /// <summary>The EIR's own DiameterIdentity (Origin-Host of its answers), e.g. eir.registry.example.</summary>
    public string? OriginHost { get; set; }

    /// <summary>The EIR's realm (Origin-Realm of its answers).</summary>
    public string? OriginRealm { get; set; }

    /// <summary>A peer that sends nothing for this long is disconnected (it should send DWR well within it; RFC 3539 Tw is 30 s).</summary>
    public int IdleTimeoutSeconds { get; set; } = 120;

    /// <summary>Connections at most at once (each peer keeps one; the rest are for reconnects and tests).</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>The allowed peers, from <c>Eir:Diameter:Peers:0:OriginHost</c>, <c>:OriginRealm</c>, <c>:Operator</c>, …</summary>
    public List<DiameterPeer> Peers { get; } = [];

    public IEnumerable<string> OtherKeys => [PeersKey];

    public void BindOther(IConfigurationSection section, List<string> problems)
    {
        var peers = section.GetSection(PeersKey);
        if (peers.Value is { Length: > 0 })
        {
            problems.Add($"{peers.Path} is a list of peers: give each as {peers.Path}:0:OriginHost, {peers.Path}:0:OriginRealm, {peers.Path}:0:Operator");
            return;
        }

        foreach (var item in peers.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (!int.TryParse(item.Key, out _))
            {
                problems.Add($"{item.Path}: '{item.Key}' is not a list index; the peers are {peers.Path}:0, {peers.Path}:1, …");
                continue;
            }

            foreach (var key in item.GetChildren().Select(c => c.Key).Where(k => !PeerKeys.Contains(k, StringComparer.OrdinalIgnoreCase)))
            {
                problems.Add($"{item.Path}:{key} is not a setting; a peer has {string.Join(", ", PeerKeys)}");
            }

            var host = item["OriginHost"]?.Trim();
            var realm = item["OriginRealm"]?.Trim();
            var name = item["Operator"]?.Trim();
            foreach (var (key, value) in new[] { ("OriginHost", host), ("OriginRealm", realm), ("Operator", name) })
            {
                if (string.IsNullOrEmpty(value))
                {
                    problems.Add($"{item.Path}:{key} is missing; a peer needs its Origin-Host, its Origin-Realm and the operator (as in devreg operator add) its checks are attributed to");
                }
            }

            if (!string.IsNullOrEmpty(host) && !string.IsNullOrEmpty(realm) && !string.IsNullOrEmpty(name))
            {
                Peers.Add(new DiameterPeer(host, realm, name));
            }
        }
    }

    public IEnumerable<string> Validate(string section)
    {
        if (!IPAddress.TryParse(Address, out _))
        {
            yield return $"{section}:Address is '{Address}'; it must be an IP address such as 127.0.0.1 or ::1 (0.0.0.0 for every interface)";
        }

        if (Port is < 0 or > 65535)
        {
            yield return $"{section}:Port is {Port}; it must be between 1 and 65535 (3868 is Diameter's), or 0 for a free port";
        }

        if (IdleTimeoutSeconds is < 5 or > 3600)
        {
            yield return $"{section}:IdleTimeoutSeconds is {IdleTimeoutSeconds}; it must be between 5 and 3600";
        }

        if (MaxConnections is < 1 or > 100_000)
        {
            yield return $"{section}:MaxConnections is {MaxConnections}; it must be between 1 and 100000";
        }

        foreach (var (key, value) in new[] { ("OriginHost", OriginHost), ("OriginRealm", OriginRealm) })
        {
            if (value is not null && !IsIdentity(value))
            {
                yield return $"{section}:{key} is '{value}'; it must be a DiameterIdentity (letters, digits, '-' and '.', e.g. eir.registry.example)";
            }
            else if (Enabled && string.IsNullOrWhiteSpace(value))
            {
                yield return $"{section}:{key} is required when {section}:Enabled is true (the EIR's own Diameter identity, e.g. eir.registry.example)";
            }
        }

        if (Enabled && Peers.Count == 0)
        {
            yield return $"{section}:{PeersKey} is empty; with {section}:Enabled true give at least one peer ({section}:{PeersKey}:0:OriginHost, :OriginRealm, :Operator)";
        }

        for (var i = 0; i < Peers.Count; i++)
        {
            var peer = Peers[i];
            if (!IsIdentity(peer.OriginHost))
            {
                yield return $"{section}:{PeersKey}:{i}:OriginHost is '{peer.OriginHost}'; it must be a DiameterIdentity (letters, digits, '-' and '.')";
            }

            if (!IsIdentity(peer.OriginRealm))
            {
                yield return $"{section}:{PeersKey}:{i}:OriginRealm is '{peer.OriginRealm}'; it must be a realm (letters, digits, '-' and '.')";
            }

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(Peers[j].OriginHost, peer.OriginHost, StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{section}:{PeersKey}:{i}:OriginHost '{peer.OriginHost}' is also {section}:{PeersKey}:{j}:OriginHost; each peer is listed once";
                }
            }
        }
    }

    /// <summary>The peer with this Origin-Host and Origin-Realm (compared ignoring case), or null.</summary>
    public DiameterPeer? FindPeer(string originHost, string originRealm) =>
        Peers.FirstOrDefault(p => string.Equals(p.OriginHost, originHost, StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.OriginRealm, originRealm, StringComparison.OrdinalIgnoreCase));

    private static bool IsIdentity(string value) =>
        value.Length is > 0 and <= 255 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
