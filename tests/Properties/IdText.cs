namespace JobLog.Properties;

/// <summary>A candidate job id, mostly from the allowed alphabet and around the length limit.</summary>
public sealed record IdText(string Text)
{
    public override string ToString() => $"\"{Text}\" ({Text.Length} chars)";
}
