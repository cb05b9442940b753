namespace HazChem.Transport.LoadingCheck.Tests.Service;

/// <summary>The network between the loading-check service and one dependency: up, down (connection refused) or slow.</summary>
internal sealed class Link
{
    public volatile bool Down;

    private long _delayTicks;

    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public HttpMessageHandler Handler(HttpMessageHandler inner) => new LinkHandler(this) { InnerHandler = inner };

    private sealed class LinkHandler(Link link) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (link.Down)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (the test took the dependency down)");
            }

            if (link.Delay > TimeSpan.Zero)
            {
                await Task.Delay(link.Delay, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
