namespace Maestro.Gateway.Quotas;

/// <summary>One plan under <c>Gateway:Quotas:Plans:&lt;name&gt;</c>.</summary>
public sealed class QuotaPlanOptions
{
    /// <summary>Tokens added to the bucket per minute: the sustained rate.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>The bucket's size: how many requests may come at once after a quiet spell.</summary>
    public int Burst { get; set; }
}
