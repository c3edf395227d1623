using System.Security.Cryptography;
using System.Text;

namespace Corrections.Pipeline.Producers;

/// <summary>
/// API keys: <c>ck_</c> and 32 random bytes in base64url. Only the SHA-256 is stored; the prefix shown in listings is
/// the first 10 characters, too short to guess the rest from.
/// </summary>
public static class ApiKeys
{
    public const string Scheme = "ck_";
    private const int PrefixLength = 10;

    public static string New() =>
        Scheme + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string Prefix(string key) => key[..Math.Min(PrefixLength, key.Length)];

    /// <summary>Whether <paramref name="value"/> has a key's shape at all, before any database work.</summary>
    public static bool LooksLikeKey(string? value) => value is { Length: > 20 and < 100 } && value.StartsWith(Scheme, StringComparison.Ordinal);
}
