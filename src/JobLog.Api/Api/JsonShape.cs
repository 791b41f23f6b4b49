using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using JobLog.Model;

namespace JobLog.Api.Api;

/// <summary>
/// Checks a well-formed JSON document against the contract type's serializer metadata before anything is bound, and
/// names every field that does not fit: unknown, given twice, or of the wrong JSON type. The serializer reports these
/// only as one <see cref="JsonException"/> whose kind is in its English message; walking its metadata ourselves tells
/// them apart by structure and finds all of them, not the first.
/// </summary>
public static class JsonShape
{
    public static List<FieldError> Check(JsonElement root, JsonTypeInfo contract)
    {
        var errors = new List<FieldError>();
        CheckValue(root, contract, "", errors);
        return errors;
    }

    private static void CheckValue(JsonElement value, JsonTypeInfo contract, string path, List<FieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            // Null binds to a reference type or Nullable<T>; whether it is allowed there is the request's own rule.
            if (contract.Type.IsValueType && Nullable.GetUnderlyingType(contract.Type) is null)
                errors.Add(new FieldError(FieldName(path), $"must not be null: expected {Describe(contract)}."));
            return;
        }
        switch (contract.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(value, contract, path, errors);
                break;
            case JsonTypeInfoKind.Dictionary:
                CheckDictionary(value, contract, path, errors);
                break;
            case JsonTypeInfoKind.Enumerable:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    WrongType(contract, path, errors);
                    break;
                }
                var elements = contract.Options.GetTypeInfo(contract.ElementType!);
                var index = 0;
                foreach (var element in value.EnumerateArray())
                    CheckValue(element, elements, $"{path}[{index++}]", errors);
                break;
            default:
                if (!FitsPrimitive(value, contract))
                    WrongType(contract, path, errors);
                else if (value.ValueKind == JsonValueKind.String && !IsWellFormedText(value))
                    errors.Add(new FieldError(FieldName(path), "is not valid text: it contains an unpaired UTF-16 surrogate escape."));
                break;
        }
    }

    private static void CheckObject(JsonElement value, JsonTypeInfo contract, string path, List<FieldError> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(contract, path, errors);
            return;
        }
        var options = contract.Options;
        var comparer = options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var byName = contract.Properties.Where(p => p.Set is not null).ToDictionary(p => p.Name, comparer);
        var disallowUnknown = (contract.UnmappedMemberHandling ?? options.UnmappedMemberHandling) == JsonUnmappedMemberHandling.Disallow;
        var seen = new HashSet<JsonPropertyInfo>();
        foreach (var property in value.EnumerateObject())
        {
            if (!byName.TryGetValue(property.Name, out var member))
            {
                if (disallowUnknown)
                    errors.Add(new FieldError(Join(path, property.Name), "is not a known field."));
                continue;
            }
            var field = Join(path, member.Name);
            if (!seen.Add(member))
            {
                if (!options.AllowDuplicateProperties)
                    errors.Add(new FieldError(field, "is given more than once."));
                continue;
            }
            CheckValue(property.Value, options.GetTypeInfo(member.PropertyType), field, errors);
        }
    }

    private static void CheckDictionary(JsonElement value, JsonTypeInfo contract, string path, List<FieldError> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            WrongType(contract, path, errors);
            return;
        }
        var values = contract.Options.GetTypeInfo(contract.ElementType!);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            var field = Join(path, entry.Name);
            if (!keys.Add(entry.Name))
            {
                if (!contract.Options.AllowDuplicateProperties)
                    errors.Add(new FieldError(field, "is given more than once."));
                continue;
            }
            CheckValue(entry.Value, values, field, errors);
        }
    }

    private static bool FitsPrimitive(JsonElement value, JsonTypeInfo contract)
    {
        var type = Nullable.GetUnderlyingType(contract.Type) ?? contract.Type;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => value.ValueKind == JsonValueKind.String,
            TypeCode.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            TypeCode.Int32 => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            TypeCode.Int64 => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            _ when type == typeof(DateTimeOffset) => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
            _ => throw new NotSupportedException(
                $"Request contracts use strings, booleans, 32/64-bit integers and DateTimeOffset; {type.Name} needs a rule here."),
        };
    }

    private static bool IsWellFormedText(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void WrongType(JsonTypeInfo contract, string path, List<FieldError> errors) =>
        errors.Add(new FieldError(FieldName(path), $"has the wrong JSON type: expected {Describe(contract)}."));

    private static string Describe(JsonTypeInfo contract)
    {
        var type = Nullable.GetUnderlyingType(contract.Type) ?? contract.Type;
        return contract.Kind switch
        {
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            JsonTypeInfoKind.Enumerable => "an array",
            _ => Type.GetTypeCode(type) switch
            {
                TypeCode.String => "a string",
                TypeCode.Boolean => "true or false",
                TypeCode.Int32 => "a whole number within 32 bits",
                TypeCode.Int64 => "a whole number within 64 bits",
                _ when type == typeof(DateTimeOffset) => "an ISO-8601 date and time string",
                _ => type.Name,
            },
        };
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string FieldName(string path) => path.Length == 0 ? "body" : path;
}
