#!/bin/sh
# Rebuilds docs/report-page1.png and docs/report-page2.png: the report of the
# seed's two editions, printed to PDF by headless Chromium (A4) and rendered
# by pdftoppm. Usage: sh docs/make-screenshots.sh [PATH/TO/kpipe]
set -eu
kpipe=${1:-build/kpipe}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$kpipe" report fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf -o "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="$tmp/report.pdf" "file://$tmp/report.html" 2>/dev/null
pdftoppm -r 80 -png -f 1 -l 2 "$tmp/report.pdf" "$tmp/page"
cp "$tmp/page-1.png" docs/report-page1.png
cp "$tmp/page-2.png" docs/report-page2.png
