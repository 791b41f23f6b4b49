using JobLog.Store;
using Marten;

namespace JobLog.Properties.Store;

/// <summary>Marten's serializer configured exactly as the store configures it: the JSON events really have in PostgreSQL.</summary>
public static class MartenJson
{
    public static ISerializer Serializer { get; } = Create();

    private static ISerializer Create()
    {
        var options = new StoreOptions();
        JobLogMarten.Configure(options, "Host=127.0.0.1;Database=unused", "unused");
        return options.Serializer();
    }

    public static T Read<T>(string json) =>
        (T)Serializer.FromJson(typeof(T), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
}
