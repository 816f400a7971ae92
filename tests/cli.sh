#!/bin/sh
# Command-line tests: golden outputs, exit codes, error lines, nothing lost.
# Usage: sh tests/cli.sh PATH/TO/kpipe      (run from the source tree)
kpipe=${1:-build/kpipe}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; [ -n "$2" ] && echo "#   $2"; }
check() { # check NAME COMMAND...: passes when COMMAND succeeds
    name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# expect_fail NAME CODE PATTERN CMD...: exit CODE, exactly one stderr line matching PATTERN
expect_fail() {
    name=$1 code=$2 pattern=$3
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -eq "$code" ] && [ "$lines" -eq 1 ] && grep -Eq -- "$pattern" "$tmp/err"; then
        ok "$name"
    else
        not_ok "$name" "exit $rc, stderr: $(head -c 300 "$tmp/err")"
    fi
}

# --- an output that holds errors: written, exit 0, one line on stderr
"$kpipe" extract fixtures/families/sakura-b.calc.pdf -o "$tmp/sakura.json" 2>"$tmp/sakura.err"
check "extract: an output with errors is written, exit 0" [ $? -eq 0 -a -s "$tmp/sakura.json" ]
check "extract: one stderr line names the first error" sh -c "[ \$(wc -l <'$tmp/sakura.err') -eq 1 ] && grep -q 'sakura-b.calc.pdf: warning: written, but it holds 1 error (first, malformed-figure: Goal 1 row 3 actuals.2021' '$tmp/sakura.err'"
"$kpipe" extract fixtures/families/minato-a.calc.pdf -o "$tmp/minato.json" 2>"$tmp/minato.err"
check "extract: no stderr line when the output holds no error" [ ! -s "$tmp/minato.err" ]

# --- golden outputs: checked by hand against the seed once, then byte for byte
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o "$tmp/seed.json"
check "seed: canonical kpi-json equals the golden file" cmp -s "$tmp/seed.json" tests/golden/ebetsu-kpi-r4.json
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt --pretty >"$tmp/seed.pretty.json"
check "seed: --pretty equals the golden file" cmp -s "$tmp/seed.pretty.json" tests/golden/ebetsu-kpi-r4.pretty.json
"$kpipe" extract fixtures/hokushin-kpi-h30.txt -o "$tmp/h.json"
check "other city (Heisei years): kpi-json equals the golden file" cmp -s "$tmp/h.json" tests/golden/hokushin-kpi-h30.json
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt >"$tmp/seed2.json"
check "same input, same bytes (stdout against -o)" cmp -s "$tmp/seed.json" "$tmp/seed2.json"
check "canonical output has no newline and no indentation" sh -c "! grep -q '^ ' '$tmp/seed.json' && [ \$(wc -l <'$tmp/seed.json') -eq 0 ]"
check "pretty output ends in a newline" sh -c "[ \"\$(tail -c 1 '$tmp/seed.pretty.json' | od -An -c | tr -d ' ')\" = '\\n' ]"

# --- Shift_JIS input gives the same document
"$kpipe" extract fixtures/ebetsu-kpi-r4.sjis.txt -o "$tmp/sjis.json"
check "Shift_JIS seed: exit 0 and a kpi-json" grep -q '"format":"kpi-json/1"' "$tmp/sjis.json"
check "Shift_JIS seed: same document as UTF-8" sh -c "sed 's/\"source\":{[^}]*}//g' '$tmp/sjis.json' >'$tmp/a'; sed 's/\"source\":{[^}]*}//g' '$tmp/seed.json' >'$tmp/b'; cmp -s '$tmp/a' '$tmp/b'"

# --- PDF input: the same document as the text path, but for where things are
# rows' sources, and a diagnostic's page and line, say where: they differ
strip_sources() {
    sed -e 's/"source":{[^}]*}//g' -e 's/"\(line\|page\)":\([0-9]*\|null\)/"\1":_/g' "$1"
}
# the fixture PDFs that have a text twin (fixtures/NAME.txt for NAME.PRODUCER.pdf)
fixture_pdfs="fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r4.chromium.pdf
              fixtures/ebetsu-kpi-r5.calc.pdf
              fixtures/hokushin-kpi-h30.calc.pdf fixtures/hokushin-kpi-h30.chromium.pdf"
for pdf in $fixture_pdfs; do
    base=$(basename "$pdf" | sed 's/\.[a-z]*\.pdf$//')
    "$kpipe" extract "$pdf" -o "$tmp/pdf.json"
    "$kpipe" extract "fixtures/$base.txt" -o "$tmp/txt.json"
    strip_sources "$tmp/pdf.json" >"$tmp/a"
    strip_sources "$tmp/txt.json" >"$tmp/b"
    check "$pdf: extract equals the text path but for sources" cmp -s "$tmp/a" "$tmp/b"
    check "$pdf: rows carry page and box" grep -q '"source":{"bbox":\[[0-9.]*,[0-9.]*,[0-9.]*,[0-9.]*\],"page":[0-9]*}' "$tmp/pdf.json"
    "$kpipe" text "$pdf" -o "$tmp/pdf.txt"
    "$kpipe" extract "$tmp/pdf.txt" -o "$tmp/back.json"
    strip_sources "$tmp/back.json" >"$tmp/b"
    check "$pdf: kpipe text reads back to the same kpi-json" cmp -s "$tmp/a" "$tmp/b"
done
"$kpipe" text fixtures/hokushin-kpi-h30.calc.pdf -o "$tmp/h.txt"
check "a table across pages: one heading line per goal" [ "$(grep -c '^No	' "$tmp/h.txt")" -eq 3 ]
expect_fail "encrypted PDF without --password" 2 "encrypted.pdf: error: encrypted: give its password with --password" \
    "$kpipe" extract fixtures/bad/encrypted.pdf
expect_fail "encrypted PDF with a wrong password" 2 "encrypted.pdf: error: encrypted, and the password given does not open it" \
    "$kpipe" extract fixtures/bad/encrypted.pdf --password wrong
check "encrypted PDF with --password opens" sh -c "'$kpipe' extract fixtures/bad/encrypted.pdf --password kpipe | grep -q '\"municipality\":\"江別市\"'"
expect_fail "PDF without a text layer, --ocr never" 2 "no-text.pdf: error: no text layer .*OCR is needed" "$kpipe" extract --ocr never fixtures/bad/no-text.pdf
expect_fail "--ocr takes auto, always or never" 2 "--ocr is auto, always or never, not 'sometimes'" "$kpipe" extract --ocr sometimes fixtures/ebetsu-kpi-r4.txt
expect_fail "PDF with text but no KPI table" 2 "no-table.pdf: error: no KPI table found" "$kpipe" extract fixtures/bad/no-table.pdf
head -c 30000 fixtures/ebetsu-kpi-r4.calc.pdf >"$tmp/truncated.pdf"
expect_fail "truncated PDF" 2 "truncated.pdf: error: not a readable PDF" "$kpipe" extract "$tmp/truncated.pdf"
expect_fail "--max-pages" 2 "calc.pdf: error: 6 pages, more than --max-pages 3" "$kpipe" extract fixtures/ebetsu-kpi-r4.calc.pdf --max-pages 3

# --- check
"$kpipe" check fixtures/ebetsu-kpi-r4.txt >"$tmp/check.txt"
rc=$?
check "check on the seed exits 1: the summary list puts goal 3 before goal 2" sh -c "[ $rc -eq 1 ] && grep -q 'ebetsu-kpi-r4.txt:23: error: The summary list gives goal 2 after goal 3.*\[numbering\]' '$tmp/check.txt'"
check "check on the seed reports goal 3's measure-title mismatch" \
    grep -q 'ebetsu-kpi-r4.txt:59: warning: Goal 3 measure 1 is titled「個々の希望をかなえる少子化対策」in the summary list but「個々人の希望をかなえる少子化対策」.*\[summary-mismatch\]' "$tmp/check.txt"
check "check prints a closing count" grep -q '^1 error, 2 warnings, 3 info in 1 file$' "$tmp/check.txt"
"$kpipe" check fixtures/ebetsu-kpi-r4.calc.pdf >"$tmp/check-pdf.txt"
check "check on the PDF names pages" grep -q 'ebetsu-kpi-r4.calc.pdf:page 5: warning: Goal 3 measure 1' "$tmp/check-pdf.txt"
sed 's/\t2\.2億円\t/\t2.2.2億円\t/' fixtures/ebetsu-kpi-r4.txt >"$tmp/malformed.txt"
"$kpipe" check "$tmp/malformed.txt" >"$tmp/check.txt"
rc=$?
check "a malformed actual is an error naming goal, row and field; exit 1" sh -c "[ $rc -eq 1 ] && grep -q 'malformed.txt:44: error: Goal 1 row 7 actuals.2021「2.2.2億円」is not a figure.*\[malformed-figure\]' '$tmp/check.txt'"
"$kpipe" check fixtures/hokushin-kpi-h30.txt >/dev/null
check "check on a clean document exits 0" [ $? -eq 0 ]
sed 's/\t36\.1％\t/\t136.1％\t/' fixtures/hokushin-kpi-h30.txt >"$tmp/warn.txt"
"$kpipe" check "$tmp/warn.txt" >/dev/null
rc=$?
"$kpipe" check --strict "$tmp/warn.txt" >/dev/null
check "warnings alone exit 0, and 1 with --strict" [ "$rc$?" = "01" ]
"$kpipe" check --ocr never fixtures/hokushin-kpi-h30.txt fixtures/bad/no-text.pdf >"$tmp/check.txt"
rc=$?
check "an unusable input among others: exit 2, the others reported" sh -c "[ $rc -eq 2 ] && grep -q 'no-text.pdf: error: no text layer' '$tmp/check.txt' && grep -q 'in 2 files (1 unusable)' '$tmp/check.txt'"
"$kpipe" check --format github fixtures/ebetsu-kpi-r4.txt >"$tmp/gh.txt"
check "--format github writes workflow annotations" \
    grep -q '^::error file=fixtures/ebetsu-kpi-r4.txt,line=23,title=kpipe numbering::The summary list gives goal 2 after goal 3' "$tmp/gh.txt"
check "--format github: infos are notices" grep -q '^::notice file=fixtures/ebetsu-kpi-r4.txt,line=38,title=kpipe missing-baseline::' "$tmp/gh.txt"
"$kpipe" check --format json fixtures/ebetsu-kpi-r4.txt >"$tmp/check.json"
check "--format json" grep -q '^{"files":\[{"counts":{"accepted":0,"error":1,"info":3,"warning":2},"diagnostics":\[' "$tmp/check.json"
expect_fail "--format must be known" 2 "format is text, json, github or sarif, not 'xml'" "$kpipe" check --format xml fixtures/ebetsu-kpi-r4.txt
"$kpipe" check --format sarif fixtures/ebetsu-kpi-r4.txt fixtures/ebetsu-kpi-r4.calc.pdf fixtures/bad/no-text.pdf -o "$tmp/k.sarif"
check "--format sarif writes results" grep -q '"ruleId": "summary-mismatch"' "$tmp/k.sarif"
if [ -n "${SARIF_TOOL:-}" ] && [ -x "$SARIF_TOOL" ]; then
    # The Multitool reports schema and rule violations as results of its own;
    # error-level ones mean an invalid log.
    sarif_valid() {
        rm -f "$tmp/v.sarif"
        (cd "$tmp" && "$SARIF_TOOL" validate "$1" -o v.sarif >/dev/null 2>&1) &&
            [ -s "$tmp/v.sarif" ] && ! grep -q '"level": *"error"' "$tmp/v.sarif"
    }
    check "--format sarif is valid SARIF 2.1.0 (SARIF Multitool validate)" sarif_valid "$tmp/k.sarif"
    sed 's/"version": "2.1.0"/"version": "1.0.0"/' "$tmp/k.sarif" >"$tmp/bad.sarif"
    if sarif_valid "$tmp/bad.sarif"; then not_ok "the validator rejects a log with a wrong version"; else ok "the validator rejects a log with a wrong version"; fi
else
    not_ok "SARIF validator not installed (make test-deps installs it)"
fi

# --- batches
head -c 40000 fixtures/hokushin-kpi-h30.calc.pdf >"$tmp/damaged.pdf"
"$kpipe" extract fixtures/*.pdf fixtures/*.txt "$tmp/damaged.pdf" -d "$tmp/batch" -j 2 2>"$tmp/batch.err"
rc=$?
good=$(ls fixtures/*.pdf fixtures/*.txt | wc -l)
check "batch: exit 2 when a file failed" [ $rc -eq 2 ]
check "batch: every good input written, one output each, in its input's folder" \
    [ "$(ls "$tmp/batch/fixtures" | wc -l)" -eq "$good" ]
check "batch: the bad file named on stderr, in one line" sh -c "[ \$(grep -c ': error:' '$tmp/batch.err') -eq 1 ] && grep -q 'damaged.pdf: error: not a readable PDF' '$tmp/batch.err'"
check "batch: an output that holds errors is said in one warning line" sh -c "[ \$(grep -c 'ebetsu-kpi-r4.txt: warning: written, but it holds 1 error' '$tmp/batch.err') -eq 1 ]"
check "batch: an output is the single-file output" cmp -s "$tmp/batch/fixtures/ebetsu-kpi-r4.json" tests/golden/ebetsu-kpi-r4.json
cp -r "$tmp/batch" "$tmp/batch-first"
"$kpipe" extract fixtures/*.pdf fixtures/*.txt "$tmp/damaged.pdf" -d "$tmp/batch" -j 1 2>/dev/null
check "batch: rerunning (one at a time) gives byte-identical outputs" diff -r "$tmp/batch-first" "$tmp/batch"
expect_fail "batch: -o with several inputs" 2 "with several inputs, use -d DIR" "$kpipe" extract fixtures/ebetsu-kpi-r4.txt fixtures/hokushin-kpi-h30.txt -o x.json
expect_fail "batch: two inputs, one output name" 2 "would both be written to" "$kpipe" extract fixtures/ebetsu-kpi-r4.txt fixtures/ebetsu-kpi-r4.txt -d "$tmp/dup"

# --- JSON Schemas: every output validates (python3-jsonschema, draft 2020-12)
"$kpipe" diff fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf --format json -o "$tmp/diff.json"
check "every kpi-json output validates against schema/kpi-json-1.schema.json" \
    /usr/bin/python3 tests/check-schema.py schema kpi-json-1.schema.json "$tmp"/batch/fixtures/*.json
check "the kpi-diff output validates against schema/kpi-diff-1.schema.json" \
    /usr/bin/python3 tests/check-schema.py schema kpi-diff-1.schema.json "$tmp/diff.json"
sed 's/"kind":"revised"/"kind":"rewritten"/' "$tmp/diff.json" >"$tmp/bad-diff.json"
check "the schema check does fail on an invalid output" sh -c "! /usr/bin/python3 tests/check-schema.py schema kpi-diff-1.schema.json '$tmp/bad-diff.json' >/dev/null"

# --- diffs between editions
kinds=$(grep -o '"kind":"[a-z-]*"' "$tmp/diff.json" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "diff: the next edition revises exactly two figures and adds the FY2023 ones" \
    [ "$kinds" = ' 17 "kind":"added"; 2 "kind":"revised";' ]
check "diff: FY2023 is what was added" sh -c "[ \$(grep -o '\"field\":\"actuals.2023\"' '$tmp/diff.json' | wc -l) -eq 17 ]"
"$kpipe" diff fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf >"$tmp/diff.txt"
check "diff: revisions first in the text report" sh -c "head -3 '$tmp/diff.txt' | grep -q 'goal 1 row 3 観光入込客数 actuals.2022: 158万人 → 162万人'"
"$kpipe" diff --fail-on-revision fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf >/dev/null
check "diff --fail-on-revision exits 1 on a revision" [ $? -eq 1 ]
"$kpipe" diff --fail-on-revision tests/golden/ebetsu-kpi-r4.json fixtures/ebetsu-kpi-r4.calc.pdf >"$tmp/same.txt"
check "diff of kpi-json against the PDF of the same edition: no change, exit 0" sh -c "[ $? -eq 0 ] && grep -q '^no changes' '$tmp/same.txt'"

# --- CSV
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt --format csv --bom -o "$tmp/seed.csv"
check "csv: BOM, header, CRLF" sh -c "head -c 80 '$tmp/seed.csv' | od -c | head -1 | grep -q '357 273 277   g   o   a   l'"
if command -v soffice >/dev/null 2>&1; then
    (cd "$tmp" && timeout 120 soffice --headless --norestore -env:UserInstallation=file://$tmp/lo \
        --infilter="CSV:44,34,76,1" --convert-to html seed.csv >/dev/null 2>&1)
    # 44,34,76: comma, double quote, UTF-8 (the choice the BOM makes in Calc's dialog)
    check "csv: LibreOffice Calc opens it with the Japanese intact" sh -c \
        "grep -q '食品の輸出額' '$tmp/seed.html' && grep -q '220000000' '$tmp/seed.html' && grep -q '2.2億円' '$tmp/seed.html'"
fi

# --- figure
out=$("$kpipe" figure "2.2億円" "5製品 (累計)")
expected='{"cumulative":false,"note":null,"qualifier":null,"text":"2.2億円","unit":"円","value":220000000}
{"cumulative":true,"note":null,"qualifier":null,"text":"5製品(累計)","unit":"製品","value":5}'
check "figure prints one canonical Quantity a line" [ "$out" = "$expected" ]
expect_fail "figure: a malformed figure exits 1 with one error line" 1 'malformed-figure' "$kpipe" figure "12.3.4人"

# --- pages of one PDF read side by side by reader processes (-j)
# shellcheck disable=SC2086 # a list of paths without spaces
qpdf --empty --pages $fixture_pdfs $fixture_pdfs $fixture_pdfs $fixture_pdfs -- "$tmp/long.pdf"
"$kpipe" extract "$tmp/long.pdf" -j 1 -o "$tmp/long1.json"
"$kpipe" extract "$tmp/long.pdf" -j 2 -o "$tmp/long2.json"
"$kpipe" extract "$tmp/long.pdf" -j 5 -o "$tmp/long5.json"
check "a 108-page PDF: -j 2 and -j 5 write the bytes -j 1 does" \
    sh -c "grep -q '\"pages\":108' '$tmp/long1.json' && cmp -s '$tmp/long1.json' '$tmp/long2.json' && cmp -s '$tmp/long1.json' '$tmp/long5.json'"
"$kpipe" text "$tmp/long.pdf" -j 1 -o "$tmp/long1.txt"
"$kpipe" text "$tmp/long.pdf" -j 2 -o "$tmp/long2.txt"
check "a 108-page PDF: text -j 2 prints what -j 1 does" cmp -s "$tmp/long1.txt" "$tmp/long2.txt"
# extract parks rows and diagnostics in a temporary file as pages are read;
# without one (TMPDIR unusable) it holds them, and writes the same bytes
mkdir "$tmp/spool"
TMPDIR="$tmp/spool" "$kpipe" extract "$tmp/long.pdf" -o "$tmp/long-spooled.json"
TMPDIR="$tmp/no-such-dir" "$kpipe" extract "$tmp/long.pdf" -o "$tmp/long-held.json"
check "a 108-page PDF: kpi-json parked in a temporary file is the one held in memory" \
    sh -c "cmp -s '$tmp/long1.json' '$tmp/long-spooled.json' && cmp -s '$tmp/long1.json' '$tmp/long-held.json'"
check "a 108-page PDF: the temporary file is gone with kpipe" [ -z "$(ls -A "$tmp/spool")" ]
# a temporary file that cannot grow (a full disk; here a file size limit,
# its signal ignored): an error, and no output rather than a shorter one
expect_fail "a 108-page PDF: a spool that cannot be written is an error" 2 \
    'long.pdf: error: its rows could not be kept in a temporary file under' \
    sh -c "trap '' XFSZ; ulimit -f 64; exec '$kpipe' extract '$tmp/long.pdf' -o '$tmp/long-full.json'"
check "a 108-page PDF: nothing written when the spool failed" [ ! -e "$tmp/long-full.json" ]
# The same pages encrypted (AES-256): the password opens the bytes already
# read, and the readers read what the plain file gives.
qpdf --encrypt kp kp 256 -- "$tmp/long.pdf" "$tmp/long-enc.pdf"
"$kpipe" text "$tmp/long-enc.pdf" --password kp -j 2 -o "$tmp/long-enc.txt"
check "a 108-page PDF encrypted: read with its password as the plain one" \
    cmp -s "$tmp/long1.txt" "$tmp/long-enc.txt"
# A reader that dies (here killed, as the kernel's OOM killer would) is an
# error on the page it was to send; the run ends cleanly and writes nothing.
children_of() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$1" '$4 == p { print $1 }'; }
echo "earlier output" >"$tmp/killed.json"
"$kpipe" extract "$tmp/long.pdf" -j 2 -o "$tmp/killed.json" 2>"$tmp/err" &
pid=$!
readers=""
for i in $(seq 200); do
    readers=$(children_of "$pid")
    [ "$(echo "$readers" | grep -c .)" -ge 2 ] && break
    sleep 0.01
done
kill -KILL $(echo "$readers" | tail -1) 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -Eq "long.pdf:page [0-9]+: error: the page could not be read: its reader process ended on signal 9 \(Killed\)" "$tmp/err" &&
    [ "$(cat "$tmp/killed.json")" = "earlier output" ] && [ -z "$(children_of "$pid")" ]; then
    ok "a reader killed mid-document: one error line naming the page, exit 2, nothing written"
else
    not_ok "a reader killed mid-document: one error line naming the page, exit 2, nothing written" \
        "exit $rc, readers '$readers', stderr: $(head -c 300 "$tmp/err")"
fi

# A batch stopped (a CI job cancelled: SIGTERM; a background job ignores
# SIGINT, so TERM stands for both) leaves no half-written output and no
# temporary file, whenever it comes; its processes end with it.
leftover="" stopped=0
for delay in 0.05 0.1 0.2 0.3 0.5 0.8; do
    rm -rf "$tmp/int" && mkdir "$tmp/int"
    "$kpipe" extract $fixture_pdfs fixtures/families/*.pdf -j 2 -d "$tmp/int" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    [ $? -eq 143 ] && stopped=$((stopped + 1))
    sleep 0.1
    leftover="$leftover$(find "$tmp/int" -name '.*' -type f)$(pgrep -f -- "-d $tmp/int")"
    for f in $(find "$tmp/int" -name '*.json'); do
        [ -e "$f" ] && ! python3 -c "import json,sys; json.load(open(sys.argv[1]))['goals']" "$f" 2>/dev/null && leftover="$leftover $f"
    done
done
check "a stopped batch leaves no temporary or half-written file, and no process ($stopped of 6 stopped mid-batch)" \
    test -z "$leftover" -a "$stopped" -ge 3

# check reads each input in a process of its own: one that dies (here killed
# while it reads a long PDF) is named in one line, the others still reported
"$kpipe" check fixtures/ebetsu-kpi-r4.txt "$tmp/long.pdf" -j 1 >"$tmp/check.out" 2>"$tmp/check.err" &
pid=$!
child=""
for i in $(seq 300); do
    for c in $(children_of "$pid"); do
        [ -n "$(children_of "$c")" ] && child=$c # the one reading long.pdf has readers
    done
    [ -n "$child" ] && break
    sleep 0.01
done
kill -KILL "$child" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 2 ] && cat "$tmp/check.out" "$tmp/check.err" |
    grep -q "long.pdf: error: could not be read: its reading process ended on signal 9 (Killed)" &&
    grep -q "ebetsu-kpi-r4.txt:23: error: The summary list gives goal 2 after goal 3" "$tmp/check.out"; then
    ok "check: an input whose reading process dies is named in one line; the others are reported"
else
    not_ok "check: an input whose reading process dies is named in one line; the others are reported" \
        "exit $rc, child '$child', stderr: $(head -c 300 "$tmp/check.err")"
fi

# --- errors: one line naming the file, exit 2, nothing written
expect_fail "missing input file" 2 '^/nonexistent/x.txt: error: cannot read' "$kpipe" extract /nonexistent/x.txt
printf 'a title\n\nno table here\n' >"$tmp/notable.txt"
expect_fail "text without a KPI table" 2 "notable.txt: error: no KPI table found" "$kpipe" extract "$tmp/notable.txt"
printf 'ok\n\377\376\n' >"$tmp/binary.txt"
expect_fail "bytes neither UTF-8 nor Shift_JIS name the line" 2 "binary.txt:2:1: error: neither UTF-8 nor Shift_JIS" "$kpipe" extract "$tmp/binary.txt"
cp -r rules "$tmp/rules"
printf '# broken on purpose\nfigure  (?<number>\\d+(\n' >"$tmp/rules/figure.rules"
expect_fail "broken rule: FILE:LINE:COLUMN and exit 2" 2 "rules/figure.rules:2:23: error: missing closing parenthesis" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --rules "$tmp/rules"
expect_fail "unwritable output path" 2 "^/nonexistent/dir/out.json: error: cannot write output" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o /nonexistent/dir/out.json
echo "earlier output" >"$tmp/keep.json"
"$kpipe" extract "$tmp/notable.txt" -o "$tmp/keep.json" 2>/dev/null
check "a failed run leaves an earlier output as it was" [ "$(cat "$tmp/keep.json")" = "earlier output" ]
check "no temporary file is left beside the output" [ "$(ls -A "$tmp" | grep -c '^\.keep')" -eq 0 ]
mkfifo "$tmp/fifo"
timeout 30 cat "$tmp/fifo" >"$tmp/from-fifo" &
timeout 30 "$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o "$tmp/fifo" || : >"$tmp/fifo" &
wait
check "-o onto a pipe or device writes into it, and leaves it one" sh -c "[ -p '$tmp/fifo' ] && cmp -s '$tmp/from-fifo' tests/golden/ebetsu-kpi-r4.json"
expect_fail "unknown command" 2 "unknown command 'frobnicate'" "$kpipe" frobnicate
check "--help prints usage and exits 0" sh -c "'$kpipe' --help | grep -q '^Usage: kpipe'"
check "--version" sh -c "'$kpipe' --version | grep -Eq '^kpipe [0-9]+\.[0-9]+\.[0-9]+$'"


# --- the command line as Unix tools have it
"$kpipe" extract - <fixtures/ebetsu-kpi-r4.txt 2>/dev/null | sed 's/"name":"-"/"name":"ebetsu-kpi-r4.txt"/' >"$tmp/stdin.json"
check "extract -: standard input reads as the file" cmp -s "$tmp/stdin.json" tests/golden/ebetsu-kpi-r4.json
"$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o - 2>/dev/null >"$tmp/dash.json"
check "-o -: standard output" cmp -s "$tmp/dash.json" tests/golden/ebetsu-kpi-r4.json
check "text - and check - read standard input" sh -c "'$kpipe' text - <fixtures/ebetsu-kpi-r4.txt | grep -q '^# columns:' &&
    '$kpipe' check - <fixtures/ebetsu-kpi-r4.txt | grep -q '^-:23: error: The summary list gives goal 2 after goal 3'"
check "diff OLD - reads NEW from standard input" sh -c "'$kpipe' diff fixtures/ebetsu-kpi-r4.txt - <fixtures/ebetsu-kpi-r4.txt | grep -q '^no changes$'"
expect_fail "diff - -: standard input once only" 2 "standard input \(-\) can be only one of OLD and NEW" "$kpipe" diff - - </dev/null
cp fixtures/ebetsu-kpi-r4.txt "$tmp/-o"
check "-- ends the options: a file named -o is read" sh -c "'$kpipe' extract -- '$tmp/-o' 2>/dev/null | grep -q '\"name\":\"-o\"'"
check "figure -5人 is a figure, not an option" sh -c "'$kpipe' figure -5人 | grep -q '\"value\":-5'"
expect_fail "text of a file with no KPI table says so" 2 "hello.txt: error: no KPI table found" sh -c "echo hello >'$tmp/hello.txt'; '$kpipe' text '$tmp/hello.txt'"
expect_fail "several inputs without -d are refused" 2 "several inputs: give -d DIR for one output each" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt fixtures/hokushin-kpi-h30.txt
mkdir -p "$tmp/ed/2022" "$tmp/ed/2023"
cp fixtures/ebetsu-kpi-r4.txt "$tmp/ed/2022/x.txt"
cp fixtures/ebetsu-kpi-r5.txt "$tmp/ed/2023/x.txt"
kpipe_abs=$(cd "$(dirname "$kpipe")" && pwd)/$(basename "$kpipe")
(cd "$tmp/ed" && "$kpipe_abs" extract 2022/x.txt 2023/x.txt -d out 2>"$tmp/ed.err")
check "-d keeps the inputs' folders apart (2022/x.txt → DIR/2022/x.json)" \
    sh -c "[ -s '$tmp/ed/out/2022/x.json' ] && [ -s '$tmp/ed/out/2023/x.json' ] && ! cmp -s '$tmp/ed/out/2022/x.json' '$tmp/ed/out/2023/x.json'"
check "a batch closes with one line saying what was written where" grep -q '^kpipe: wrote 2 of 2 outputs under out/$' "$tmp/ed.err"
expect_fail "an option that does not apply is named" 2 "--bom does not apply to 'kpipe text' \(see kpipe text --help\)" \
    "$kpipe" text fixtures/ebetsu-kpi-r4.txt --bom
expect_fail "--bom without --format csv" 2 "--bom goes with --format csv" "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --bom
expect_fail "--pretty with CSV" 2 "--pretty indents JSON; it does not go with --format csv" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt --format csv --pretty
expect_fail "-o with -d" 2 "-o names one output and -d a folder of them" \
    "$kpipe" extract fixtures/ebetsu-kpi-r4.txt -o "$tmp/x.json" -d "$tmp/xd"
expect_fail "a value an option needs" 2 "option '--format' needs a value" "$kpipe" check fixtures/ebetsu-kpi-r4.txt --format
check "COMMAND --help shows that command's options" sh -c "'$kpipe' check --help | grep -q '^Usage: kpipe check' &&
    '$kpipe' check --help | grep -q -- '--baseline FILE' && ! '$kpipe' text --help | grep -q -- '--baseline'"
check "-V prints the version" sh -c "'$kpipe' -V | grep -Eq '^kpipe [0-9]+\.[0-9]+\.[0-9]+$' && '$kpipe' diff -V | grep -q '^kpipe '"
check "--color=always colours a report that is not on a terminal, never does not" \
    sh -c "'$kpipe' check fixtures/ebetsu-kpi-r4.txt --color=always | grep -q \"\$(printf '\033')\" &&
    ! '$kpipe' check fixtures/ebetsu-kpi-r4.txt --color=never | grep -q \"\$(printf '\033')\""
if command -v script >/dev/null 2>&1; then # a terminal, as script(1) makes one
    esc=$(printf '\033')
    script -qc "NO_COLOR= '$kpipe' check fixtures/ebetsu-kpi-r4.txt" /dev/null >"$tmp/tty1" 2>&1
    script -qc "NO_COLOR=1 '$kpipe' check fixtures/ebetsu-kpi-r4.txt" /dev/null >"$tmp/tty2" 2>&1
    check "on a terminal: colours, unless NO_COLOR is set and not empty" \
        sh -c "grep -q '$esc\[' '$tmp/tty1' && ! grep -q '$esc\[1' '$tmp/tty2'"
fi
expect_fail "--color takes auto, always or never" 2 "--color is auto, always or never, not 'sometimes'" \
    "$kpipe" check fixtures/ebetsu-kpi-r4.txt --color=sometimes

# --- accepted findings
"$kpipe" check fixtures/ebetsu-kpi-r4.txt --ignore numbering,outlier >"$tmp/ign.txt"
check "check --ignore leaves those codes out, and passes without the seed's one error" \
    sh -c "[ $? -eq 0 ] && ! grep -q 'numbering\]\|outlier\]' '$tmp/ign.txt' && grep -q '^0 errors, 1 warning, 3 info in 1 file$' '$tmp/ign.txt'"
expect_fail "check --ignore of an unknown code" 2 "--ignore: no check has the code 'nope'" \
    "$kpipe" check fixtures/ebetsu-kpi-r4.txt --ignore nope
"$kpipe" check fixtures/ebetsu-kpi-r4.txt --format json -o "$tmp/accepted.json"
"$kpipe" check fixtures/ebetsu-kpi-r4.calc.pdf --baseline "$tmp/accepted.json" >"$tmp/base.txt"
check "check --baseline: the same document (extracted again, from its PDF) passes, its findings accepted" \
    sh -c "[ $? -eq 0 ] && grep -q '; 6 accepted (--baseline)$' '$tmp/base.txt'"
sed 's/\t2\.2億円\t/\t2.2.2億円\t/' fixtures/ebetsu-kpi-r4.txt >"$tmp/ebetsu-kpi-r4.txt"
"$kpipe" check "$tmp/ebetsu-kpi-r4.txt" --baseline "$tmp/accepted.json" --format github >"$tmp/new.gh"
rc=$?
check "check --baseline: one new malformed figure fails the run, and is the only finding annotated" \
    sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$tmp/new.gh') -eq 1 ] && grep -q '^::error .*title=kpipe malformed-figure::Goal 1 row 7 actuals.2021「2.2.2億円」' '$tmp/new.gh'"
expect_fail "check --baseline of a file that is no report" 2 "not a baseline: give a report written by kpipe check --format json" \
    "$kpipe" check fixtures/ebetsu-kpi-r4.txt --baseline tests/golden/ebetsu-kpi-r4.json

# --- diffs
"$kpipe" diff fixtures/ebetsu-kpi-r4.txt fixtures/hokushin-kpi-h30.txt >"$tmp/cities.txt"
check "diff counts every kind of change in its closing line" \
    grep -q '^118 changes: 44 added, 30 removed, 12 baseline-changed, 12 target-changed, 12 renamed, 8 row-removed$' "$tmp/cities.txt"
check "diff warns when the editions name different municipalities and periods" \
    sh -c "grep -q '^warning: the editions name different municipalities (江別市, 北辰市)' '$tmp/cities.txt' &&
    grep -q '^warning: the editions have different plan periods (FY2020–2024, FY2015–2019)' '$tmp/cities.txt'"
sed 's/市内インターンシップ等への参加学生数/市内インターンシップ等への参加学生数 /; s/(KPI)/（KPI）/' fixtures/ebetsu-kpi-r4.txt >"$tmp/widths.txt"
"$kpipe" diff fixtures/ebetsu-kpi-r4.txt "$tmp/widths.txt" --exit-code >"$tmp/widths.diff"
check "diff: a name that differs only in width or wrapping is no rename (exit 0 with --exit-code)" \
    sh -c "[ $? -eq 0 ] && grep -q '^no changes$' '$tmp/widths.diff'"
"$kpipe" diff fixtures/ebetsu-kpi-r4.txt fixtures/ebetsu-kpi-r5.txt --exit-code >/dev/null
check "diff --exit-code exits 1 when anything changed" [ $? -eq 1 ]

# --- assessments in decimal
check "progress is a decimal of at most 4 places" sh -c "! grep -Eq '\"progress\":-?[0-9]+\.[0-9]{5,}' tests/golden/*.json && grep -q '\"progress\":0.3333,' tests/golden/ebetsu-kpi-r4.json"

# --- passwords off the command line
printf 'kpipe\n' >"$tmp/pw"
check "--password-file opens an encrypted PDF" sh -c "'$kpipe' text fixtures/bad/encrypted.pdf --password-file '$tmp/pw' | grep -q '^# columns:'"
check "\$KPIPE_PASSWORD opens an encrypted PDF" sh -c "KPIPE_PASSWORD=kpipe '$kpipe' text fixtures/bad/encrypted.pdf | grep -q '^# columns:'"

# --- the database of every edition (kpipe ingest, history, export)
db="$tmp/kpi.sqlite"
"$kpipe" ingest fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf --db "$db" 2>"$tmp/ingest.err"
check "ingest: two editions stored, one line says so" sh -c "[ $? -eq 0 ] && grep -q '^kpipe: stored 2 of 2 documents in $db (0 already there)$' '$tmp/ingest.err'"
"$kpipe" diff fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf --format json -o "$tmp/r45.json"
sqlite3 -json "$db" 'select goal, kpi, fy, old_text, new_text from revision order by goal, fy' >"$tmp/revision.json"
check "the revision view lists exactly the figures kpipe diff calls revised" /usr/bin/python3 -c "
import json, sys
diff = json.load(open(sys.argv[1]))
want = sorted((c['goal'], c['kpi'], int(c['field'].split('.')[1]), c['old']['text'], c['new']['text'])
              for c in diff['changes'] if c['kind'] == 'revised')
got = sorted((r['goal'], r['kpi'], r['fy'], r['old_text'], r['new_text']) for r in json.load(open(sys.argv[2])))
sys.exit(0 if want == got and len(got) == 2 else 1)" "$tmp/r45.json" "$tmp/revision.json"
check "latest_figure gives the newer edition's value (観光入込客数 FY2022: 162万人)" sh -c "
    [ \"\$(sqlite3 '$db' \"select text from latest_figure where kpi = '観光入込客数' and kind = 'actual' and fy = 2022\")\" = 162万人 ]"
check "the stock sqlite3 shell reads kpi_progress" sh -c "sqlite3 '$db' 'select * from kpi_progress' | grep -q '^江別市|2020|2024|.*|観光入込客数|2023|1710000.0|143万人|'"
counts() { sqlite3 "$db" 'select (select count(*) from document), (select count(*) from row), (select count(*) from figure), (select count(*) from kpi)'; }
before=$(counts)
"$kpipe" ingest fixtures/ebetsu-kpi-r4.calc.pdf --db "$db" 2>"$tmp/again.err"
check "ingest of the same bytes again: nothing changes, and it says so" sh -c "[ $? -eq 0 ] && [ '$(counts)' = '$before' ] &&
    grep -q 'ebetsu-kpi-r4.calc.pdf: already in $db (the same bytes); nothing written' '$tmp/again.err'"
"$kpipe" ingest fixtures/hokushin-kpi-h30.txt "$tmp/damaged.pdf" fixtures/families/minato-a.calc.pdf --db "$db" 2>"$tmp/bad.err"
rc=$?
check "ingest: a failing file is named, the others stored, exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'damaged.pdf: error: not a readable PDF' '$tmp/bad.err' &&
    [ \$(sqlite3 '$db' 'select count(*) from document') -eq 4 ]"
check "a KPI keeps one identity across editions; the plans of two towns stay apart" sh -c "
    [ \$(sqlite3 '$db' \"select count(distinct kpi_id) from row r join kpi k on k.id = r.kpi_id join plan p on p.id = k.plan_id where k.name = '観光入込客数' and p.municipality = '江別市'\") -eq 1 ] &&
    [ \$(sqlite3 '$db' 'select count(*) from plan') -eq 3 ]"
"$kpipe" history --db "$db" --municipality 江別市 --kpi 観光入込 >"$tmp/history.txt"
check "history: a KPI's figures by year across editions, the revised one marked" sh -c "
    grep -q '^江別市 FY2020–2024, goal 1: 観光入込客数$' '$tmp/history.txt' &&
    grep -q '^  actual   2022   162万人  (ebetsu-kpi-r5.calc.pdf, edition FY2023)  revised$' '$tmp/history.txt' &&
    ! grep -q '136万人.*revised' '$tmp/history.txt'"
check "history --format json and csv" sh -c "
    '$kpipe' history --db '$db' --goal 1 --kpi 観光入込 --format json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(r[\"revised\"] and r[\"text\"]==\"162万人\" for r in d)' &&
    '$kpipe' history --db '$db' --kpi 観光入込 --format csv | grep -q '^江別市,2020,2024,1,観光入込客数,actual,2022,ebetsu-kpi-r5.calc.pdf,2023,162万人,1620000,人,true'"
"$kpipe" export --db "$db" --bom -o "$tmp/export.csv"
check "export --bom: one CSV line per figure with its context" sh -c "
    head -c 3 '$tmp/export.csv' | od -An -tx1 | grep -q 'ef bb bf' &&
    [ \$(( \$(wc -l <'$tmp/export.csv') - 1 )) -eq \$(sqlite3 '$db' 'select count(*) from figure') ] &&
    grep -q '^江別市,2023,ebetsu-kpi-r5.calc.pdf,1,.*,観光入込客数,actual,2022,1620000,人,162万人,,achieved' '$tmp/export.csv'"
check "export --format jsonl: a JSON object a line" sh -c "'$kpipe' export --db '$db' --format jsonl | /usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
assert lines and all(set(l) >= {\"municipality\", \"edition\", \"kpi\", \"kind\", \"fy\", \"value\", \"unit\", \"status\"} for l in lines)'"
expect_fail "history of a database that is not there" 2 "nothere.sqlite: error: no such database: store editions in it with kpipe ingest" \
    "$kpipe" history --db "$tmp/nothere.sqlite"
# two ingests at once into one database: both succeed (WAL, busy timeout)
db2="$tmp/two.sqlite"
two_ok=true
for round in 1 2 3; do # each round a new database: both ingests create it at once
    rm -f "$db2" "$db2"-*
    "$kpipe" ingest fixtures/ebetsu-kpi-r4.calc.pdf fixtures/hokushin-kpi-h30.calc.pdf --db "$db2" -j 1 2>"$tmp/two1.err" &
    p1=$!
    "$kpipe" ingest fixtures/ebetsu-kpi-r5.calc.pdf fixtures/families/minato-a.writer.pdf --db "$db2" -j 1 2>"$tmp/two2.err" &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$(sqlite3 "$db2" 'select count(*) from document')" -eq 4 ] &&
        [ "$(sqlite3 "$db2" 'pragma integrity_check')" = ok ] ||
        { two_ok=false; two_err="round $round: exit $r1 $r2: $(cat "$tmp/two1.err" "$tmp/two2.err" | grep error | head -2)"; }
done
if $two_ok; then ok "two ingests into one new database at once both succeed (3 rounds)"; else
    not_ok "two ingests into one new database at once both succeed (3 rounds)" "$two_err"; fi
# kill -9 in the middle of a batch: what was committed is whole, nothing else
db3="$tmp/killed.sqlite"
killed_ok=true
for delay in 0.3 0.6 1.0; do
    rm -f "$db3" "$db3"-*
    "$kpipe" ingest $fixture_pdfs fixtures/families/*.pdf --db "$db3" -j 2 2>/dev/null &
    sleep $delay
    pkill -KILL -f -- "--db $db3"
    wait
    complete=$(sqlite3 "$db3" "select count(*) from document d where exists (select 1 from goal g where g.document_id = d.id)")
    all=$(sqlite3 "$db3" 'select count(*) from document')
    [ "$(sqlite3 "$db3" 'pragma integrity_check')" = ok ] && [ "$complete" = "$all" ] || killed_ok=false
done
"$kpipe" ingest $fixture_pdfs --db "$db3" 2>/dev/null
check "kill -9 mid-ingest: the database is whole (integrity_check), no document half-stored, and ingest goes on" \
    sh -c "$killed_ok && [ \$(sqlite3 '$db3' 'pragma integrity_check') = ok ]"
# a database of the schema's version 1 (before documents kept their kpi-json) is migrated
sed -e '/^    kpi_json /d' -e 's/^\(    seq .*NOT NULL\), /\1  /' -e 's/^PRAGMA user_version = 2;/PRAGMA user_version = 1;/' \
    schema/kpi-sqlite.sql | sqlite3 "$tmp/v1.sqlite"
sqlite3 "$tmp/v1.sqlite" "insert into plan values (1, '江別市', 2020, 2024); insert into document (sha256, name, type, plan_id, seq, edition_fy) values ('x', 'old.pdf', 'pdf', 1, 1, 2021)"
"$kpipe" ingest fixtures/ebetsu-kpi-r4.txt --db "$tmp/v1.sqlite" 2>/dev/null
check "a version-1 database is migrated to version 2, its documents kept" sh -c "[ $? -eq 0 ] &&
    [ \$(sqlite3 '$tmp/v1.sqlite' 'pragma user_version') -eq 2 ] && [ \$(sqlite3 '$tmp/v1.sqlite' 'select count(*) from document') -eq 2 ]"
sqlite3 "$tmp/v9.sqlite" 'pragma user_version = 9; create table t (a)'
expect_fail "a database made by a newer kpipe is refused" 2 "v9.sqlite: error: made by a newer kpipe \(schema version 9; this one knows 2\)" \
    "$kpipe" ingest fixtures/ebetsu-kpi-r4.txt --db "$tmp/v9.sqlite"

# --- messages in Japanese (po/ja.po), places named as the document does
LANG=ja_JP.UTF-8 LANGUAGE= LC_ALL= "$kpipe" check fixtures/ebetsu-kpi-r4.txt >"$tmp/ja.txt"
check "LANG=ja_JP.UTF-8: check speaks Japanese, naming 基本目標, No. and 和暦 years" sh -c "
    grep -q '^fixtures/ebetsu-kpi-r4.txt:53: warning: 基本目標2 No.4 R2年度 実績値「10人」は同じ行の前後の数値と10倍以上異なります。' '$tmp/ja.txt' &&
    grep -q '^fixtures/ebetsu-kpi-r4.txt:23: error: 一覧表で基本目標2が基本目標3の後にあります。' '$tmp/ja.txt' &&
    grep -q '^1 ファイル中 エラー 1 件、警告 2 件、情報 3 件$' '$tmp/ja.txt'"
check "a Heisei document's years are named in Heisei (H27年度)" sh -c "
    '$kpipe' check fixtures/families/minato-a.calc.pdf --lang ja | grep -q '基本目標2 No.3 H27年度 実績値「△120人」'"
check "--lang en gives the English whatever LANG says" sh -c "
    LANG=ja_JP.UTF-8 '$kpipe' check fixtures/ebetsu-kpi-r4.txt --lang en | grep -q '^1 error, 2 warnings, 3 info in 1 file$'"
check "codes never change with the language (JSON)" sh -c "
    '$kpipe' check fixtures/ebetsu-kpi-r4.txt --lang ja --format json | grep -q '\"code\":\"outlier\",\"field\":\"actuals.2020\",\"goal\":2,\"line\":53,\"message\":\"基本目標2 No.4 R2年度'"
"$kpipe" check fixtures/ebetsu-kpi-r4.txt --lang ja --format github >"$tmp/ja.gh"
check "GitHub annotations in Japanese stay workflow commands" sh -c "[ \$(grep -c '^::\(error\|warning\|notice\) file=fixtures/ebetsu-kpi-r4.txt,line=[0-9]*,title=kpipe [a-z-]*::' '$tmp/ja.gh') -eq 6 ]"
"$kpipe" check fixtures/ebetsu-kpi-r4.txt --lang ja --format sarif -o "$tmp/ja.sarif"
if [ -n "$SARIF_TOOL" ] && [ -x "$SARIF_TOOL" ]; then
    check "SARIF with Japanese messages validates" sarif_valid "$tmp/ja.sarif"
fi
LANG=ja_JP.UTF-8 "$kpipe" extract fixtures/ebetsu-kpi-r4.txt 2>/dev/null >"$tmp/ja.json"
check "extract writes English kpi-json whatever LANG says (the same bytes everywhere)" cmp -s "$tmp/ja.json" tests/golden/ebetsu-kpi-r4.json
if command -v xgettext >/dev/null && command -v msgcmp >/dev/null; then
    xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8 -o "$tmp/now.pot" src/*.c
    check "po/ja.po translates every message marked in the sources" msgcmp po/ja.po "$tmp/now.pot"
else
    not_ok "gettext tools not installed (make deps installs them)"
fi

echo "# cli: $((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
