namespace Omnibus.Hosting;

/// <summary>The shared segment-file cache's settings: at most <paramref name="MaxOpen"/> unused handles open, each closed after <paramref name="IdleTimeout"/> unused.</summary>
public sealed record SegmentFileHandleOptions(int MaxOpen, TimeSpan IdleTimeout);
