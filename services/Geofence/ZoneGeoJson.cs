using System.Globalization;
using System.Text.Json;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace HazChem.Transport.Geofence;

/// <summary>
/// GeoJSON FeatureCollection &lt;-&gt; zones. All-or-nothing: any error → result with Errors and no zones
/// (and the caller imports nothing). Every error names the feature (index and id) and the JSON path.
/// </summary>
public static class ZoneGeoJson
{
    /// <summary>At most this many errors are reported; the last one says that more were left out.</summary>
    public const int MaxErrors = 200;

    /// <summary>WGS-84 geometry factory (SRID 4326) used for every zone geometry.</summary>
    public static GeometryFactory Wgs84Factory { get; } =
        NtsGeometryServices.Instance.CreateGeometryFactory(new PrecisionModel(), 4326);

    private static readonly JsonSerializerOptions GeometryJsonOptions = CreateGeometryJsonOptions();

    /// <summary>
    /// Parses and validates (geometry type and validity, ids unique and non-empty, kind, hazardClasses,
    /// schedule days 1..7 and HH:mm times, expressway_ban windows within 00:00–06:00, speedLimitKmh &gt; 0),
    /// converting GCJ-02 to WGS-84 when <paramref name="crs"/> says so. Broken JSON → one error with Field "$".
    /// Properties the format does not define (e.g. "cp", "childNum") are ignored.
    /// </summary>
    /// <param name="featureCollectionJson">A GeoJSON FeatureCollection.</param>
    /// <param name="crs">The CRS of the coordinates.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="crs"/> is not a defined value.</exception>
    public static ZoneImportResult Parse(string featureCollectionJson, SourceCrs crs) =>
        Parse(featureCollectionJson, crs, ZoneImportOptions.Strict);

    /// <summary>
    /// As <see cref="Parse(string, SourceCrs)"/>, with options; <see cref="ZoneImportOptions.RepairInvalidGeometry"/>
    /// turns degenerate rings and invalid polygons into repairs (listed in <see cref="ZoneImportResult.Repairs"/>) instead of errors.
    /// </summary>
    /// <param name="featureCollectionJson">A GeoJSON FeatureCollection.</param>
    /// <param name="crs">The CRS of the coordinates.</param>
    /// <param name="options">Import options.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="crs"/> is not a defined value.</exception>
    public static ZoneImportResult Parse(string featureCollectionJson, SourceCrs crs, ZoneImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(featureCollectionJson);
        ArgumentNullException.ThrowIfNull(options);
        if (crs is not (SourceCrs.Wgs84 or SourceCrs.Gcj02))
        {
            throw new ArgumentOutOfRangeException(nameof(crs), crs, "Unknown source CRS.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(featureCollectionJson);
        }
        catch (JsonException ex)
        {
            return new ZoneImportResult([], [new ZoneImportError(-1, null, "$", $"not valid JSON: {ex.Message}")]);
        }

        using (document)
        {
            var errors = new ErrorList();
            var repairs = new List<ZoneImportError>();
            var zones = new List<ZoneDefinition>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(-1, null, "$", $"must be a GeoJSON FeatureCollection object, not {Describe(root)}");
                return errors.ToResult();
            }

            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "FeatureCollection")
            {
                errors.Add(-1, null, "type", "must be \"FeatureCollection\"");
            }

            if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                errors.Add(-1, null, "features", "must be an array of GeoJSON Features");
                return errors.ToResult();
            }

            var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var zone = new FeatureReader(index, crs, options, errors, repairs).Read(feature, seenIds);
                if (zone is not null)
                {
                    zones.Add(zone);
                }

                index++;
            }

            return errors.Count > 0 ? errors.ToResult() : new ZoneImportResult(zones, []) { Repairs = repairs };
        }
    }

    /// <summary>
    /// Zones → GeoJSON FeatureCollection text in WGS-84 with the properties <see cref="Parse(string, SourceCrs)"/> reads
    /// (id, name, kind, hazardClasses, schedule, speedLimitKmh), so an export re-imports unchanged with <see cref="SourceCrs.Wgs84"/>.
    /// </summary>
    /// <param name="zones">The zones.</param>
    public static string WriteFeatureCollection(IEnumerable<ZoneDefinition> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "FeatureCollection");
            writer.WriteStartArray("features");
            foreach (var zone in zones)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "Feature");
                writer.WriteString("id", zone.Id);
                writer.WriteStartObject("properties");
                writer.WriteString("id", zone.Id);
                writer.WriteString("name", zone.Name);
                writer.WriteString("kind", zone.Kind);
                writer.WriteStartArray("hazardClasses");
                foreach (var hazardClass in zone.HazardClasses)
                {
                    writer.WriteStringValue(hazardClass);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("schedule");
                foreach (var window in zone.Schedule)
                {
                    writer.WriteStartObject();
                    writer.WriteStartArray("days");
                    foreach (var day in window.Days)
                    {
                        writer.WriteNumberValue(day);
                    }

                    writer.WriteEndArray();
                    writer.WriteString("from", window.From.ToString("HH:mm", CultureInfo.InvariantCulture));
                    writer.WriteString("to", window.To == TimeOnly.MinValue && window.From == TimeOnly.MinValue ? "24:00" : window.To.ToString("HH:mm", CultureInfo.InvariantCulture));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (zone.SpeedLimitKmh is { } limit)
                {
                    writer.WriteNumber("speedLimitKmh", limit);
                }

                writer.WriteEndObject();
                writer.WritePropertyName("geometry");
                writer.WriteRawValue(WriteGeometry(zone.Geometry), skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>WGS-84 geometry → GeoJSON geometry text (for storage and API responses).</summary>
    /// <param name="geometry">The geometry.</param>
    public static string WriteGeometry(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return JsonSerializer.Serialize(geometry, GeometryJsonOptions);
    }

    /// <summary>GeoJSON geometry text → geometry with SRID 4326 (for loading stored zones).</summary>
    /// <param name="geoJson">A GeoJSON geometry object.</param>
    /// <exception cref="JsonException">The text is not a GeoJSON geometry.</exception>
    public static Geometry ReadGeometry(string geoJson)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        try
        {
            return JsonSerializer.Deserialize<Geometry>(geoJson, GeometryJsonOptions)
                ?? throw new JsonException("The GeoJSON geometry is null.");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new JsonException($"Not a GeoJSON geometry: {ex.Message}", ex);
        }
    }

    private static JsonSerializerOptions CreateGeometryJsonOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(Wgs84Factory));
        return options;
    }

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private sealed class ErrorList
    {
        private readonly List<ZoneImportError> _errors = [];

        public int Count => _errors.Count;

        public void Add(int featureIndex, string? featureId, string field, string message)
        {
            if (_errors.Count < MaxErrors)
            {
                _errors.Add(new ZoneImportError(featureIndex, featureId, field, message));
            }
            else if (_errors.Count == MaxErrors)
            {
                _errors.Add(new ZoneImportError(featureIndex, featureId, field, $"more than {MaxErrors} errors; the rest are not reported"));
            }
        }

        public ZoneImportResult ToResult() => new([], _errors);
    }

    /// <summary>Reads one feature, reporting every problem it finds with the feature's index, id and path.</summary>
    private sealed class FeatureReader(int index, SourceCrs crs, ZoneImportOptions options, ErrorList errors, List<ZoneImportError> repairs)
    {
        private static readonly string[] WindowKeys = ["days", "from", "to"];
        private static readonly TimeOnly ExpresswayBanLatestEnd = new(6, 0);

        private readonly string _path = $"features[{index}]";
        private string? _id;
        private int _errorCount;

        public ZoneDefinition? Read(JsonElement feature, Dictionary<string, int> seenIds)
        {
            if (feature.ValueKind != JsonValueKind.Object)
            {
                Error(_path, $"must be a GeoJSON Feature object, not {Describe(feature)}");
                return null;
            }

            var hasProperties = feature.TryGetProperty("properties", out var properties) && properties.ValueKind != JsonValueKind.Null;
            var propertiesMisshapen = hasProperties && properties.ValueKind != JsonValueKind.Object;
            hasProperties &= !propertiesMisshapen;

            // The id first, so every later error carries it.
            ReadId(feature, properties, hasProperties, seenIds);
            if (propertiesMisshapen)
            {
                Error($"{_path}.properties", $"must be an object, not {Describe(properties)}");
            }

            if (!feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
            {
                Error($"{_path}.type", "must be \"Feature\"");
            }

            var name = _id;
            var kind = ZoneKinds.RestrictedArea;
            IReadOnlyList<string> hazardClasses = [];
            IReadOnlyList<ScheduleWindow> schedule = [];
            double? speedLimit = null;
            if (hasProperties)
            {
                name = ReadName(properties) ?? _id;
                kind = ReadKind(properties);
                hazardClasses = ReadHazardClasses(properties);
                schedule = ReadSchedule(properties, kind);
                speedLimit = ReadSpeedLimit(properties);
            }

            var geometry = ReadGeometry(feature);
            if (_errorCount > 0 || geometry is null || _id is null)
            {
                return null;
            }

            return new ZoneDefinition
            {
                Id = _id,
                Name = name ?? _id,
                Kind = kind,
                HazardClasses = hazardClasses,
                Schedule = schedule,
                SpeedLimitKmh = speedLimit,
                Geometry = geometry,
                SourceCrs = crs,
            };
        }

        private void Repair(string field, string message) => repairs.Add(new ZoneImportError(index, _id, field, message));

        private void Error(string field, string message)
        {
            _errorCount++;
            errors.Add(index, _id, field, message);
        }

        private void ReadId(JsonElement feature, JsonElement properties, bool hasProperties, Dictionary<string, int> seenIds)
        {
            string field;
            JsonElement value;
            if (hasProperties && properties.TryGetProperty("id", out value) && value.ValueKind != JsonValueKind.Null)
            {
                field = $"{_path}.properties.id";
            }
            else if (feature.ValueKind == JsonValueKind.Object && feature.TryGetProperty("id", out value) && value.ValueKind != JsonValueKind.Null)
            {
                field = $"{_path}.id";
            }
            else
            {
                Error($"{_path}.properties.id", "is required (properties.id or the feature's id)");
                return;
            }

            string? id = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()?.Trim(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
            if (id is null)
            {
                Error(field, $"must be a string or a number, not {Describe(value)}");
                return;
            }

            if (id.Length == 0)
            {
                Error(field, "must not be empty");
                return;
            }

            if (id.Length > 128)
            {
                Error(field, "must be at most 128 characters");
                return;
            }

            _id = id;
            if (seenIds.TryGetValue(id, out var first))
            {
                Error(field, $"duplicate id '{id}' (first used by features[{first}])");
            }
            else
            {
                seenIds[id] = index;
            }
        }

        private string? ReadName(JsonElement properties)
        {
            if (!properties.TryGetProperty("name", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Error($"{_path}.properties.name", $"must be a string, not {Describe(value)}");
                return null;
            }

            var name = value.GetString()!.Trim();
            return name.Length == 0 ? null : name;
        }

        private string ReadKind(JsonElement properties)
        {
            if (!properties.TryGetProperty("kind", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return ZoneKinds.RestrictedArea;
            }

            var field = $"{_path}.properties.kind";
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(field, $"must be a string, not {Describe(value)}");
                return ZoneKinds.RestrictedArea;
            }

            var kind = value.GetString()!.Trim();
            if (!ZoneKinds.All.Contains(kind))
            {
                Error(field, $"unknown kind '{kind}'; expected one of {string.Join(", ", ZoneKinds.All.Order(StringComparer.Ordinal))}");
            }

            return kind;
        }

        private List<string> ReadHazardClasses(JsonElement properties)
        {
            var classes = new List<string>();
            if (!properties.TryGetProperty("hazardClasses", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return classes;
            }

            var field = $"{_path}.properties.hazardClasses";
            if (value.ValueKind != JsonValueKind.Array)
            {
                Error(field, $"must be an array of class or division strings such as \"3\" or \"2.1\", not {Describe(value)}");
                return classes;
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemField = $"{field}[{i}]";
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error(itemField, $"must be a string such as \"3\" or \"2.1\", not {Describe(item)}");
                }
                else
                {
                    var hazardClass = item.GetString()!.Trim();
                    if (!HazardClass.Known.Contains(hazardClass))
                    {
                        Error(itemField, $"unknown hazard class or division '{hazardClass}'; expected one of {string.Join(", ", HazardClass.Known)}");
                    }
                    else if (!classes.Contains(hazardClass))
                    {
                        classes.Add(hazardClass);
                    }
                }

                i++;
            }

            return classes;
        }

        private List<ScheduleWindow> ReadSchedule(JsonElement properties, string kind)
        {
            var windows = new List<ScheduleWindow>();
            var field = $"{_path}.properties.schedule";
            var isExpresswayBan = kind == ZoneKinds.ExpresswayBan;
            if (!properties.TryGetProperty("schedule", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (isExpresswayBan)
                {
                    Error(field, "an expressway_ban zone needs a schedule with windows within 00:00–06:00 (an absent schedule bans around the clock)");
                }

                return windows;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Error(field, $"must be an array of windows {{\"days\":[1..7],\"from\":\"HH:mm\",\"to\":\"HH:mm\"}}, not {Describe(value)}");
                return windows;
            }

            if (isExpresswayBan && value.GetArrayLength() == 0)
            {
                Error(field, "an expressway_ban zone needs a schedule with windows within 00:00–06:00 (an empty schedule bans around the clock)");
            }

            var w = 0;
            foreach (var item in value.EnumerateArray())
            {
                var window = ReadWindow(item, $"{field}[{w}]", isExpresswayBan);
                if (window is not null)
                {
                    windows.Add(window);
                }

                w++;
            }

            return windows;
        }

        private ScheduleWindow? ReadWindow(JsonElement item, string field, bool isExpresswayBan)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                Error(field, $"must be an object {{\"days\":[1..7],\"from\":\"HH:mm\",\"to\":\"HH:mm\"}}, not {Describe(item)}");
                return null;
            }

            var before = _errorCount;
            foreach (var property in item.EnumerateObject())
            {
                if (Array.IndexOf(WindowKeys, property.Name) < 0)
                {
                    Error($"{field}.{property.Name}", "unknown schedule property; a window has only days, from and to");
                }
            }

            var days = ReadDays(item, $"{field}.days");
            var from = ReadTime(item, "from", $"{field}.from", allow24: false);
            var to = ReadTime(item, "to", $"{field}.to", allow24: true);
            if (_errorCount > before || days is null || from is null || to is null)
            {
                return null;
            }

            var window = new ScheduleWindow(days, from.Value, to.Value);
            if (isExpresswayBan && (window.WrapsMidnight || window.To > ExpresswayBanLatestEnd))
            {
                Error(field, $"expressway_ban windows must lie within 00:00–06:00 (DOMAIN.md C; 29号令 第49条); got {Format(window.From)}–{Format(window.To)}");
                return null;
            }

            return window;
        }

        private List<int>? ReadDays(JsonElement item, string field)
        {
            if (!item.TryGetProperty("days", out var value) || value.ValueKind != JsonValueKind.Array)
            {
                Error(field, "is required: an array of ISO weekdays 1 (Monday) .. 7 (Sunday)");
                return null;
            }

            var days = new List<int>();
            var ok = true;
            var i = 0;
            foreach (var day in value.EnumerateArray())
            {
                if (day.ValueKind != JsonValueKind.Number || !day.TryGetInt32(out var number) || number is < 1 or > 7)
                {
                    Error($"{field}[{i}]", $"must be an ISO weekday 1 (Monday) .. 7 (Sunday), not {(day.ValueKind == JsonValueKind.Number ? day.GetRawText() : Describe(day))}");
                    ok = false;
                }
                else if (days.Contains(number))
                {
                    Error($"{field}[{i}]", $"weekday {number} is listed twice");
                    ok = false;
                }
                else
                {
                    days.Add(number);
                }

                i++;
            }

            if (ok && days.Count == 0)
            {
                Error(field, "must list at least one ISO weekday 1..7");
                ok = false;
            }

            days.Sort();
            return ok ? days : null;
        }

        private TimeOnly? ReadTime(JsonElement item, string name, string field, bool allow24)
        {
            if (!item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            {
                Error(field, $"is required: a local Asia/Shanghai time \"HH:mm\"{(allow24 ? " (or \"24:00\")" : string.Empty)}");
                return null;
            }

            var text = value.GetString()!;
            if (allow24 && text == "24:00")
            {
                return TimeOnly.MinValue;
            }

            if (text.Length == 5 && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return time;
            }

            Error(field, $"'{text}' is not a time \"HH:mm\" between 00:00 and 23:59{(allow24 ? " (or \"24:00\")" : string.Empty)}");
            return null;
        }

        private double? ReadSpeedLimit(JsonElement properties)
        {
            if (!properties.TryGetProperty("speedLimitKmh", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var field = $"{_path}.properties.speedLimitKmh";
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var limit) || !double.IsFinite(limit))
            {
                Error(field, $"must be a number of km/h, not {Describe(value)}");
                return null;
            }

            if (limit <= 0)
            {
                Error(field, $"must be greater than 0 km/h, not {value.GetRawText()}");
                return null;
            }

            return limit;
        }

        private Geometry? ReadGeometry(JsonElement feature)
        {
            var field = $"{_path}.geometry";
            if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind == JsonValueKind.Null)
            {
                Error(field, "is required: a Polygon or MultiPolygon");
                return null;
            }

            if (geometry.ValueKind != JsonValueKind.Object)
            {
                Error(field, $"must be a GeoJSON geometry object, not {Describe(geometry)}");
                return null;
            }

            var type = geometry.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            if (type is not ("Polygon" or "MultiPolygon"))
            {
                Error($"{field}.type", $"must be Polygon or MultiPolygon, not {(type is null ? "missing" : $"'{type}'")}");
                return null;
            }

            if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
            {
                Error($"{field}.coordinates", "is required: an array of linear rings");
                return null;
            }

            Geometry? result;
            if (type == "Polygon")
            {
                result = ReadPolygon(coordinates, $"{field}.coordinates");
                if (result is null && _errorCount == 0)
                {
                    Error($"{field}.coordinates", "the polygon's shell is degenerate (fewer than 4 positions)");
                }
            }
            else
            {
                var polygons = new List<Polygon>();
                var ok = true;
                var p = 0;
                foreach (var polygonElement in coordinates.EnumerateArray())
                {
                    var before = _errorCount;
                    var polygon = ReadPolygon(polygonElement, $"{field}.coordinates[{p}]");
                    ok &= _errorCount == before;
                    if (polygon is not null)
                    {
                        polygons.Add(polygon);
                    }

                    p++;
                }

                if (ok && polygons.Count == 0)
                {
                    Error($"{field}.coordinates", "a MultiPolygon needs at least one polygon");
                    ok = false;
                }

                result = ok ? Wgs84Factory.CreateMultiPolygon([.. polygons]) : null;
            }

            if (result is null)
            {
                return null;
            }

            var validation = new IsValidOp(result).ValidationError;
            if (validation is not null)
            {
                var at = validation.Coordinate is { } c
                    ? string.Create(CultureInfo.InvariantCulture, $" at ({c.X:0.######}, {c.Y:0.######}) WGS-84")
                    : string.Empty;
                if (!options.RepairInvalidGeometry)
                {
                    Error(field, $"invalid {type}: {validation.Message}{at}");
                    return null;
                }

                var fixedGeometry = Polygonal(GeometryFixer.Fix(result));
                if (fixedGeometry is null)
                {
                    Error(field, $"invalid {type}: {validation.Message}{at}; repair left no polygon");
                    return null;
                }

                Repair(field, $"repaired invalid {type} ({validation.Message}{at}); area {result.Area:0.########} → {fixedGeometry.Area:0.########} square degrees");
                result = fixedGeometry;
            }

            return result;
        }

        private Polygon? ReadPolygon(JsonElement element, string field)
        {
            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
            {
                Error(field, "a polygon must be an array of at least one linear ring (the shell, then holes)");
                return null;
            }

            var rings = new List<LinearRing>();
            var ok = true;
            var shellDropped = false;
            var r = 0;
            foreach (var ringElement in element.EnumerateArray())
            {
                var before = _errorCount;
                var ring = ReadRing(ringElement, $"{field}[{r}]");
                ok &= _errorCount == before;
                if (ring is not null)
                {
                    rings.Add(ring);
                }
                else if (r == 0)
                {
                    shellDropped = true;
                }

                r++;
            }

            if (!ok)
            {
                return null;
            }

            if (shellDropped)
            {
                // Only reachable when repairing: a degenerate shell takes its holes with it.
                Repair(field, "dropped a polygon whose shell is degenerate");
                return null;
            }

            return Wgs84Factory.CreatePolygon(rings[0], [.. rings.Skip(1)]);
        }

        private LinearRing? ReadRing(JsonElement element, string field)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error(field, $"a linear ring must be an array of positions, not {Describe(element)}");
                return null;
            }

            var count = element.GetArrayLength();
            if (count < 4)
            {
                if (options.RepairInvalidGeometry)
                {
                    Repair(field, $"dropped a degenerate linear ring of {count} positions");
                }
                else
                {
                    Error(field, $"a linear ring needs at least 4 positions (closed), found {count}");
                }

                return null;
            }

            var coordinates = new Coordinate[count];
            var k = 0;
            foreach (var position in element.EnumerateArray())
            {
                if (!TryReadPosition(position, $"{field}[{k}]", out var lon, out var lat))
                {
                    // The first bad position of a ring is enough to point the author at it.
                    return null;
                }

                if (crs == SourceCrs.Gcj02)
                {
                    (lon, lat) = ChinaCoordinates.Gcj02ToWgs84(lon, lat);
                }

                coordinates[k++] = new Coordinate(lon, lat);
            }

            if (!coordinates[0].Equals2D(coordinates[^1]))
            {
                Error(field, "a linear ring must be closed: its last position must equal its first");
                return null;
            }

            return Wgs84Factory.CreateLinearRing(coordinates);
        }

        private bool TryReadPosition(JsonElement position, string field, out double lon, out double lat)
        {
            lon = lat = 0;
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2)
            {
                Error(field, $"a position must be an array [longitude, latitude], not {Describe(position)}");
                return false;
            }

            var lonElement = position[0];
            var latElement = position[1];
            if (lonElement.ValueKind != JsonValueKind.Number || latElement.ValueKind != JsonValueKind.Number
                || !lonElement.TryGetDouble(out lon) || !latElement.TryGetDouble(out lat))
            {
                Error(field, "a position's longitude and latitude must be numbers");
                return false;
            }

            if (lon is < -180 or > 180 || !double.IsFinite(lon))
            {
                Error($"{field}[0]", $"longitude {lonElement.GetRawText()} is outside -180..180");
                return false;
            }

            if (lat is < -90 or > 90 || !double.IsFinite(lat))
            {
                Error($"{field}[1]", $"latitude {latElement.GetRawText()} is outside -90..90");
                return false;
            }

            return true;
        }

        private static Geometry? Polygonal(Geometry geometry)
        {
            var polygons = new List<Polygon>();
            for (var i = 0; i < geometry.NumGeometries; i++)
            {
                if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon)
                {
                    polygons.Add(polygon);
                }
                else if (geometry.GetGeometryN(i) is MultiPolygon multi)
                {
                    polygons.AddRange(multi.Geometries.OfType<Polygon>().Where(p => !p.IsEmpty));
                }
            }

            return polygons.Count switch
            {
                0 => null,
                1 => polygons[0],
                _ => Wgs84Factory.CreateMultiPolygon([.. polygons]),
            };
        }

        private static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
    }
}
