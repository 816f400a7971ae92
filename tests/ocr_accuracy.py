#!/usr/bin/env python3
"""OCR accuracy: each scanned fixture read by kpipe (OCR) against the PDF it
was scanned from read by kpipe (text layer).

    ocr_accuracy.py KPIPE SCAN.pdf [SCAN.pdf ...] [--min-figures P] [--min-fields P]

A scan fixtures/scans/NAME.DPIdpi.pdf was made from fixtures/NAME.pdf or
fixtures/families/NAME.pdf (fixtures/scans/build.sh). Fields are compared
as kpi-json gives them: every figure (baseline, each actual, target,
achievement: value and unit, or the text where there is no value) and every
other field of a row (KPI name, measure, evaluation marks, remarks), and
the goals' titles, after NFKC with spaces removed. A field the text path has
and the scan lacks (a row not found) counts as wrong.

Prints one line a scan and exits 1 when a share is below its minimum, or
when a figure that differs from the text path's carries no ocr-uncertain
warning (a silent misread)."""
import json
import os
import subprocess
import sys
import unicodedata


# One horizontal stroke: printed, ー － ― — ‐ and - cannot be told apart
# (each is a "no figure" mark in a table), so they compare as one; a cell of
# strokes alone is one (a long dash is read as two).
DASHES = str.maketrans({c: "-" for c in "ー－―—‐−一"})


def key(text):
    if text is None:
        return None
    k = "".join(unicodedata.normalize("NFKC", str(text)).split())
    dashes = k.translate(DASHES)
    return "-" if k and set(dashes) == {"-"} else k


def figure(q):
    if q is None:
        return None
    if q.get("value") is not None:
        return ("value", q["value"], q.get("unit"))
    return ("text", key(q.get("text")))


def fields(doc):
    """{(goal, row, field): value}, and the set of figure fields."""
    out, figures = {}, set()
    for g in doc["goals"]:
        gn = g["number"]
        out[(gn, 0, "title")] = key(g.get("title"))
        for kind, rows in (("row", g.get("rows", [])), ("indicator", g.get("indicators", []))):
            for r in rows:
                rn = (kind, r["number"])
                named = {
                    "baseline": figure(r.get("baseline")),
                    "target": figure(r.get("target")),
                    "achievement": figure(r.get("achievement")),
                }
                for fy, q in (r.get("actuals") or {}).items():
                    named["actuals." + fy] = figure(q)
                for f, v in named.items():
                    if v is not None:
                        out[(gn, rn, f)] = v
                        figures.add((gn, rn, f))
                kpi = r.get("kpi") or {}
                out[(gn, rn, "kpi")] = key(kpi.get("name"))
                out[(gn, rn, "measure")] = r.get("measure")
                for i, e in enumerate(r.get("evaluations") or []):
                    out[(gn, rn, "evaluation.%d" % i)] = key(e.get("mark"))
                for h, t in sorted((r.get("remarks") or {}).items()):
                    out[(gn, rn, "remark." + key(h))] = key(t)
    return out, figures


def extract(kpipe, pdf):
    run = subprocess.run([kpipe, "extract", pdf, "-o", "-"], capture_output=True, text=True)
    if run.returncode not in (0, 1) or not run.stdout.strip():
        return None, run.stderr.strip()
    return json.loads(run.stdout), run.stderr.strip()


def source_of(scan):
    here = os.path.dirname(os.path.abspath(scan))
    name = os.path.basename(scan).rsplit(".", 2)[0] + ".pdf"  # drop .NNNdpi.pdf
    for folder in ("..", os.path.join("..", "families")):
        path = os.path.normpath(os.path.join(here, folder, name))
        if os.path.exists(path):
            return path
    raise SystemExit("ocr_accuracy: no source PDF for %s" % scan)


def main(argv):
    kpipe, scans, minimum = argv[1], [], {"figures": 0.0, "fields": 0.0}
    args = iter(argv[2:])
    for a in args:
        if a in ("--min-figures", "--min-fields"):
            minimum[a[6:]] = float(next(args))
        else:
            scans.append(a)
    failed = False
    for scan in scans:
        want_doc, why = extract(kpipe, source_of(scan))
        if want_doc is None:
            raise SystemExit("ocr_accuracy: the text path failed on %s: %s" % (source_of(scan), why))
        got_doc, why = extract(kpipe, scan)
        want, want_figures = fields(want_doc)
        got = fields(got_doc)[0] if got_doc else {}
        flagged = set()
        for d in (got_doc or {}).get("diagnostics", []):
            if d["code"] == "ocr-uncertain" and d.get("row"):
                flagged.add((d["goal"], d["row"], d.get("field")))
        same = sum(1 for k, v in want.items() if got.get(k) == v)
        same_fig = sum(1 for k in want_figures if got.get(k) == want[k])
        silent = []
        for k in want_figures:
            g, (kind, n), f = k
            if k in got and got[k] != want[k] and not (kind == "row" and (g, n, f) in flagged):
                silent.append("goal %d %s %d %s: %r, not %r" % (g, kind, n, f, got[k], want[k]))
        share = same / len(want) if want else 1.0
        share_fig = same_fig / len(want_figures) if want_figures else 1.0
        ocr = bool(got_doc and got_doc["source"].get("ocr"))
        print("%s: fields %d/%d (%.1f%%), figures %d/%d (%.1f%%), uncertain %d, silent misreads %d%s"
              % (os.path.basename(scan), same, len(want), 100 * share, same_fig, len(want_figures),
                 100 * share_fig, len(flagged), len(silent),
                 "" if ocr else " (not read by OCR: %s)" % why))
        for s in silent:
            print("  silent misread: " + s)
        if os.environ.get("OCR_VERBOSE"):
            for k, v in sorted(want.items(), key=str):
                if got.get(k) != v:
                    print("  differs: %s: %r, not %r" % (k, got.get(k), v))
        if share < minimum["fields"] or share_fig < minimum["figures"] or silent or not ocr:
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
