namespace JobLog.Store;

/// <summary>The store could not be reached or did not answer in time; the operation's outcome is as stated.</summary>
public sealed class StoreUnavailableException(string message, Exception innerException)
    : Exception(message, innerException);
