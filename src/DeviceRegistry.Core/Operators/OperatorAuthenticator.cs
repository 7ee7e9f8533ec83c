using System.Collections.Concurrent;
using System.Security.Cryptography;
using DeviceRegistry.Data;

namespace DeviceRegistry.Operators;

/// <summary>An operator whose secret was verified.</summary>
public sealed record AuthenticatedOperator(int Id, string Name);

/// <summary>
/// Verifies operators' bearer secrets against the stored hashes, reloaded every <see cref="RefreshInterval"/>
/// (so <c>devreg operator add</c> or <c>rotate</c> revokes the old secret within it). The secret names the
/// operator whose hash to try. An <c>hmac-sha256</c> hash costs one HMAC-SHA-256 (about a microsecond) for
/// every answer, right or wrong; so does a secret naming no operator, so failures all cost the same.
/// A right secret is remembered (an NF presents the same secret on every request), so its repeats cost a
/// hash-table lookup with a constant-time comparison; only right secrets enter, at most one per operator and stored
/// credential, and an entry counts only while the operator still has the credential it matched. A legacy PBKDF2
/// hash is deliberately slow: a wrong secret for such an operator still costs one PBKDF2 until the secret is
/// rotated (docs/eir.md).
/// </summary>
public sealed class OperatorAuthenticator(RegistryDatabase database, TimeProvider clock, OperatorCredentialKey key)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, StoredCredential> rightSecrets = new(ConstantTimeOrdinal.Instance);
    private int refreshing;
    private volatile IReadOnlyDictionary<int, StoredCredential> operators = new Dictionary<int, StoredCredential>();
    private volatile IReadOnlyDictionary<string, AuthenticatedOperator> byName = new Dictionary<string, AuthenticatedOperator>();
    private long refreshedAtTicks;

    /// <summary>A right secret seen before, looked up without making a string of it (the EIR's every check).</summary>
    private bool TryRemembered(ReadOnlySpan<char> secret, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuthenticatedOperator? caller)
    {
        if (rightSecrets.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(secret, out var remembered)
            && operators.TryGetValue(remembered.Id, out var current) && ReferenceEquals(current, remembered))
        {
            RefreshInBackgroundIfStale();
            caller = remembered.Operator;
            return true;
        }

        caller = null;
        return false;
    }

    /// <summary>The operator whose secret <paramref name="presented"/> is, or null; a remembered right secret costs no string.</summary>
    public async ValueTask<AuthenticatedOperator?> AuthenticateAsync(ReadOnlyMemory<char> presented, CancellationToken ct)
    {
        if (TryRemembered(presented.Span, out var known))
        {
            return known;
        }

        var secret = presented.ToString();

        var claimedId = OperatorSecret.ClaimedOperatorId(secret);
        if (claimedId is null)
        {
            return Fail(secret);
        }

        await RefreshIfStaleAsync(operators.ContainsKey(claimedId.Value), ct);
        if (!operators.TryGetValue(claimedId.Value, out var stored))
        {
            return Fail(secret);
        }

        if (stored.Mac is null && !OperatorSecret.IsPbkdf2(stored.SecretHash))
        {
            // Made with another server key, or malformed: it cannot match until the secret is rotated.
            return Fail(secret);
        }

        var right = stored.Mac is { } mac ? OperatorSecret.VerifyHmac(secret, mac, key) : OperatorSecret.Verify(secret, stored.SecretHash);
        if (!right)
        {
            return null;
        }

        rightSecrets[secret] = stored;
        return stored.Operator;
    }

    /// <summary>
    /// The operator of that name (with or without a secret), for callers authenticated otherwise (NRF access tokens
    /// mapped to operator names); null when the registry has none. Reloaded as for secrets.
    /// </summary>
    public async ValueTask<AuthenticatedOperator?> FindByNameAsync(string name, CancellationToken ct)
    {
        await RefreshIfStaleAsync(byName.ContainsKey(name), ct);
        return byName.GetValueOrDefault(name);
    }

    /// <summary>A failure costs one HMAC like a wrong secret for a real operator, so timing does not tell them apart.</summary>
    private AuthenticatedOperator? Fail(string secret)
    {
        Span<byte> mac = stackalloc byte[OperatorSecret.MacBytes];
        key.Compute(secret.AsSpan(0, Math.Min(secret.Length, 256)), mac);
        return null;
    }

    /// <summary>Known operator: revocations are picked up in the background, off the request path.</summary>
    private void RefreshInBackgroundIfStale()
    {
        var last = Interlocked.Read(ref refreshedAtTicks);
        if ((last == 0 || clock.GetElapsedTime(last) >= RefreshInterval) && Volatile.Read(ref refreshing) == 0)
        {
            _ = Task.Run(() => RefreshAsync(CancellationToken.None), CancellationToken.None);
        }
    }

    private async ValueTask RefreshIfStaleAsync(bool known, CancellationToken ct)
    {
        if (known)
        {
            RefreshInBackgroundIfStale();
            return;
        }

        var last = Interlocked.Read(ref refreshedAtTicks);
        var age = last == 0 ? TimeSpan.MaxValue : clock.GetElapsedTime(last);

        // An unknown id may be an operator just added by the CLI: reload, but at most once a second.
        if (age >= TimeSpan.FromSeconds(1))
        {
            await RefreshAsync(ct);
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref refreshing, 1, 0) != 0)
        {
            return;
        }

        try
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT id, name, secret_hash FROM operators";
            var fresh = new Dictionary<int, StoredCredential>();
            var names = new Dictionary<string, AuthenticatedOperator>(StringComparer.Ordinal);
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var id = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                    var name = reader.GetString(1);
                    if (reader.IsDBNull(2))
                    {
                        names[name] = byName.TryGetValue(name, out var same) && same.Id == id ? same : new AuthenticatedOperator(id, name);
                        continue;
                    }

                    var hash = reader.GetString(2);
                    // Keep the same object for an unchanged credential so cached verifications stay valid.
                    fresh[id] = operators.TryGetValue(id, out var old) && old.SecretHash == hash && old.Name == name
                        ? old
                        : new StoredCredential(id, name, hash, OperatorSecret.HmacOf(hash, key));
                    names[name] = fresh[id].Operator;
                }
            }

            operators = fresh;
            byName = names;
            foreach (var entry in rightSecrets)
            {
                if (!fresh.TryGetValue(entry.Value.Id, out var current) || !ReferenceEquals(current, entry.Value))
                {
                    rightSecrets.TryRemove(entry.Key, out _);
                }
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            // The database is unreachable: keep answering with the credentials already known.
        }
        finally
        {
            Interlocked.Exchange(ref refreshedAtTicks, clock.GetTimestamp());
            Volatile.Write(ref refreshing, 0);
        }
    }

    private sealed record StoredCredential(int Id, string Name, string SecretHash, byte[]? Mac)
    {
        public AuthenticatedOperator Operator { get; } = new(Id, Name);
    }

    /// <summary>Ordinal string keys compared in constant time (for equal lengths), hashed with the runtime's randomized hash.</summary>
    private sealed class ConstantTimeOrdinal : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public static readonly ConstantTimeOrdinal Instance = new();

        public bool Equals(string? x, string? y) => x is not null && y is not null && Equals(x.AsSpan(), y);

        public bool Equals(ReadOnlySpan<char> alternate, string other) => CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(alternate),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(other.AsSpan()));

        public int GetHashCode(string value) => string.GetHashCode(value.AsSpan());

        public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate);

        public string Create(ReadOnlySpan<char> alternate) => new(alternate);
    }
}
