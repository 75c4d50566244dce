using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace Marketplace.Client.Cli.Recording;

/// <summary>
/// Removes secrets and personal data from a recorded body before anything is written. Replacements are stable
/// fakes (a keyed hash of the original), so the same input always gives the same fake and references between
/// recordings stay consistent, and two recordings of the same data are byte-identical.
/// </summary>
/// <remarks>
/// Removed or replaced: API tokens (<c>idt:TKN-…</c>) and JWTs anywhere; token IDs (<c>TKN-…</c>); e-mail addresses
/// anywhere; person names in <c>audit.*.by.name</c> and <c>acceptedBy.name</c>; <c>invitation.url</c>; every
/// <c>externalId</c>; and whatever the extra JSONPaths select. The key defaults to a fixed value (stable across
/// machines); set <c>MPT_RECORDING_SALT</c> so that the fakes cannot be matched against guessed originals.
/// </remarks>
public sealed class Sanitizer
{
    private static readonly Regex ApiToken = new(@"idt:TKN-[0-9A-Za-z-]+:[^\s""'<>,;]+", RegexOptions.CultureInvariant);
    private static readonly Regex Jwt = new(@"eyJ[0-9A-Za-z_-]{4,}\.[0-9A-Za-z_-]{4,}\.[0-9A-Za-z_-]*", RegexOptions.CultureInvariant);
    private static readonly Regex TokenId = new(@"TKN-[0-9]{4}(-[0-9]{4})+", RegexOptions.CultureInvariant);
    private static readonly Regex Email = new(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant);

    private readonly byte[] _key;
    private readonly IReadOnlyList<string> _extraPaths;

    /// <param name="salt">The key of the stable fakes.</param>
    /// <param name="extraPaths">JSONPaths (Newtonsoft syntax) whose values are replaced by <c>"redacted"</c>.</param>
    public Sanitizer(string salt, IEnumerable<string>? extraPaths = null)
    {
        _key = Encoding.UTF8.GetBytes(salt);
        _extraPaths = extraPaths?.ToList() ?? new List<string>();
    }

    /// <summary>The default key, used when <c>MPT_RECORDING_SALT</c> is not set.</summary>
    public const string DefaultSalt = "Marketplace.Client recordings";

    /// <summary>Sanitizes a JSON body in place and returns it.</summary>
    public JToken Sanitize(JToken body)
    {
        foreach (var path in _extraPaths)
        {
            foreach (var token in body.SelectTokens(path).ToList())
            {
                if (token == body) throw new ArgumentException($"--redact '{path}' selects the whole body.");
                token.Replace(new JValue("redacted"));
            }
        }
        Walk(body, parentName: null);
        return body;
    }

    /// <summary>Sanitizes free text (a header value, a non-JSON body).</summary>
    public string SanitizeText(string text)
    {
        text = ApiToken.Replace(text, "redacted-token");
        text = Jwt.Replace(text, "redacted-jwt");
        text = TokenId.Replace(text, m => FakeId("TKX", m.Value));
        return Email.Replace(text, m => Fake("email", m.Value));
    }

    private void Walk(JToken token, string? parentName)
    {
        switch (token)
        {
            case JObject json:
                foreach (var property in json.Properties().ToList())
                {
                    if (property.Value is JValue { Type: JTokenType.String } value)
                    {
                        var text = (string)value!;
                        var replaced = property.Name switch
                        {
                            "externalId" => Fake("external", text),
                            "url" when parentName == "invitation" => "https://portal.example.invalid/invitations/" + Hash("invitation", text),
                            "name" when parentName == "acceptedBy" || IsAuditActor(json) => "Person " + Hash("person", text),
                            _ => SanitizeText(text),
                        };
                        if (!string.Equals(replaced, text, StringComparison.Ordinal)) property.Value = new JValue(replaced);
                    }
                    else
                    {
                        Walk(property.Value, property.Name);
                    }
                }
                break;
            case JArray array:
                foreach (var item in array) Walk(item, parentName);
                break;
        }
    }

    // Is this object the "by" of an event inside an "audit" object: { "audit": { "<event>": { "by": { ... } } } }?
    private static bool IsAuditActor(JObject candidate) =>
        candidate.Parent is JProperty { Name: "by", Parent: JObject auditEvent } &&
        auditEvent.Parent is JProperty { Parent: JObject audit } &&
        audit.Parent is JProperty { Name: "audit" };

    private string Fake(string kind, string value) => $"{kind}-{Hash(kind, value)}";

    private string FakeId(string prefix, string value)
    {
        var digits = string.Concat(Hash("id", value).Select(c => (char)('0' + Convert.ToInt32(c.ToString(), 16) % 10)));
        return $"{prefix}-{digits.Substring(0, 4)}-{digits.Substring(4, 4)}";
    }

    private string Hash(string kind, string value)
    {
        using var hmac = new HMACSHA256(_key);
        var hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(kind + ":" + value));
        return Convert.ToHexString(hash, 0, 5).ToLowerInvariant();
    }
}
