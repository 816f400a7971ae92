#!/usr/bin/env python3
"""kpipe — checks of `kpipe report`: the page's DOM against the kpi-json of the
same document (cards, statuses, a chart's points and reference lines at the
coordinates their values give), once as kpipe wrote it and once as headless
Chromium built it (--dump-dom); the page printed by Chromium to PDF (its
pages); the HTML through html-validate. Prints TAP lines.

Usage: python3 tests/report.py PATH/TO/kpipe CHROMIUM|- HTML_VALIDATE|-
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile


class Dom(html.parser.HTMLParser):
    """The elements that matter, with their attributes and where they nest."""

    def __init__(self):
        super().__init__()
        self.cards = []        # dict: goal, row, status, points, lines, badge
        self.stack = []
        self.text_of = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "kpi" in a.get("class", "").split():
            self.cards.append({"goal": int(a["data-goal"]), "row": int(a["data-row"]),
                               "status": a["data-status"], "points": [], "lines": {},
                               "badge": None, "revised": []})
        elif self.cards and tag == "circle" and "point" in a.get("class", ""):
            if self.stack and "newest" in self.stack[-1]:
                self.cards[-1]["points"].append((int(a["data-fy"]), float(a["data-value"]),
                                                 float(a["cx"]), float(a["cy"])))
                if "revised" in a["class"]:
                    self.cards[-1]["revised"].append(int(a["data-fy"]))
        elif self.cards and tag == "line" and a.get("class") in ("baseline", "target"):
            self.cards[-1]["lines"][a["class"]] = (float(a["data-value"]), float(a["y1"]))
        elif self.cards and tag == "span" and "badge" in a.get("class", ""):
            self.text_of = "badge"
        if tag == "g":
            self.stack.append(a.get("class", ""))

    def handle_endtag(self, tag):
        if tag == "g" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.text_of == "badge" and self.cards:
            self.cards[-1]["badge"] = data
            self.text_of = None


n = 0
bad = 0


def check(name, ok, detail=""):
    global n, bad
    n += 1
    if ok:
        print("ok %d - %s" % (n, name))
    else:
        bad += 1
        print("not ok %d - %s" % (n, name))
        if detail:
            print("#   " + detail)


def dom_checks(where, page, doc):
    dom = Dom()
    dom.feed(page)
    want = {(g["number"], r["number"]): (r["assessment"] or {}).get("status", "unassessed")
            for g in doc["goals"] for r in g["rows"] if r["target"]}
    got = {(c["goal"], c["row"]): c["status"] for c in dom.cards}
    check("%s: one card per KPI row with a target (%d), over %d goals" % (where, len(want), len({k[0] for k in want})),
          set(got) == set(want) and len({k[0] for k in want}) == 4, "%s vs %s" % (sorted(got), sorted(want)))
    check("%s: each card's status is the kpi-json assessment's" % where, got == want,
          str([(k, got.get(k), want[k]) for k in want if got.get(k) != want[k]][:5]))
    labels = {"achieved": "達成", "on-track": "順調", "behind": "遅れ", "no-data": "データなし"}
    check("%s: each badge reads as its status (達成, 順調, 遅れ, データなし)" % where,
          all(c["badge"] == labels.get(c["status"], "評価なし") for c in dom.cards))
    card = next((c for c in dom.cards if (c["goal"], c["row"]) == (1, 3)), None)
    if not card:
        check("%s: the card of 観光入込客数" % where, False)
        return dom
    pts = {fy: (v, cx, cy) for fy, v, cx, cy in card["points"]}
    check("%s: 観光入込客数 has 136万人, 122万人, 158万人 at FY2020–2022" % where,
          [pts.get(y, (None,))[0] for y in (2020, 2021, 2022)] == [1360000, 1220000, 1580000], str(pts))
    base, target = card["lines"].get("baseline"), card["lines"].get("target")
    check("%s: its baseline line at 135万人 and target line at 143万人" % where,
          base and target and base[0] == 1350000 and target[0] == 1430000, str(card["lines"]))
    # the points and the reference lines lie on one linear scale, larger values higher
    marks = [(v, cy) for v, _, cy in pts.values()] + [base, target]
    (v0, y0), (v1, y1) = min(marks), max(marks)
    on_scale = all(abs(y0 + (v - v0) * (y1 - y0) / (v1 - v0) - y) < 0.15 for v, y in marks)
    check("%s: its points and lines stand at the heights their values give" % where,
          on_scale and y1 < y0, str(marks))
    xs = [pts[y][1] for y in (2020, 2021, 2022)]
    check("%s: the years run left to right, evenly" % where,
          xs[0] < xs[1] < xs[2] and abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.15, str(xs))
    return dom


def main():
    kpipe, chromium, validator = sys.argv[1], sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp()
    try:
        r4, r5 = "fixtures/ebetsu-kpi-r4.calc.pdf", "fixtures/ebetsu-kpi-r5.calc.pdf"
        page_path = os.path.join(tmp, "report.html")
        subprocess.run([kpipe, "report", r4, "-o", page_path], check=True)
        doc = json.loads(subprocess.run([kpipe, "extract", r4], capture_output=True, check=True).stdout)
        page = open(page_path, encoding="utf-8").read()
        dom_checks("as written", page, doc)
        again = subprocess.run([kpipe, "report", r4], capture_output=True, check=True).stdout.decode()
        check("the same document gives the same bytes", again == page)
        check("self-contained: no script, no link to the network",
              "<script" not in page and "http://" not in page and "https://" not in page)
        check("each chart has a title and a description, its numbers in a table",
              page.count("<svg class=\"chart\"") == page.count("<title id=") == page.count("<desc id=")
              == page.count("<table class=\"numbers\">") > 0)
        two = subprocess.run([kpipe, "report", r4, r5], capture_output=True, check=True).stdout.decode()
        diff = json.loads(subprocess.run([kpipe, "diff", r4, r5, "--format", "json"], capture_output=True,
                                         check=True).stdout)
        revised = sorted((c["goal"], c["row"], int(c["field"].split(".")[1]))
                         for c in diff["changes"] if c["kind"] == "revised")
        dom2 = Dom()
        dom2.feed(two)
        marked = sorted((c["goal"], c["row"], fy) for c in dom2.cards for fy in c["revised"])
        check("two editions: the figures marked revised are those kpipe diff calls revised",
              marked == revised and len(marked) == 2, "%s vs %s" % (marked, revised))
        db = os.path.join(tmp, "kpi.sqlite")
        subprocess.run([kpipe, "ingest", r5, r4, "--db", db], capture_output=True, check=True)
        from_db = subprocess.run([kpipe, "report", "--db", db, "--municipality", "江別市"],
                                 capture_output=True, check=True).stdout.decode()
        dom3 = Dom()
        dom3.feed(from_db)
        marked_db = sorted((c["goal"], c["row"], fy) for c in dom3.cards for fy in c["revised"])
        check("report --db: the stored editions of the plan, the same revisions marked",
              marked_db == revised and len(dom3.cards) == len(dom2.cards), "%s vs %s" % (marked_db, revised))
        if chromium != "-":
            out = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                  "file://" + os.path.abspath(page_path)], capture_output=True, timeout=120)
            dom_checks("in Chromium", out.stdout.decode(), doc)
            pdf = os.path.join(tmp, "report.pdf")
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                            "--print-to-pdf=" + pdf, "file://" + os.path.abspath(page_path)],
                           capture_output=True, timeout=120)
            info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
            pages = int(next((l.split()[1] for l in info.splitlines() if l.startswith("Pages:")), "0"))
            size = next((l for l in info.splitlines() if l.startswith("Page size:")), "")
            check("printed by Chromium on A4: the summary, then a page or more a goal (%d pages)" % pages,
                  pages >= 5 and "(A4)" in size, size)
        if validator != "-":
            run = subprocess.run([validator, "--formatter", "text", page_path], capture_output=True, text=True)
            check("html-validate finds nothing wrong", run.returncode == 0, (run.stdout + run.stderr)[:300])
    finally:
        shutil.rmtree(tmp)
    print("# report: %d passed, %d failed" % (n - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
