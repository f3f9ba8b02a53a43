import Foundation

/// One chart of the HTML report: axes with ticks and labels, a legend, and its series drawn as an
/// inline `<svg>` (no script, nothing loaded); ``csv()`` gives exactly the numbers plotted, which the
/// report writes beside it.
public struct Chart: Sendable {
    /// How an axis maps values.
    public enum Scale: Sendable {
        case linear
        /// Base-10 logarithmic; values at or below zero are left out.
        case log
    }

    /// How a series is drawn.
    public enum Style: Sendable {
        /// Rectangles from `x` to `x2`, from 0 up to `y` (a histogram).
        case bars
        /// A polyline through the points, in order.
        case line
        /// A dashed polyline (a reference, such as chance).
        case dashed
        /// Dots with their `low`–`high` interval as a whisker, shifted a little per series so that
        /// series at the same `x` do not overlap.
        case intervals
        /// Dots, each with its `label` beside it.
        case markers
    }

    /// One plotted value.
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        /// The end of a bar.
        public var x2: Double?
        /// An interval around `y`.
        public var low: Double?
        public var high: Double?
        public var label: String?

        public init(x: Double, y: Double, x2: Double? = nil, low: Double? = nil, high: Double? = nil, label: String? = nil) {
            self.x = x
            self.y = y
            self.x2 = x2
            self.low = low
            self.high = high
            self.label = label
        }
    }

    /// A named set of points drawn one way.
    public struct Series: Sendable {
        public var name: String
        public var style: Style
        public var points: [Point]
        /// A colour of its own (a reference line, marks over other series), else the next of ``Chart/palette``.
        public var color: String?

        public init(_ name: String, _ style: Style, _ points: [Point], color: String? = nil) {
            self.name = name
            self.style = style
            self.points = points
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed axis ranges; nil fits the data.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Names for tick positions (categories such as buckets or trials) instead of numbers.
    public var xTicks: [(value: Double, label: String)]?
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    static let width = 640.0
    static let height = 360.0
    static let margin = (left: 70.0, right: 20.0, top: 36.0, bottom: 52.0)
    /// Colours of the series, in turn: twelve distinct ones, so every attack of an audit has its own.
    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
        "#aec7e8", "#ff9896",
    ]

    /// The colour series `index` is drawn in.
    private func color(ofSeries index: Int) -> String {
        series[index].color ?? Self.palette[index % Self.palette.count]
    }

    /// Whether anything can be drawn.
    public var isEmpty: Bool {
        series.allSatisfy { series in series.points.allSatisfy { !usable($0) } }
    }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        let (xDomain, yDomain) = domains()
        // The legend sits between the title and the plot, one row per named series.
        let legend = legendEntries
        let height = Self.height + Double(legend.count) * 16
        let plot = (
            x0: Self.margin.left, x1: Self.width - Self.margin.right, y0: height - Self.margin.bottom,
            y1: Self.margin.top + Double(legend.count) * 16
        )
        func px(_ x: Double) -> Double { plot.x0 + (plot.x1 - plot.x0) * fraction(x, xDomain, xScale) }
        func py(_ y: Double) -> Double { plot.y0 - (plot.y0 - plot.y1) * fraction(y, yDomain, yScale) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" "
            + "width=\"\(Int(Self.width))\" height=\"\(Int(height))\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">"
        out += "<title>\(escape(title))</title>"
        out += "<text x=\"\(Int(Self.width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        // Axes, ticks, grid.
        out += "<g class=\"axis x-axis\" stroke=\"#333\">"
        out += line(plot.x0, plot.y0, plot.x1, plot.y0)
        let xStep = ticks(xDomain, xScale)
        for (value, label) in xTicks ?? xStep.map({ ($0, format($0, step: xStep)) }) where xDomain.contains(value) {
            let x = px(value)
            out += line(x, plot.y0, x, plot.y0 + 5)
            out += "<text x=\"\(f(x))\" y=\"\(f(plot.y0 + 18))\" text-anchor=\"middle\" stroke=\"none\">\(escape(label))</text>"
        }
        out += "<text x=\"\(f((plot.x0 + plot.x1) / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\" stroke=\"none\">\(escape(xLabel))</text>"
        out += "</g><g class=\"axis y-axis\" stroke=\"#333\">"
        out += line(plot.x0, plot.y0, plot.x0, plot.y1)
        let yTicks = ticks(yDomain, yScale)
        for value in yTicks where yDomain.contains(value) {
            let y = py(value)
            out += line(plot.x0 - 5, y, plot.x0, y)
            out += "<line x1=\"\(f(plot.x0))\" y1=\"\(f(y))\" x2=\"\(f(plot.x1))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(f(plot.x0 - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\" stroke=\"none\">\(format(value, step: yTicks))</text>"
        }
        let middle = (plot.y0 + plot.y1) / 2
        out += "<text transform=\"translate(16 \(f(middle))) rotate(-90)\" text-anchor=\"middle\" stroke=\"none\">\(escape(yLabel))</text></g>"
        // Series.
        var labels = LabelPlacement()
        let dodged = series.filter { $0.style == .intervals }.count
        var dodgeIndex = 0
        for (index, series) in series.enumerated() {
            let color = color(ofSeries: index)
            let points = series.points.filter(usable)
            out += "<g class=\"series\" data-name=\"\(escape(series.name))\">"
            switch series.style {
            case .bars:
                for point in points {
                    let (left, right) = (px(point.x), px(point.x2 ?? point.x))
                    let top = py(point.y)
                    let base = py(yScale == .log ? yDomain.lowerBound : max(0, yDomain.lowerBound))
                    out += "<rect x=\"\(f(min(left, right)))\" y=\"\(f(min(top, base)))\" width=\"\(f(max(1, abs(right - left) - 1)))\" "
                        + "height=\"\(f(abs(base - top)))\" fill=\"\(color)\" fill-opacity=\"0.75\"/>"
                }
            case .line, .dashed:
                let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                let dash = series.style == .dashed ? " stroke-dasharray=\"5 4\"" : ""
                out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
            case .intervals:
                let shift = dodged > 1 ? (Double(dodgeIndex) - Double(dodged - 1) / 2) * min(14, 60 / Double(dodged)) : 0
                dodgeIndex += 1
                for point in points {
                    let x = px(point.x) + shift
                    if let low = point.low, let high = point.high, low.isFinite, high.isFinite {
                        out += "<line x1=\"\(f(x))\" y1=\"\(f(py(clamp(low, yDomain))))\" x2=\"\(f(x))\" y2=\"\(f(py(clamp(high, yDomain))))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                    }
                    out += "<circle cx=\"\(f(x))\" cy=\"\(f(py(point.y)))\" r=\"4\" fill=\"\(color)\"/>"
                }
            case .markers:
                for point in points {
                    let (x, y) = (px(point.x), py(point.y))
                    out += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"5\" fill=\"\(color)\" stroke=\"#fff\"/>"
                    if let label = point.label, let spot = labels.place(label, x: x + 7, y: y - 6) {
                        out += "<text x=\"\(f(spot.x))\" y=\"\(f(spot.y))\" fill=\"\(color)\">\(escape(label))</text>"
                    }
                }
            }
            out += "</g>"
        }
        if !legend.isEmpty {
            out += "<g class=\"legend\">"
            for (row, entry) in legend.enumerated() {
                let y = Self.margin.top + 4 + Double(row) * 16
                let color = color(ofSeries: entry.index)
                out += "<rect x=\"\(f(plot.x0 + 10))\" y=\"\(f(y - 9))\" width=\"12\" height=\"10\" fill=\"\(color)\"/>"
                out += "<text x=\"\(f(plot.x0 + 28))\" y=\"\(f(y))\">\(escape(entry.name))</text>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }

    /// The series the legend names (with their colour index): none for a single unnamed or bar series.
    private var legendEntries: [(index: Int, name: String)] {
        let named = series.enumerated().filter { !$0.element.name.isEmpty }.map { ($0.offset, $0.element.name) }
        return named.count > 1 || (series.count == 1 && series.first?.style != .bars) ? named : []
    }

    /// The plotted numbers: one row per point (`series, x, x2, y, low, high, label`).
    public func csv() -> String {
        var rows = ["series,x,x2,y,low,high,label"]
        for series in series {
            for point in series.points {
                let fields = [
                    TrialsTable.field(series.name), "\(point.x)", point.x2.map { "\($0)" } ?? "", "\(point.y)",
                    point.low.map { "\($0)" } ?? "", point.high.map { "\($0)" } ?? "", TrialsTable.field(point.label ?? ""),
                ]
                rows.append(fields.joined(separator: ","))
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    // MARK: - Scales

    private func usable(_ point: Point) -> Bool {
        point.x.isFinite && point.y.isFinite && (xScale == .linear || point.x > 0) && (yScale == .linear || point.y > 0)
    }

    private func domains() -> (ClosedRange<Double>, ClosedRange<Double>) {
        let points = series.flatMap { $0.points.filter(usable) }
        let xs = points.flatMap { [$0.x] + ($0.x2.map { [$0] } ?? []) } + (xTicks?.map(\.value) ?? [])
        var ys = points.flatMap { point in [point.y] + [point.low, point.high].compactMap { $0 }.filter(\.isFinite) }
        if series.contains(where: { $0.style == .bars }), yScale == .linear { ys.append(0) }
        return (xRange ?? Self.fit(xs, xScale, pad: xTicks != nil ? 0.5 : 0), yRange ?? Self.fit(ys, yScale, pad: 0))
    }

    private static func fit(_ values: [Double], _ scale: Scale, pad: Double) -> ClosedRange<Double> {
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard var low = usable.min(), var high = usable.max() else { return scale == .log ? 0.001...1 : 0...1 }
        if scale == .log {
            low = pow(10, floor(log10(low)))
            high = pow(10, ceil(log10(high)))
            return low < high ? low...high : low...(low * 10)
        }
        low -= pad
        high += pad
        if low == high { (low, high) = (low - 1, high + 1) }
        let margin = pad > 0 ? 0 : (high - low) * 0.05
        return (low - (low == 0 ? 0 : margin))...(high + margin)
    }

    private func fraction(_ value: Double, _ domain: ClosedRange<Double>, _ scale: Scale) -> Double {
        switch scale {
        case .linear: return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log: return (log10(value) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
    }

    private func clamp(_ value: Double, _ domain: ClosedRange<Double>) -> Double {
        min(max(value, domain.lowerBound), domain.upperBound)
    }

    /// Round tick values: 1, 2 or 5 × 10ᵏ apart (about six), or the powers of ten of a log axis.
    private func ticks(_ domain: ClosedRange<Double>, _ scale: Scale) -> [Double] {
        if scale == .log {
            let low = Int(floor(log10(domain.lowerBound))), high = Int(ceil(log10(domain.upperBound)))
            return (low...max(low, high)).map { pow(10, Double($0)) }
        }
        let span = domain.upperBound - domain.lowerBound
        let raw = span / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        let first = ceil(domain.lowerBound / step) * step
        return stride(from: first, through: domain.upperBound + step * 1e-9, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
    }

    /// A tick label with as many decimals as the ticks' spacing needs.
    private func format(_ value: Double, step ticks: [Double]) -> String {
        if value == 0 { return "0" }
        if ticks.count > 1, ticks[1] / ticks[0] == 10 { return String(format: "%g", value) }  // powers of ten
        let magnitude = abs(value)
        if magnitude >= 100_000 || magnitude < 0.0001 { return String(format: "%.0e", value) }
        if value == value.rounded(), magnitude >= 1 { return String(Int(value)) }
        let spacing = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : magnitude
        let decimals = max(0, min(6, Int(-floor(log10(spacing > 0 ? spacing : magnitude)))))
        return String(format: "%.\(decimals)f", value)
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\"/>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Text made safe for XML and HTML.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(character)
        }
    }
    return out
}
