#!/bin/bash
# Opens a `mnemo report` page in headless Chromium (Debian package `chromium`), checks that it loads
# without console errors and that every chart rendered (a laid-out <svg> of non-zero size with both
# axes and something drawn), and takes a screenshot of the whole page.
#
#     sweeps/check-report.sh REPORT_DIR [SCREENSHOT.png]
#
# The screenshot defaults to REPORT_DIR/screenshot.png; a page taller than 16,000 pixels is taken in
# parts, SCREENSHOT-2.png and so on after the first. The page itself has no script: the check
# measures a copy of it with a small script appended (removed afterwards). Installs chromium with
# apt-get when missing (needs root). Exit status 0 when every check passed, 1 otherwise.
set -euo pipefail

dir=${1:?usage: sweeps/check-report.sh REPORT_DIR [SCREENSHOT.png]}
shot=${2:-$dir/screenshot.png}
page="$dir/report.html"
[[ -f "$page" ]] || { echo "check-report: no $page (run mnemo report DB --out $dir first)" >&2; exit 1; }
if ! command -v chromium >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
dir=$(cd "$dir" && pwd)
shot=$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")
work=$(mktemp -d)
probe="$dir/.probe-$$.html"
trap 'rm -rf "$work" "$probe"' EXIT
browser=(chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0)

# 1. The page as it is: console errors (a broken page, a blocked resource) fail the check.
"${browser[@]}" --window-size=1400,1000 --dump-dom "file://$dir/report.html" > "$work/dom.html" 2> "$work/console.log"
if grep -E "CONSOLE|Uncaught|Failed to load|ERR_" "$work/console.log" | grep -v -E "dbus|Fontconfig|gpu|GPU|viz" > "$work/errors.log"; then
    echo "check-report: console errors:" >&2
    cat "$work/errors.log" >&2
    exit 1
fi

# 2. A copy with a measuring script: each chart's laid-out size, its axes and what it draws.
sed 's#</body></html>##' "$page" > "$probe"
cat >> "$probe" <<'EOF'
<script>
const charts = [...document.querySelectorAll("svg.chart")].map(svg => {
  const box = svg.getBoundingClientRect();
  const axis = name => { const g = svg.querySelector("g." + name); return g ? g.getBBox().width + g.getBBox().height : 0; };
  return { title: svg.querySelector("title")?.textContent ?? "", width: box.width, height: box.height,
           xAxis: axis("x-axis"), yAxis: axis("y-axis"),
           drawn: svg.querySelectorAll("g.series rect, g.series circle, g.series polyline").length };
});
const images = [...document.querySelectorAll("img")].filter(img => !(img.complete && img.naturalWidth > 0)).length;
const pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = JSON.stringify({ charts, brokenImages: images, height: document.documentElement.scrollHeight });
document.body.appendChild(pre);
</script></body></html>
EOF
"${browser[@]}" --window-size=1400,1000 --virtual-time-budget=5000 --dump-dom "file://$probe" > "$work/probe.html" 2>/dev/null
height=$(python3 - "$work/probe.html" <<'EOF'
import html, json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
found = re.search(r'<pre id="probe">(.*?)</pre>', text, re.S)
if not found:
    sys.exit("check-report: the measuring script did not run")
report = json.loads(html.unescape(found.group(1)))
bad = [c for c in report["charts"] if not (c["width"] > 0 and c["height"] > 0 and c["xAxis"] > 0 and c["yAxis"] > 0 and c["drawn"] > 0)]
for chart in bad:
    print(f"check-report: chart not rendered: {chart}", file=sys.stderr)
if report["brokenImages"]:
    print(f"check-report: {report['brokenImages']} images did not load", file=sys.stderr)
if not report["charts"]:
    print("check-report: no chart on the page", file=sys.stderr)
if bad or report["brokenImages"] or not report["charts"]:
    sys.exit(1)
print(f"check-report: {len(report['charts'])} charts rendered, each with both axes", file=sys.stderr)
print(int(report["height"]) + 20)
EOF
)

# 3. Screenshots of the whole page: Chromium draws at most 16,000 pixels in one, so a taller page is
# taken in parts (SHOT.png, SHOT-2.png, …), each a copy of the page moved up by the parts before it.
part_height=16000
parts=$(( (height + part_height - 1) / part_height ))
rm -f "${shot%.png}"-[0-9]*.png
for (( part = 0; part < parts; part++ )); do
    target=$shot
    (( part > 0 )) && target="${shot%.png}-$((part + 1)).png"
    rest=$(( height - part * part_height ))
    size=$(( rest < part_height ? rest : part_height ))
    sed "s#</body></html>#<style>body{position:relative;top:-$((part * part_height))px}</style></body></html>#" "$page" > "$probe"
    "${browser[@]}" --window-size="1400,$size" --screenshot="$target" "file://$probe" 2>/dev/null
    [[ -s "$target" ]] || { echo "check-report: no screenshot written" >&2; exit 1; }
    echo "check-report: screenshot $target (1400 × $size, part $((part + 1)) of $parts)"
done
echo "check-report: $page opens without console errors"
