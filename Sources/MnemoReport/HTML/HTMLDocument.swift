import Foundation

/// The HTML of a report page being built: sections, paragraphs, tables and figures, in one
/// self-contained file (inline CSS, inline SVG and images, no script).
struct HTMLDocument {
    private var body = ""
    let title: String

    init(title: String) {
        self.title = title
    }

    mutating func heading(_ text: String, level: Int = 2, id: String? = nil) {
        body += "<h\(level)\(id.map { " id=\"\(escape($0))\"" } ?? "")>\(escape(text))</h\(level)>\n"
    }

    mutating func paragraph(_ text: String, className: String? = nil) {
        body += "<p\(className.map { " class=\"\($0)\"" } ?? "")>\(escape(text))</p>\n"
    }

    /// A paragraph of HTML the caller has escaped.
    mutating func raw(_ html: String) {
        body += html + "\n"
    }

    mutating func table(header: [String], rows: [[String]], highlighted: Set<Int> = []) {
        body += "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for (index, row) in rows.enumerated() {
            body += "<tr\(highlighted.contains(index) ? " class=\"best\"" : "")>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
        }
        body += "</tbody></table>\n"
    }

    /// A chart with a caption and a link to the CSV of its numbers.
    mutating func figure(_ chart: Chart, csv: String, caption: String) {
        body += "<figure>\(chart.svg())<figcaption>\(escape(caption)) <a href=\"\(escape(csv))\">\(escape(csv))</a></figcaption></figure>\n"
    }

    /// A note that something could not be shown, and what would show it.
    mutating func missing(_ text: String) {
        body += "<p class=\"missing\">\(escape(text))</p>\n"
    }

    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font-family: sans-serif; max-width: 1400px; margin: 24px auto; padding: 0 16px; color: #222; }
        h1 { font-size: 24px; } h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ccc; } h3 { font-size: 16px; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
        tr.best td { background: #e8f4e8; font-weight: bold; }
        figure { display: inline-block; margin: 8px 16px 16px 0; vertical-align: top; }
        figcaption { font-size: 12px; color: #555; max-width: 640px; }
        .partial { background: #fff3cd; border: 1px solid #e0c060; padding: 8px; }
        .missing { color: #8a5a00; font-style: italic; }
        .gallery { display: flex; flex-wrap: wrap; gap: 10px; }
        .example { font-size: 11px; text-align: center; width: 96px; }
        .example img { width: 84px; height: 84px; image-rendering: pixelated; border: 3px solid #ccc; }
        .example.flipped img { border-color: #d62728; }
        .pair { display: flex; gap: 4px; font-size: 11px; align-items: flex-start; }
        pre { background: #f6f6f6; padding: 8px; font-size: 12px; overflow-x: auto; }
        </style></head><body>
        <h1>\(escape(title))</h1>
        \(body)</body></html>

        """
    }
}
