namespace JobLog.Model;

/// <summary>A fact about one job. Shipped events never change shape: add a new event instead.</summary>
public interface IJobEvent
{
    JobId Job { get; }

    Provenance By { get; }
}
