using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using Xunit;

namespace Marketplace.Client.Tests.Diagnostics;

/// <summary>
/// Listens to the client's spans and metrics as an OpenTelemetry SDK would (an <see cref="ActivityListener"/> and a
/// <see cref="MeterListener"/>; no OpenTelemetry package), within one test: spans are kept when they belong to the
/// test's own root span's trace, so spans from tests running beside it are left out. Metrics have no trace: the tests
/// that read them run alone (<see cref="TelemetryCollection"/>).
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private static readonly ActivitySource TestSource = new("Marketplace.Client.Tests");

    private readonly ActivityListener _spans;
    private readonly MeterListener _metrics = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public TelemetryCapture()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MarketplaceTelemetry.ActivitySourceName or "Marketplace.Client.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _stopped.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_spans);
        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MarketplaceTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _metrics.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
        _metrics.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
        _metrics.Start();
        Root = TestSource.StartActivity("test", ActivityKind.Internal)!;
        Assert.NotNull(Root);
    }

    /// <summary>The test's own span: everything the client does in the test is beneath it.</summary>
    public Activity Root { get; }

    /// <summary>The client's spans of this test that have ended, in the order they ended.</summary>
    public IReadOnlyList<Activity> Spans => _stopped
        .Where(a => a.Source.Name == MarketplaceTelemetry.ActivitySourceName && a.TraceId == Root.TraceId)
        .ToList();

    public IReadOnlyList<Measurement> Measurements(string instrument) => _measurements.Where(m => m.Instrument == instrument).ToList();

    public Activity Single(string name) => Assert.Single(Spans, s => s.DisplayName == name);

    public IReadOnlyList<Activity> ChildrenOf(Activity parent) => Spans.Where(s => s.ParentSpanId == parent.SpanId).ToList();

    /// <summary>Every piece of text the spans and measurements carry: names, tags, events, links, baggage, statuses.</summary>
    public IEnumerable<string> EverythingRecorded()
    {
        foreach (var span in Spans)
        {
            yield return span.DisplayName;
            yield return span.OperationName;
            yield return span.StatusDescription ?? "";
            foreach (var tag in span.TagObjects) yield return tag.Key + "=" + tag.Value;
            foreach (var item in span.Baggage) yield return item.Key + "=" + item.Value;
            foreach (var e in span.Events)
            {
                yield return e.Name;
                foreach (var tag in e.Tags) yield return tag.Key + "=" + tag.Value;
            }
        }
        foreach (var measurement in _measurements)
        {
            yield return measurement.Instrument;
            foreach (var tag in measurement.Tags) yield return tag.Key + "=" + tag.Value;
        }
    }

    public void Dispose()
    {
        Root.Dispose();
        _spans.Dispose();
        _metrics.Dispose();
    }

    public sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
    }
}

/// <summary>Tests that read metrics run alone: a meter, unlike a trace, cannot tell one test's measurements from another's.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection
{
}
