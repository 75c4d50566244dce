using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using WireMock;
using WireMock.Matchers;
using WireMock.Matchers.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Marketplace.Client.Testing;

/// <summary>
/// How the test server answers, as two WireMock.Net mappings: one consulted before every other (the queued faults, then the
/// seeded collections) and one after every other (a platform-shaped 404 for what nothing answers). Recordings and the
/// caller's own stubs sit between them.
/// </summary>
internal sealed class TestServerDispatch : IRequestMatcher
{
    private readonly ConcurrentDictionary<string, SeededCollection> _collections;
    private readonly TestServerFaults _faults;
    private readonly TestServerSettings _settings;

    // What the matcher decided for a request, for its response callback (WireMock hands both the same request object).
    private readonly ConditionalWeakTable<IRequestMessage, Claim> _claims = new();

    private TestServerDispatch(ConcurrentDictionary<string, SeededCollection> collections, TestServerFaults faults, TestServerSettings settings)
    {
        _collections = collections;
        _faults = faults;
        _settings = settings;
    }

    public static void Register(WireMockServer server, ConcurrentDictionary<string, SeededCollection> collections, TestServerFaults faults, TestServerSettings settings)
    {
        var dispatch = new TestServerDispatch(collections, faults, settings);
        // WireMock takes a custom matcher only inside a request builder.
        var request = WireMock.RequestBuilders.Request.Create();
        request.Add(dispatch);
        server.Given(request).AtPriority(int.MinValue).RespondWith(Response.Create().WithCallback(dispatch.Respond));
        server.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod()).AtPriority(int.MaxValue)
            .RespondWith(Response.Create().WithCallback(static request => Problem(404, "Not Found",
                $"Nothing is seeded or recorded for {request.Method} {request.Path}: seed the collection with its Add… method, or load recordings.")));
    }

    /// <inheritdoc />
    public RequestMatcherType Type => RequestMatcherType.Composite;

    /// <inheritdoc />
    public double GetMatchingScore(IRequestMessage requestMessage, IRequestMatchResult requestMatchResult)
    {
        var claim = _claims.GetValue(requestMessage, Decide);
        var score = claim.Fault is not null || claim.Operation != SeededOperation.None ? MatchScores.Perfect : MatchScores.Mismatch;
        return requestMatchResult.AddScore(GetType(), score, null);
    }

    // Decided once per request: the fault at the head of the queue (each answers exactly one request, in order), else the
    // seeded collection at the request's path. A delay was taken and waited out by the front, which marks the request:
    // it is then answered as it would be.
    private Claim Decide(IRequestMessage request)
    {
        var delayed = request.Headers?.ContainsKey(TestServerFaults.DelayedHeader) == true;
        var fault = delayed ? null : _faults.TakeForRequest();
        return Target(request) is var (operation, collection, id) ? new Claim(fault, operation, collection, id) : new Claim(fault, SeededOperation.None, null, null);
    }

    // What the platform answers for every collection: GET (a page or a stream) and POST (create) at its path, GET, PUT and
    // DELETE at its path plus one segment, the item's ID. Anything else (an action, a file) is not known here.
    private (SeededOperation, SeededCollection, string?)? Target(IRequestMessage request)
    {
        var method = request.Method.ToUpperInvariant();
        var path = request.Path.TrimEnd('/');
        if (_collections.TryGetValue(Uri.UnescapeDataString(path), out var collection))
        {
            return method switch
            {
                "GET" => (SeededOperation.List, collection, null),
                "POST" => (SeededOperation.Create, collection, null),
                _ => null,
            };
        }
        var operation = method switch
        {
            "GET" => SeededOperation.Get,
            "PUT" => SeededOperation.Update,
            "DELETE" => SeededOperation.Delete,
            _ => SeededOperation.None,
        };
        if (operation == SeededOperation.None) return null;
        var slash = path.LastIndexOf('/');
        if (slash > 0 && _collections.TryGetValue(Uri.UnescapeDataString(path[..slash]), out collection))
            return (operation, collection, Uri.UnescapeDataString(path[(slash + 1)..]));
        return ItemElsewhere(method, operation, path);
    }

    // An item at a path of the spec's own that is not <collection>/{id} (GET /integration/instances/{id} for items listed at
    // /integration/extensions/{extensionId}/instances): the collection that holds the ID, else (for its 404) the first
    // whose route the path takes.
    private (SeededOperation, SeededCollection, string?)? ItemElsewhere(string method, SeededOperation operation, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        (SeededOperation, SeededCollection, string?)? routed = null;
        foreach (var collection in _collections.Values)
        {
            foreach (var (routeMethod, template) in collection.ItemRoutes)
            {
                if (routeMethod != method || !Takes(template, segments)) continue;
                var id = segments[^1];
                if (collection.Get(id) is not null) return (operation, collection, id);
                routed ??= (operation, collection, id);
            }
        }
        return routed;
    }

    // Whether the path's segments are the template's: each literal as written, each {placeholder} one segment.
    private static bool Takes(string[] template, string[] segments)
    {
        if (template.Length != segments.Length) return false;
        for (var i = 0; i < template.Length; i++)
        {
            var placeholder = template[i].StartsWith('{') && template[i].EndsWith('}');
            if (!placeholder && !string.Equals(template[i], segments[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private Task<IResponseMessage> Respond(IRequestMessage request)
    {
        var claim = _claims.TryGetValue(request, out var decided) ? decided : Decide(request);
        if (claim.Fault is { Kind: TestServerFaultKind.Status } status)
        {
            var problem = Problem(status.StatusCode, Title(status.StatusCode), "A failure queued with MarketplaceTestServer.FailNext.");
            if (status.Wait is { } wait) problem.AddHeader("Retry-After", Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            return Task.FromResult<IResponseMessage>(problem);
        }
        if (claim.Fault is { Kind: TestServerFaultKind.CutOff })
        {
            // The front (TestServerFront) forwards the status, the headers (a Content-Length of the whole) and the body up
            // to the mark, then closes the connection.
            var whole = AsServed(claim, request, "cut off");
            var body = whole.BodyData?.BodyAsString ?? "";
            whole.BodyData = Text(body.Insert(body.Length / 2, TestServerFront.CutMark));
            return Task.FromResult<IResponseMessage>(whole);
        }
        if (claim.Fault is { Kind: TestServerFaultKind.Garble })
        {
            // WireMock.Net's malformed-chunk fault: each distinct byte of the body's first half once (Take(half).Union(random)),
            // then random bytes not among them.
            var garbled = AsServed(claim, request, "garbled");
            garbled.FaultType = FaultType.MALFORMED_RESPONSE_CHUNK;
            garbled.FaultPercentage = 1.0;
            return Task.FromResult<IResponseMessage>(garbled);
        }
        return Task.FromResult<IResponseMessage>(claim.Collection is { } collection
            ? claim.Operation == SeededOperation.List ? Serve(collection, request) : Write(claim, collection, request)
            : Problem(404, "Not Found", $"Nothing is seeded for {request.Method} {request.Path}."));
    }

    // One item read or written as the platform does: 201 with the created item (a new ID), 200 with the item, 204 for a
    // deletion, 404 problem details for an ID the collection does not hold, 400 for a body that is not a JSON object.
    private static ResponseMessage Write(Claim claim, SeededCollection collection, IRequestMessage request)
    {
        if (Unauthorized(request) is { } refused) return refused;
        JObject? body = null;
        if (claim.Operation is SeededOperation.Create or SeededOperation.Update)
        {
            try
            {
                body = SeededCollection.Entry.ReadObject(request.Body ?? ""); // as sent: dates as text, numbers with their digits
            }
            catch (Newtonsoft.Json.JsonException)
            {
            }
            if (body is null) return Problem(400, "Bad Request", $"The body of {request.Method} {request.Path} is not a JSON object.");
        }
        var id = claim.Id!;
        var resource = Singular(request.Path);
        return claim.Operation switch
        {
            SeededOperation.Create => Json(201, collection.Create(body!)),
            SeededOperation.Get => collection.Get(id) is { } item ? Json(200, item) : NotFound(resource, id),
            SeededOperation.Update => collection.Update(id, body!) is { } updated ? Json(200, updated) : NotFound(resource, id),
            _ => collection.Delete(id) ? new ResponseMessage { StatusCode = 204 } : NotFound(resource, id),
        };
    }

    private static ResponseMessage NotFound(string resource, string id) => Problem(404, "Not Found", $"The {resource} '{id}' was not found.");

    private static ResponseMessage Json(int status, string json)
    {
        var response = new ResponseMessage { StatusCode = status, BodyData = Text(json) };
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        return response;
    }

    // "instances" → "instance", for messages.
    private static string Singular(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var name = segments.Length >= 2 && !segments[^1].Any(char.IsDigit) ? segments[^1] : segments.Length >= 2 ? segments[^2] : "item";
        return name.EndsWith("ies", StringComparison.Ordinal) ? name[..^3] + "y" : name.EndsWith('s') ? name[..^1] : name;
    }

    private static ResponseMessage? Unauthorized(IRequestMessage request)
    {
        var authorization = Header(request, "Authorization");
        return authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length == "Bearer ".Length
            ? Problem(401, "Unauthorized", "The request has no bearer token.")
            : null;
    }

    // What the request would have been answered with, for a fault to spoil: its collection's page, or a 502.
    private ResponseMessage AsServed(Claim claim, IRequestMessage request, string how) =>
        claim.Collection is not { } collection ? Problem(502, "Bad Gateway", $"A response {how} on purpose.")
        : claim.Operation == SeededOperation.List ? Serve(collection, request)
        : Write(claim, collection, request); // a write is carried out, then its answer spoiled: as when a connection drops after the server acted

    // A page or a stream of the items the request's RQL selects (filter, order, select), or 400 problem details naming
    // what the platform would refuse in the query.
    private ResponseMessage Serve(SeededCollection collection, IRequestMessage request)
    {
        if (Unauthorized(request) is { } refused) return refused;

        var read = MarketplaceTestRequest.ReadQuery(request.RawQuery);
        var parameters = read.Parameters;
        if (!TryNumber(parameters, "offset", out var offset, out var offsetError)) return Problem(400, "Bad Request", offsetError);
        if (!TryNumber(parameters, "limit", out var limit, out var limitError, allowMinusOne: true)) return Problem(400, "Bad Request", limitError);
        try
        {
            return Serve(collection, request, TestServerQuery.Read(request.RawQuery, read), offset, limit);
        }
        catch (TestServerQueryException invalid)
        {
            return Problem(400, "Bad Request", "The query is not valid RQL: " + invalid.Message + ".");
        }
    }

    private ResponseMessage Serve(SeededCollection collection, IRequestMessage request, TestServerQuery query, int? offset, int? limit)
    {
        if (string.Equals(Header(request, "MPT-Streaming"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var accept = Header(request, "Accept") ?? "";
            if (accept.IndexOf(MarketplaceClient.JsonLinesMediaType, StringComparison.OrdinalIgnoreCase) < 0)
                return Problem(406, "Not Acceptable", $"This server streams {MarketplaceClient.JsonLinesMediaType} only; the request accepts '{accept}'.");
            var (body, count) = collection.Stream(offset ?? 0, limit is null or -1 ? null : limit, query, _settings);
            var stream = new ResponseMessage { StatusCode = 200, BodyData = Text(body) };
            stream.AddHeader("Content-Type", MarketplaceClient.JsonLinesMediaType);
            stream.AddHeader("MPT-Streaming", "true");
            stream.AddHeader("MPT-Item-Count", count.ToString(CultureInfo.InvariantCulture));
            return stream;
        }

        if (limit == -1) return Problem(400, "Bad Request", "limit must be a number from 0; -1 (everything) is for streaming only.");
        var page = new ResponseMessage { StatusCode = 200, BodyData = Text(collection.Page(offset ?? 0, limit ?? MarketplaceTestServer.DefaultPageSize, query, _settings)) };
        page.AddHeader("Content-Type", "application/json; charset=utf-8");
        return page;
    }

    private static bool TryNumber(Dictionary<string, string> parameters, string name, out int? value, out string error, bool allowMinusOne = false)
    {
        value = null;
        error = "";
        if (!parameters.TryGetValue(name, out var text)) return true;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && (number >= 0 || (allowMinusOne && number == -1)))
        {
            value = number;
            return true;
        }
        error = $"{name} must be a whole number from 0; got '{text}'.";
        return false;
    }

    private static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static ResponseMessage Problem(int status, string title, string detail)
    {
        var body = new JObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["traceId"] = "00-" + Guid.NewGuid().ToString("N") + "-" + Guid.NewGuid().ToString("N").Substring(0, 16) + "-01",
        };
        var response = new ResponseMessage { StatusCode = status, BodyData = Text(body.ToString(Newtonsoft.Json.Formatting.None)) };
        response.AddHeader("Content-Type", "application/problem+json");
        return response;
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };

    private static BodyData Text(string text) => new() { BodyAsString = text, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 };

    private enum SeededOperation
    {
        None,
        List,
        Create,
        Get,
        Update,
        Delete,
    }

    private sealed class Claim
    {
        public Claim(TestServerFault? fault, SeededOperation operation, SeededCollection? collection, string? id)
        {
            Fault = fault;
            Operation = operation;
            Collection = collection;
            Id = id;
        }

        public TestServerFault? Fault { get; }

        public SeededOperation Operation { get; }

        public SeededCollection? Collection { get; }

        public string? Id { get; }
    }
}
