namespace JobLog.Properties.Cron;

/// <summary>A valid expression with one field broken in a described way; the rules must name that field.</summary>
public sealed record BrokenCron(ValidCron Valid, int Index, string BrokenField, string Why)
{
    public string Text => string.Join(Valid.Separator, Valid.Fields.Select((f, i) => i == Index ? BrokenField : f.Text));

    public string FieldName => Valid.Fields[Index].Field.Name;

    public override string ToString() => $"'{Text}' ({FieldName} field: {Why})";
}
