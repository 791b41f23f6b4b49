using System.Text.Json.Nodes;

namespace JobLog.Integration.Api;

public static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject json, Action<JsonObject> change)
    {
        change(json);
        return json;
    }
}
