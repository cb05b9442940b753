namespace HazChem.Transport.Geofence;

/// <summary>
/// Immutable snapshot of zones with a spatial index; build a new one after an import/delete and swap the
/// reference. Thread-safe for concurrent queries.
/// <para>
/// Layout: a uniform grid over the zones' extent (dense, or an open-addressing hash of the non-empty cells when
/// the extent is large), an occupancy bitmap in front of it, and a flat list of zone entries per cell. Each entry
/// is classified when the index is built: cells wholly inside a zone answer without any geometry test, cells the
/// zone's boundary passes through run an envelope check and an allocation-free point-in-polygon test (the
/// crossing rule of <see cref="PolygonLocator"/>), and cells wholly outside hold no entry. A query therefore
/// touches one cell, never all zones.
/// </para>
/// </summary>
public sealed class GeofenceIndex
{
    private const long EmptyKey = long.MinValue;
    private const double MinCellSize = 1e-6; // degrees, about 0.1 m

    private readonly ZoneDefinition[] _zones;

    // Point-in-polygon data of all zones in one array, each zone's block contiguous so a boundary test reads
    // one region (about three cache lines) and no objects. Block layout at offset o: [o] zone index, [o+1..o+4]
    // envelope min x, min y, max x, max y, [o+5] strips per unit of y, [o+6] strip count, [o+7..] the absolute
    // start of each strip's edges (strip count + 1 values), then the edges (x1, y1, x2, y2) grouped by strip.
    private const int HeaderLength = 7;
    private readonly double[] _data;

    // Grid geometry.
    private readonly double _originX;
    private readonly double _originY;
    private readonly double _maxX;
    private readonly double _maxY;
    private readonly double _invCell;

    // Cells, dense or sparse. Dense (when the grid over the extent has at most max(2^24, 8 × non-empty) cells): one
    // int per cell, read without probing. Sparse otherwise: open addressing on the cell key. Either way a cell with
    // one entry holds it inline (saves a cache miss); longer lists are runs of _items.
    // Dense payload: ≥ 0 the single entry, int.MinValue empty, else -(index into _runs) - 1.
    private const long MaxDenseCells = 1L << 24;
    private readonly int[]? _dense;
    private readonly Run[] _runs = [];
    private readonly Cell[] _cells = [new Cell(EmptyKey, 0, 0)];
    private readonly int _mask;

    // One bit per grid cell over the extent (when that is at most 2^27 cells): most fixes fall in no zone, and this
    // answers them from a bitmap small enough to stay in cache instead of reading the much larger cell table.
    private const long MaxBitmapCells = 1L << 27;
    private readonly ulong[]? _occupied;
    private readonly long _gridHeight;

    // Entry = offset of the zone's block in _data << 1, | 1 when the cell lies wholly inside the zone.
    private readonly int[] _items;

    /// <summary>Builds the index.</summary>
    /// <param name="zones">Zones with valid WGS-84 Polygon or MultiPolygon geometries.</param>
    /// <exception cref="ArgumentException">A zone's geometry is not a non-empty Polygon or MultiPolygon.</exception>
    public GeofenceIndex(IEnumerable<ZoneDefinition> zones)
        : this(zones, cellsAcrossMedianZone: 4, entriesPerZone: 96)
    {
    }

    /// <summary>Builds the index with a chosen grid resolution (benchmarks and tests tune it; the defaults suit both).</summary>
    internal GeofenceIndex(IEnumerable<ZoneDefinition> zones, double cellsAcrossMedianZone, int entriesPerZone)
    {
        ArgumentNullException.ThrowIfNull(zones);
        _zones = [.. zones];
        var locators = new PolygonLocator[_zones.Length];
        for (var i = 0; i < _zones.Length; i++)
        {
            locators[i] = new PolygonLocator(_zones[i].Geometry);
        }

        Zones = Array.AsReadOnly(_zones);
        (_data, var offsets) = Flatten(locators);
        if (_zones.Length == 0)
        {
            _items = [];
            _originX = _originY = double.PositiveInfinity;
            _maxX = _maxY = double.NegativeInfinity;
            return;
        }

        _originX = locators.Min(l => l.MinX);
        _originY = locators.Min(l => l.MinY);
        _maxX = locators.Max(l => l.MaxX);
        _maxY = locators.Max(l => l.MaxY);
        CellSize = ChooseCellSize(locators, cellsAcrossMedianZone, entriesPerZone);
        _invCell = 1.0 / CellSize;

        var (cellKeys, cellItems) = Rasterise(locators);
        EntryCount = cellItems.Count;

        // Sort entries by cell, then by generation order (= zone order), so each cell is a contiguous,
        // deterministic run. Primitive sorts: a comparison delegate would dominate build time at 100k zones.
        var keys = cellKeys.ToArray();
        var items = cellItems.ToArray();
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sortedKeys = (long[])keys.Clone();
        Array.Sort(sortedKeys, order);
        for (var runStart = 0; runStart < order.Length;)
        {
            var runEnd = runStart + 1;
            while (runEnd < order.Length && sortedKeys[runEnd] == sortedKeys[runStart])
            {
                runEnd++;
            }

            Array.Sort(order, runStart, runEnd - runStart);
            runStart = runEnd;
        }

        _items = new int[items.Length];
        var cellCount = 0;
        for (var i = 0; i < order.Length; i++)
        {
            var item = items[order[i]];
            _items[i] = (offsets[item >> 1] << 1) | (item & 1);
            if (i == 0 || keys[order[i]] != keys[order[i - 1]])
            {
                cellCount++;
            }
        }

        CellCount = cellCount;
        _gridHeight = (long)CellY(_maxY) + 1;
        var gridCells = ((long)CellX(_maxX) + 1) * _gridHeight;
        var runs = new List<Run>();
        if (gridCells <= Math.Max(MaxDenseCells, 8L * cellCount))
        {
            _dense = new int[gridCells];
            Array.Fill(_dense, int.MinValue);
            ForEachRun((key, start, count) =>
            {
                var at = GridIndex(key);
                if (count == 1)
                {
                    _dense[at] = _items[start];
                }
                else
                {
                    runs.Add(new Run(start, count));
                    _dense[at] = -runs.Count;
                }
            });
            _runs = [.. runs];
        }
        else
        {
            var capacity = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, cellCount * 2)));
            _mask = capacity - 1;
            _cells = new Cell[capacity];
            Array.Fill(_cells, new Cell(EmptyKey, 0, 0));
            ForEachRun((key, start, count) =>
            {
                var slot = Slot(key);
                while (_cells[slot].Key != EmptyKey)
                {
                    slot = (slot + 1) & _mask;
                }

                _cells[slot] = count == 1 ? new Cell(key, _items[start], 1) : new Cell(key, start, count);
            });
        }

        if (gridCells <= MaxBitmapCells)
        {
            _occupied = new ulong[(gridCells + 63) / 64];
            ForEachRun((key, _, _) =>
            {
                var bit = GridIndex(key);
                _occupied[bit >> 6] |= 1UL << (int)(bit & 63);
            });
        }

        void ForEachRun(Action<long, int, int> action)
        {
            var run = 0;
            while (run < order.Length)
            {
                var key = sortedKeys[run];
                var end = run;
                while (end < order.Length && sortedKeys[end] == key)
                {
                    end++;
                }

                action(key, run, end - run);
                run = end;
            }
        }
    }

    /// <summary>Number of zones.</summary>
    public int Count => _zones.Length;

    /// <summary>The zones of this snapshot, in the order given.</summary>
    public IReadOnlyList<ZoneDefinition> Zones { get; }

    /// <summary>Grid cell edge in degrees (diagnostics).</summary>
    internal double CellSize { get; }

    /// <summary>True when the cells are a dense array, false when hashed (diagnostics).</summary>
    internal bool IsDense => _dense is not null;

    /// <summary>True when an occupancy bitmap fronts the cells (diagnostics).</summary>
    internal bool HasBitmap => _occupied is not null;

    /// <summary>Non-empty grid cells (diagnostics).</summary>
    internal int CellCount { get; }

    /// <summary>Zone entries over all cells (diagnostics).</summary>
    internal int EntryCount { get; }

    /// <summary>
    /// Adds the zones containing the point (boundary counts as inside) to <paramref name="results"/> (cleared first),
    /// in the order the zones were given. No per-call allocation beyond results growth.
    /// </summary>
    /// <param name="lon">WGS-84 longitude.</param>
    /// <param name="lat">WGS-84 latitude.</param>
    /// <param name="results">Receives the zones.</param>
    public void ZonesContaining(double lon, double lat, List<ZoneDefinition> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        results.Clear();

        // Also rejects NaN.
        if (!(lon >= _originX && lon <= _maxX && lat >= _originY && lat <= _maxY))
        {
            return;
        }

        if (!Locate(lon, lat, out var start, out var count))
        {
            return;
        }

        if (count == 1)
        {
            // The single entry is stored inline.
            if ((start & 1) != 0 || BlockCovers(start >> 1, lon, lat))
            {
                results.Add(_zones[(int)_data[start >> 1]]);
            }

            return;
        }

        var items = _items;
        var end = start + count;
        for (var i = start; i < end; i++)
        {
            var item = items[i];
            var block = item >> 1;
            if ((item & 1) != 0 || BlockCovers(block, lon, lat))
            {
                results.Add(_zones[(int)_data[block]]);
            }
        }
    }

    /// <summary>True when at least one zone contains the point (boundary inclusive). Allocation-free.</summary>
    /// <param name="lon">WGS-84 longitude.</param>
    /// <param name="lat">WGS-84 latitude.</param>
    public bool AnyContaining(double lon, double lat)
    {
        if (!(lon >= _originX && lon <= _maxX && lat >= _originY && lat <= _maxY))
        {
            return false;
        }

        if (!Locate(lon, lat, out var start, out var count))
        {
            return false;
        }

        if (count == 1)
        {
            return (start & 1) != 0 || BlockCovers(start >> 1, lon, lat);
        }

        var end = start + count;
        for (var i = start; i < end; i++)
        {
            var item = _items[i];
            if ((item & 1) != 0 || BlockCovers(item >> 1, lon, lat))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The entries of the cell holding the point (which lies inside the extent): count 1 means <paramref name="start"/>
    /// is the entry itself, otherwise the entries are _items[start .. start + count). False for an empty cell.
    /// </summary>
    private bool Locate(double lon, double lat, out int start, out int count)
    {
        var cx = CellX(lon);
        var cy = CellY(lat);
        var at = (cx * _gridHeight) + cy;
        start = count = 0;
        if (_occupied is { } occupied && (occupied[at >> 6] & (1UL << (int)(at & 63))) == 0)
        {
            return false;
        }

        if (_dense is { } dense)
        {
            var payload = dense[at];
            if (payload >= 0)
            {
                start = payload;
                count = 1;
                return true;
            }

            if (payload == int.MinValue)
            {
                return false;
            }

            var run = _runs[-payload - 1];
            (start, count) = (run.Start, run.Count);
            return true;
        }

        var key = Key(cx, cy);
        var cells = _cells;
        var slot = Slot(key);
        while (true)
        {
            ref readonly var cell = ref cells[slot];
            if (cell.Key == key)
            {
                (start, count) = (cell.Start, cell.Count);
                return true;
            }

            if (cell.Key == EmptyKey)
            {
                return false;
            }

            slot = (slot + 1) & _mask;
        }
    }

    private long GridIndex(long key) => ((key >> 32) * _gridHeight) + (int)(uint)key;

    private bool BlockCovers(int block, double x, double y)
    {
        var data = _data;
        var minY = data[block + 2];
        if (!(y >= minY && y <= data[block + 4] && x >= data[block + 1] && x <= data[block + 3]))
        {
            return false;
        }

        var strip = block + HeaderLength + Math.Min((int)((y - minY) * data[block + 5]), (int)data[block + 6] - 1);
        return PolygonLocator.CrossingTest(data, (int)data[strip], (int)data[strip + 1], x, y);
    }

    private static (double[] Data, int[] Offsets) Flatten(PolygonLocator[] locators)
    {
        var offsets = new int[locators.Length];
        long total = 0;
        for (var z = 0; z < locators.Length; z++)
        {
            // Entries keep the offset in 30 bits (shifted left once, plus the inside flag).
            if (total > (1 << 29))
            {
                throw new InvalidOperationException("The zones' geometry is too large for one index (over 4 GB of edges).");
            }

            offsets[z] = (int)total;
            total += HeaderLength + locators[z].StripCount + 1 + locators[z].StripEdges.Length;
        }

        var data = new double[total];
        for (var z = 0; z < locators.Length; z++)
        {
            var l = locators[z];
            var o = offsets[z];
            data[o] = z;
            data[o + 1] = l.MinX;
            data[o + 2] = l.MinY;
            data[o + 3] = l.MaxX;
            data[o + 4] = l.MaxY;
            data[o + 5] = l.InvStripHeight;
            data[o + 6] = l.StripCount;
            var edgeBase = o + HeaderLength + l.StripCount + 1;
            for (var s = 0; s <= l.StripCount; s++)
            {
                data[o + HeaderLength + s] = edgeBase + (l.StripStart[s] * 4);
            }

            Array.Copy(l.StripEdges, 0, data, edgeBase, l.StripEdges.Length);
        }

        return (data, offsets);
    }

    // The same monotone cell functions are used when building and querying, so a point on a cell edge and every
    // boundary point are attributed consistently.
    private int CellX(double x) => (int)Math.Floor((x - _originX) * _invCell);

    private int CellY(double y) => (int)Math.Floor((y - _originY) * _invCell);

    private static long Key(int cx, int cy) => ((long)cx << 32) | (uint)cy;

    private int Slot(long key) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15)) >> 34) & _mask;

    private static double ChooseCellSize(PolygonLocator[] locators, double cellsAcrossMedianZone, int entriesPerZone)
    {
        // About four cells across a typical zone (so most of a zone's cells are wholly inside or outside and need no
        // polygon test); coarser when the entry count would exceed the budget
        // (huge zones next to tiny ones), so memory stays proportional to the number of zones.
        var sizes = locators.Select(l => Math.Max(l.MaxX - l.MinX, l.MaxY - l.MinY)).Order().ToArray();
        var cell = Math.Max(MinCellSize, sizes[sizes.Length / 2] / cellsAcrossMedianZone);
        var budget = Math.Max(1L << 21, (long)entriesPerZone * locators.Length);
        while (true)
        {
            long estimate = 0;
            foreach (var l in locators)
            {
                estimate += (long)(((l.MaxX - l.MinX) / cell) + 1.5) * (long)(((l.MaxY - l.MinY) / cell) + 1.5);
            }

            if (estimate <= budget)
            {
                return cell;
            }

            cell *= 1.5;
        }
    }

    private (List<long> Keys, List<int> Items) Rasterise(PolygonLocator[] locators)
    {
        var keys = new List<long>();
        var items = new List<int>();
        var boundary = Array.Empty<bool>();
        var epsilon = Math.Max(CellSize * 1e-9, 1e-12);
        for (var zone = 0; zone < _zones.Length; zone++)
        {
            var locator = locators[zone];
            var x0 = CellX(locator.MinX);
            var y0 = CellY(locator.MinY);
            var width = CellX(locator.MaxX) - x0 + 1;
            var height = CellY(locator.MaxY) - y0 + 1;
            var cells = width * height;
            if (boundary.Length < cells)
            {
                boundary = new bool[Math.Max(cells, boundary.Length * 2)];
            }

            Array.Clear(boundary, 0, cells);

            // Mark every cell a boundary edge may pass through: the edge is cut into pieces no longer than half a
            // cell, and the cells overlapping each piece's (slightly widened) bounding box are marked.
            foreach (var ring in PolygonLocator.Rings(_zones[zone].Geometry))
            {
                for (var i = 0; i + 1 < ring.Count; i++)
                {
                    var ax = ring.GetX(i);
                    var ay = ring.GetY(i);
                    var bx = ring.GetX(i + 1);
                    var by = ring.GetY(i + 1);
                    var pieces = Math.Max(1, (int)Math.Ceiling(Math.Max(Math.Abs(bx - ax), Math.Abs(by - ay)) * _invCell * 2));
                    for (var p = 0; p < pieces; p++)
                    {
                        var t0 = (double)p / pieces;
                        var t1 = (double)(p + 1) / pieces;
                        var px0 = p == 0 ? ax : ax + ((bx - ax) * t0);
                        var py0 = p == 0 ? ay : ay + ((by - ay) * t0);
                        var px1 = p == pieces - 1 ? bx : ax + ((bx - ax) * t1);
                        var py1 = p == pieces - 1 ? by : ay + ((by - ay) * t1);
                        var cxFrom = Math.Max(x0, CellX(Math.Min(px0, px1) - epsilon));
                        var cxTo = Math.Min(x0 + width - 1, CellX(Math.Max(px0, px1) + epsilon));
                        var cyFrom = Math.Max(y0, CellY(Math.Min(py0, py1) - epsilon));
                        var cyTo = Math.Min(y0 + height - 1, CellY(Math.Max(py0, py1) + epsilon));
                        for (var cy = cyFrom; cy <= cyTo; cy++)
                        {
                            for (var cx = cxFrom; cx <= cxTo; cx++)
                            {
                                boundary[((cy - y0) * width) + (cx - x0)] = true;
                            }
                        }
                    }
                }
            }

            // Boundary cells need a point test; a run of unmarked cells along a row is connected and free of
            // boundary, so one test of a cell centre classifies the whole run.
            for (var row = 0; row < height; row++)
            {
                var cy = y0 + row;
                var col = 0;
                while (col < width)
                {
                    var cx = x0 + col;
                    if (boundary[(row * width) + col])
                    {
                        keys.Add(Key(cx, cy));
                        items.Add(zone << 1);
                        col++;
                        continue;
                    }

                    var runEnd = col;
                    while (runEnd < width && !boundary[(row * width) + runEnd])
                    {
                        runEnd++;
                    }

                    var centreX = _originX + ((cx + 0.5) / _invCell);
                    var centreY = _originY + ((cy + 0.5) / _invCell);
                    if (locator.Covers(centreX, centreY))
                    {
                        for (var c = col; c < runEnd; c++)
                        {
                            keys.Add(Key(x0 + c, cy));
                            items.Add((zone << 1) | 1);
                        }
                    }

                    col = runEnd;
                }
            }
        }

        return (keys, items);
    }

    private readonly record struct Cell(long Key, int Start, int Count);

    private readonly record struct Run(int Start, int Count);
}
