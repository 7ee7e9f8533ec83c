using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DeviceRegistry.Tests.Eir;

/// <summary>
/// A small JSON-schema check against the components of the bundled TS 29.511 document (Eir/3gpp): $ref,
/// type, properties, required, items, minItems, pattern and enum, which is all ProblemDetails, InvalidParam
/// and EirResponseData use. Stricter than the schema in one way: a property the schema does not name is reported.
/// </summary>
public static class ThreeGppSchema
{
    private static readonly Lazy<JsonDocument> Bundle = new(() =>
    {
        using var stream = typeof(ThreeGppSchema).Assembly.GetManifestResourceStream("n5g-eir.Rel-18.bundle.json")
            ?? throw new InvalidOperationException("the bundled N5g-eir document is not embedded");
        return JsonDocument.Parse(stream);
    });

    public const string ProblemDetails = "TS29571_CommonData.ProblemDetails";
    public const string EirResponseData = "EirResponseData";

    public static JsonElement Schemas => Bundle.Value.RootElement.GetProperty("components").GetProperty("schemas");

    /// <summary>
    /// The media type and schema the document gives for an answer of GET /equipment-status; a status it does
    /// not list (405) is held to TS 29.500's rule for every error: ProblemDetails as application/problem+json.
    /// </summary>
    public static (string MediaType, string SchemaName) ResponseOf(int status)
    {
        var responses = Bundle.Value.RootElement.GetProperty("paths").GetProperty("/equipment-status").GetProperty("get").GetProperty("responses");
        if (!responses.TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out var response))
        {
            return ("application/problem+json", ProblemDetails);
        }

        if (response.TryGetProperty("$ref", out var reference))
        {
            response = Bundle.Value.RootElement.GetProperty("components").GetProperty("responses").GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        if (!response.TryGetProperty("content", out var contents))
        {
            // 406 has no content in TS 29.571: an error answer is ProblemDetails all the same (TS 29.500 clause 5.2.7.1).
            return ("application/problem+json", ProblemDetails);
        }

        var content = contents.EnumerateObject().Single();
        return (content.Name, content.Value.GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1]);
    }

    public static List<string> Validate(JsonElement value, string schemaName)
    {
        var errors = new List<string>();
        Check(value, Schemas.GetProperty(schemaName), "$", errors);
        return errors;
    }

    private static void Check(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(value, Schemas.GetProperty(reference.GetString()!.Split('/')[^1]), at, errors);
            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var ok = type.GetString() switch
            {
                "string" => value.ValueKind == JsonValueKind.String,
                "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
                "number" => value.ValueKind == JsonValueKind.Number,
                "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "array" => value.ValueKind == JsonValueKind.Array,
                "object" => value.ValueKind == JsonValueKind.Object,
                _ => false,
            };
            if (!ok)
            {
                errors.Add($"{at}: expected {type.GetString()}, got {value.ValueKind}");
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.ToString() == value.ToString()))
        {
            errors.Add($"{at}: {value} is not one of {allowed}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && value.ValueKind == JsonValueKind.String
            && !Regex.IsMatch(value.GetString()!, pattern.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{at}: \"{value.GetString()}\" does not match {pattern.GetString()}");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray())
                {
                    if (!value.TryGetProperty(name.GetString()!, out _))
                    {
                        errors.Add($"{at}: required property {name.GetString()} is missing");
                    }
                }
            }

            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                {
                    Check(property.Value, propertySchema, $"{at}.{property.Name}", errors);
                }
                else
                {
                    errors.Add($"{at}: property {property.Name} is not in the schema");
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
            {
                errors.Add($"{at}: fewer than {minItems.GetInt32()} items");
            }

            if (schema.TryGetProperty("items", out var items))
            {
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, items, $"{at}[{i++}]", errors);
                }
            }
        }
    }
}
