#!/bin/sh
# Scanned PDFs read by OCR (issue: scans). Usage: sh tests/ocr.sh KPIPE
# Prints "ok …" / "not ok …" lines, as the other command-line tests do.
kpipe=${1:-build/kpipe}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
    name=$1
    shift
    if "$@" >"$tmp/log" 2>&1; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        sed 's/^/    /' "$tmp/log"
    fi
}

# Each scan against the PDF it was made from: read by OCR (source.ocr), and
# no figure that differs from the text path's without an ocr-uncertain
# warning. The shares of equal fields are printed in the line.
# A scan's least shares are in tests/ocr/minimums; a scan not listed there
# fails (its shares were never measured).
for scan in fixtures/scans/*.300dpi.pdf fixtures/scans/*.250dpi.pdf fixtures/scans/*.200dpi.pdf; do
    set -- $(awk -v s="$(basename "$scan")" '$1 == s { print $2, $3 }' tests/ocr/minimums)
    python3 tests/ocr_accuracy.py "$kpipe" "$scan" --min-fields "${1:-1.01}" \
        --min-figures "${2:-1.01}" >"$tmp/acc" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "ok - $(head -1 "$tmp/acc")"
    else
        echo "not ok - $(head -1 "$tmp/acc")"
        sed 's/^/    /' "$tmp/acc"
    fi
done

scan=fixtures/scans/minato-a.writer.300dpi.pdf
"$kpipe" extract "$scan" -o "$tmp/scan.json" 2>/dev/null
check "a scan's kpi-json says source.ocr, and holds to the schema" sh -c \
    "grep -q '\"ocr\":true' '$tmp/scan.json' && /usr/bin/python3 tests/check-schema.py schema kpi-json-1.schema.json '$tmp/scan.json'"
check "a scan's document carries the info that it was read by OCR" sh -c \
    "'$kpipe' check --format json '$scan' | grep -q '\"code\":\"ocr\",.*\"message\":\"1 of its 1 pages were read by OCR'"
"$kpipe" extract --ocr never "$scan" -o "$tmp/never.json" 2>"$tmp/never.err"
rc=$?
check "--ocr never: a scan is today's error (exit 2), nothing written" sh -c \
    "[ $rc -eq 2 ] && [ ! -e '$tmp/never.json' ] && grep -q 'no text layer (a scanned image?): OCR is needed before kpipe can read it (not with --ocr never)' '$tmp/never.err'"
"$kpipe" extract --ocr always fixtures/families/minato-a.writer.pdf -o "$tmp/always.json" 2>/dev/null
check "--ocr always reads a text PDF by OCR too" grep -q '"ocr":true' "$tmp/always.json"
"$kpipe" extract fixtures/families/minato-a.writer.pdf -o "$tmp/text.json" 2>/dev/null
check "a text PDF is not read by OCR (--ocr auto)" sh -c "! grep -q '\"ocr\"' '$tmp/text.json'"
