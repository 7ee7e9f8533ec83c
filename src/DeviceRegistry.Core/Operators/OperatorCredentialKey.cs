using System.Security.Cryptography;
using System.Text;
using DeviceRegistry.Data;
using DeviceRegistry.Infrastructure;
using Microsoft.Data.Sqlite;

namespace DeviceRegistry.Operators;

/// <summary>
/// The server key that operators' secrets are hashed with (HMAC-SHA-256). It is never stored in the database:
/// it comes from <c>Eir:CredentialKey</c> (base64) or <c>Eir:CredentialKeyFile</c> (a file holding it in base64),
/// or, when neither is set and the database is a SQLite file, from <see cref="GeneratedFileName"/> beside that
/// file, created with 32 random bytes on first start. A different key makes every HMAC-stored secret fail until
/// it is rotated (docs/eir.md).
/// </summary>
public sealed class OperatorCredentialKey
{
    public const int MinimumBytes = 32;
    public const string GeneratedFileName = "credential.key";
    public const string KeySetting = "Eir:CredentialKey";
    public const string FileSetting = "Eir:CredentialKeyFile";

    private readonly byte[] key;

    public OperatorCredentialKey(byte[] key, string source)
    {
        if (key.Length < MinimumBytes)
        {
            throw new ArgumentException($"a credential key has at least {MinimumBytes} bytes", nameof(key));
        }

        this.key = key.ToArray();
        Source = source;
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(this.key, digest);
        Id = Convert.ToHexStringLower(digest[..4]);
    }

    /// <summary>8 hex digits naming the key (the start of its SHA-256): stored in each hash, so a changed key is recognised.</summary>
    public string Id { get; }

    /// <summary>Where the key came from (a setting's name or the generated file's path), for messages; never the key.</summary>
    public string Source { get; }

    /// <summary>A fresh random key, e.g. for tests and benchmarks.</summary>
    public static OperatorCredentialKey Random() => new(RandomNumberGenerator.GetBytes(MinimumBytes), "random");

    /// <summary>HMAC-SHA-256 of the secret's UTF-8 bytes into <paramref name="mac"/> (32 bytes); no allocation for secrets up to 256 bytes.</summary>
    public void Compute(ReadOnlySpan<char> secret, Span<byte> mac)
    {
        var length = Encoding.UTF8.GetMaxByteCount(secret.Length);
        var rented = length <= 256 ? null : new byte[length];
        Span<byte> bytes = rented ?? stackalloc byte[256];
        var n = Encoding.UTF8.GetBytes(secret, bytes);
        HMACSHA256.HashData(key, bytes[..n], mac);
        CryptographicOperations.ZeroMemory(bytes[..n]);
    }

    /// <summary>The problems with the key settings' form (each naming its key, never showing the key).</summary>
    public static IEnumerable<string> Problems(string? keySetting, string? fileSetting)
    {
        if (!string.IsNullOrWhiteSpace(keySetting) && !string.IsNullOrWhiteSpace(fileSetting))
        {
            yield return $"{KeySetting} and {FileSetting} are both set; set one of them";
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(keySetting) && Decode(keySetting, KeySetting, out _) is { } keyProblem)
        {
            yield return keyProblem;
        }

        if (!string.IsNullOrWhiteSpace(fileSetting) && ReadFile(fileSetting, out _) is { } fileProblem)
        {
            yield return fileProblem;
        }
    }

    /// <summary>The key the settings name; with neither set, the generated file beside a SQLite database (created if missing).</summary>
    public static OperatorCredentialKey Resolve(string? keySetting, string? fileSetting, DatabaseOptions database)
    {
        var problems = Problems(keySetting, fileSetting).ToList();
        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }

        if (!string.IsNullOrWhiteSpace(keySetting))
        {
            Decode(keySetting, KeySetting, out var bytes);
            return new OperatorCredentialKey(bytes!, KeySetting);
        }

        if (!string.IsNullOrWhiteSpace(fileSetting))
        {
            ReadFile(fileSetting, out var bytes);
            return new OperatorCredentialKey(bytes!, FileSetting + " " + fileSetting);
        }

        var folder = SqliteFolder(database) ?? throw new SettingsException([
            $"{KeySetting} or {FileSetting} must be set: operators' API secrets are hashed with this server key "
            + $"(at least {MinimumBytes} random bytes in base64, e.g. from 'openssl rand -base64 32'); only a SQLite "
            + $"database file gets a generated key ({GeneratedFileName} beside it)"]);
        var path = Path.Combine(folder, GeneratedFileName);
        if (!File.Exists(path))
        {
            CreateKeyFile(path);
        }

        if (ReadFile(path, out var generated) is { } problem)
        {
            throw new SettingsException([problem + $" (the key generated beside the SQLite database because neither {KeySetting} nor {FileSetting} is set)"]);
        }

        return new OperatorCredentialKey(generated!, path);
    }

    private static void CreateKeyFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumBytes)));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the CLI beside the web host) created it first: use that one.
        }
    }

    private static string? SqliteFolder(DatabaseOptions database)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(database.ConnectionString);
        var source = builder.DataSource;
        if (string.IsNullOrWhiteSpace(source) || builder.Mode == SqliteOpenMode.Memory
            || source.Equals(":memory:", StringComparison.OrdinalIgnoreCase) || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Path.GetDirectoryName(Path.GetFullPath(source));
    }

    private static string? ReadFile(string path, out byte[]? key)
    {
        key = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return File.Exists(path)
                ? $"{FileSetting}: the key file {path} cannot be read ({ex.GetType().Name})"
                : $"{FileSetting}: the key file {path} does not exist";
        }

        return Decode(text, $"{FileSetting} ({path})", out key);
    }

    private static string? Decode(string text, string name, out byte[]? key)
    {
        key = null;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return $"{name} is not base64; it must be at least {MinimumBytes} random bytes in base64 (e.g. 'openssl rand -base64 32')";
        }

        if (key.Length < MinimumBytes)
        {
            var length = key.Length;
            key = null;
            return $"{name} is {length} bytes; it must be at least {MinimumBytes} random bytes in base64 (e.g. 'openssl rand -base64 32')";
        }

        return null;
    }
}
