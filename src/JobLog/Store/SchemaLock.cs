namespace JobLog.Store;

/// <summary>
/// The advisory lock every writer of DDL into a schema holds (Marten's tables and the run store's): nodes that start
/// together on a fresh database would otherwise create the same schema and tables at the same time, and all but one fail.
/// </summary>
public static class SchemaLock
{
    /// <summary>The text whose <c>hashtextextended(text, 0)</c> is the lock's key.</summary>
    public static string Name(string schema) => $"joblog schema {schema}";
}
