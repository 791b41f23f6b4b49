namespace JobLog.Integration.Dispatch.Model;

/// <summary>What a would-be leader (or, for <see cref="Trigger"/>, any node) asks of the run store.</summary>
public enum StoreCommandKind
{
    TakeOver,
    Claim,
    Resolve,
    Begin,
    Complete,
    Adopt,
    Trigger,
    ClaimTrigger,
}
