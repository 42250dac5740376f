namespace Maestro.EndToEnd.Tests.Fuzz;

/// <summary>A generated request, kept as data so that a seed and an index name it exactly.</summary>
/// <param name="Index">Its place in the run: with the seed, enough to make it again.</param>
/// <param name="Kind">What it tries, for the report (e.g. <c>body:deep-nesting</c>).</param>
internal sealed record FuzzRequest(
    int Index,
    FuzzOperation Operation,
    string Kind,
    string Url,
    IReadOnlyList<(string Name, string Value)> Headers,
    byte[]? Body,
    string? ContentType)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Operation.Method, Url);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    public string Describe() =>
        $"#{Index} {Operation.Method} {(Url.Length > 200 ? Url[..200] + "…" : Url)} [{Kind}]";
}

