/* kpipe — the HTML report (see include/kpipe/html.h). */
#include "kpipe/html.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kpipe/diff.h"

/* The chart's box (SVG user units) and its margins: room for the y axis's
 * labels on the left, the years below. */
#define CHART_W 340.0
#define CHART_H 190.0
#define PLOT_LEFT 58.0
#define PLOT_RIGHT 14.0
#define PLOT_TOP 14.0
#define PLOT_BOTTOM 30.0
/* Counts and amounts start their axis at zero unless every figure lies in
 * the top part of it (then the axis starts lower and the break is drawn). */
#define ZERO_AXIS_SHARE 0.6

static const char *const status_label[] = {"達成", "順調", "遅れ", "データなし"};
static const char *const status_class[] = {"achieved", "on-track", "behind", "no-data"};

static void escaped(GString *out, const char *s)
{
    char *e = g_markup_escape_text(s ? s : "", -1);
    g_string_append(out, e);
    g_free(e);
}

/* ---- the axis: scale words and round ticks --------------------------------- */

typedef struct {
    double lo, hi;       /* the axis's ends, in the base unit */
    double step;         /* between ticks */
    double scale;        /* shown in units of this (10000 for 万) */
    const char *prefix;  /* its word: 万, 億, or "" */
    bool broken;         /* does not start at zero */
} axis;

static double nice_step(double span)
{
    double raw = span / 4, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

static axis axis_for(double lo, double hi, const char *unit)
{
    axis a = {0, 1, 0.25, 1, "", false};
    bool counts = unit && strcmp(unit, "%") != 0;
    if (counts && hi > 0 && lo >= 0 && lo < ZERO_AXIS_SHARE * hi)
        lo = 0; /* counts and amounts from zero */
    else if (lo > 0 && hi > 0)
        a.broken = true;
    if (hi <= lo)
        hi = lo + (lo ? fabs(lo) : 1);
    a.step = nice_step(hi - lo);
    a.lo = floor(lo / a.step) * a.step;
    a.hi = ceil(hi / a.step) * a.step;
    if (a.hi <= hi) /* room above the highest figure */
        a.hi += a.step;
    a.broken = a.broken && a.lo > 0;
    double top = fmax(fabs(a.lo), fabs(a.hi));
    if (counts && top >= 1e8) {
        a.scale = 1e8;
        a.prefix = "億";
    } else if (counts && top >= 1e4) {
        a.scale = 1e4;
        a.prefix = "万";
    }
    return a;
}

static double y_of(const axis *a, double v)
{
    double h = CHART_H - PLOT_TOP - PLOT_BOTTOM;
    return PLOT_TOP + h * (1 - (v - a->lo) / (a->hi - a->lo));
}

static double x_of(int fy, int first, int last)
{
    double w = CHART_W - PLOT_LEFT - PLOT_RIGHT;
    return last > first ? PLOT_LEFT + w * (fy - first) / (last - first) : PLOT_LEFT + w / 2;
}

/* ---- one KPI's chart --------------------------------------------------------- */

/* The figures a line of the chart draws: by fiscal year, the value drawn (a
 * running total for a (累計) target of yearly figures), NAN for a no-figure
 * mark (shown as its text), absent for a year the table leaves blank. */
typedef struct {
    int fy;
    double value;
    const kp_quantity *q;
} point;

static GArray *row_points(const kp_row *r)
{
    GArray *pts = g_array_new(FALSE, FALSE, sizeof(point));
    bool add_up = r->target && r->target->cumulative && !row_actuals_are_totals(r);
    double total = 0;
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *a = g_ptr_array_index(r->actuals, i);
        point p = {a->fy, NAN, a->quantity};
        if (a->quantity->has_value) {
            total += decimal_to_double(a->quantity->value);
            p.value = add_up ? total : decimal_to_double(a->quantity->value);
        }
        g_array_append_val(pts, p);
    }
    return pts;
}

static const point *point_at(const GArray *pts, int fy)
{
    for (guint i = 0; pts && i < pts->len; i++)
        if (g_array_index(pts, point, i).fy == fy)
            return &g_array_index(pts, point, i);
    return NULL;
}

static void year_label(GString *out, const kp_document *doc, int fy)
{
    GString *y = g_string_new(NULL);
    document_year_name(y, doc, fy);
    /* "R2年度" → "R2" on the axis: room is short, the caption says 年度 */
    if (g_str_has_suffix(y->str, "年度"))
        g_string_truncate(y, y->len - strlen("年度"));
    escaped(out, y->str);
    g_string_free(y, TRUE);
}

static void tick_text(GString *out, const axis *a, double v)
{
    double shown = v / a->scale;
    if (fabs(shown - round(shown)) < 1e-9)
        g_string_append_printf(out, "%.0f", shown);
    else
        g_string_append_printf(out, "%g", shown);
}

/* A horizontal reference line (baseline, target) with its label. */
static void reference_line(GString *out, const axis *a, const char *cls, const char *label,
                           const kp_quantity *q, const kp_document *doc)
{
    if (!q || !q->has_value)
        return;
    char *value = decimal_to_string(q->value);
    double y = y_of(a, decimal_to_double(q->value));
    g_string_append_printf(out,
                           "<line class=\"%s\" data-value=\"%s\" x1=\"%.1f\" x2=\"%.1f\" "
                           "y1=\"%.1f\" y2=\"%.1f\"/>",
                           cls, value, PLOT_LEFT, CHART_W - PLOT_RIGHT, y, y);
    g_string_append_printf(out, "<text class=\"ref-label\" x=\"%.1f\" y=\"%.1f\">%s ",
                           CHART_W - PLOT_RIGHT - 2, y - 3, label);
    escaped(out, q->text);
    if (q->fy) {
        g_string_append(out, " (");
        year_label(out, doc, q->fy);
        g_string_append_c(out, ')');
    }
    g_string_append(out, "</text>");
    g_free(value);
}

/* The chart of row R of the newest edition; OLDER[e] is the same KPI's row
 * in an older edition (NULL where it has none). */
static void chart(GString *out, const kp_document *doc, int goal, const kp_row *r,
                  const kp_row *const *older, const kp_document *const *docs, size_t n_older)
{
    GArray *pts = row_points(r);
    GArray **old_pts = g_new0(GArray *, n_older + 1);
    int first = doc->has_period ? doc->first_fy : 0, last = doc->has_period ? doc->last_fy : 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t e = 0; e <= n_older; e++) {
        GArray *p = e < n_older ? (older[e] ? (old_pts[e] = row_points(older[e])) : NULL) : pts;
        for (guint i = 0; p && i < p->len; i++) {
            const point *pt = &g_array_index(p, point, i);
            first = first ? MIN(first, pt->fy) : pt->fy;
            last = MAX(last, pt->fy);
            if (!isnan(pt->value)) {
                lo = fmin(lo, pt->value);
                hi = fmax(hi, pt->value);
            }
        }
    }
    const kp_quantity *refs[] = {r->baseline, r->target};
    for (size_t i = 0; i < G_N_ELEMENTS(refs); i++)
        if (refs[i] && refs[i]->has_value) {
            lo = fmin(lo, decimal_to_double(refs[i]->value));
            hi = fmax(hi, decimal_to_double(refs[i]->value));
        }
    if (r->target && r->target->fy)
        last = MAX(last, r->target->fy);
    if (!isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    const char *unit = r->target && r->target->has_value ? r->target->unit : NULL;
    axis a = axis_for(lo, hi, unit);
    int id_goal = goal, id_row = r->number;
    g_string_append_printf(out,
                           "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                           "aria-labelledby=\"t%d-%d d%d-%d\"><title id=\"t%d-%d\">",
                           CHART_W, CHART_H, id_goal, id_row, id_goal, id_row, id_goal, id_row);
    escaped(out, r->kpi_name);
    g_string_append_printf(out, "の推移</title><desc id=\"d%d-%d\">", id_goal, id_row);
    for (guint i = 0; i < pts->len; i++) {
        const point *pt = &g_array_index(pts, point, i);
        year_label(out, doc, pt->fy);
        g_string_append_c(out, ' ');
        escaped(out, pt->q->text);
        g_string_append(out, i + 1 < pts->len ? "、" : "。");
    }
    if (r->baseline) {
        g_string_append(out, "基準値 ");
        escaped(out, r->baseline->text);
        g_string_append(out, "。");
    }
    if (r->target) {
        g_string_append(out, "目標値 ");
        escaped(out, r->target->text);
        g_string_append(out, "。");
    }
    g_string_append(out, "</desc>");
    /* axes, ticks and the unit */
    g_string_append_printf(out, "<g class=\"axis\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
                                "y2=\"%.1f\"/>",
                           PLOT_LEFT, PLOT_LEFT, PLOT_TOP, CHART_H - PLOT_BOTTOM);
    for (double v = a.lo; v <= a.hi + a.step / 2; v += a.step) {
        double y = y_of(&a, v);
        g_string_append_printf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
                                    "y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\">",
                               PLOT_LEFT, CHART_W - PLOT_RIGHT, y, y, PLOT_LEFT - 4, y + 3);
        tick_text(out, &a, v);
        g_string_append(out, "</text>");
    }
    if (a.broken) /* the axis does not start at zero: say so */
        g_string_append_printf(out, "<path class=\"break\" d=\"M%.1f %.1f l-4 3 l8 3 l-4 3\"/>",
                               PLOT_LEFT, CHART_H - PLOT_BOTTOM - 12);
    g_string_append_printf(out, "<text class=\"unit\" x=\"4\" y=\"%.1f\">", PLOT_TOP - 3);
    if (unit) {
        g_string_append(out, a.prefix);
        escaped(out, unit);
    }
    g_string_append(out, "</text>");
    for (int fy = first; fy <= last && last - first < 40; fy++) {
        g_string_append_printf(out, "<text class=\"year%s\" x=\"%.1f\" y=\"%.1f\">",
                               r->target && r->target->fy == fy ? " target-year" : "",
                               x_of(fy, first, last), CHART_H - PLOT_BOTTOM + 14);
        year_label(out, doc, fy);
        g_string_append(out, "</text>");
    }
    g_string_append(out, "</g>");
    reference_line(out, &a, "baseline", "基準値", r->baseline, doc);
    reference_line(out, &a, "target", "目標値", r->target, doc);
    if (r->target && r->target->fy)
        g_string_append_printf(out, "<line class=\"target-year\" x1=\"%.1f\" x2=\"%.1f\" "
                                    "y1=\"%.1f\" y2=\"%.1f\"/>",
                               x_of(r->target->fy, first, last), x_of(r->target->fy, first, last),
                               PLOT_TOP, CHART_H - PLOT_BOTTOM);
    /* one line per edition, the newest last (on top); a gap where a year is
     * blank, the text of a no-figure mark at its year */
    for (size_t e = 0; e <= n_older; e++) {
        GArray *p = e < n_older ? old_pts[e] : pts;
        if (!p)
            continue;
        const char *edition = e < n_older ? "older" : "newest";
        g_string_append_printf(out, "<g class=\"edition %s\" data-document=\"", edition);
        escaped(out, docs[e]->source.name);
        g_string_append(out, "\">");
        GString *path = g_string_new(NULL);
        int prev_fy = 0;
        for (guint i = 0; i < p->len; i++) {
            const point *pt = &g_array_index(p, point, i);
            if (isnan(pt->value)) {
                prev_fy = 0;
                continue;
            }
            g_string_append_printf(path, "%s%.1f %.1f ", prev_fy && pt->fy == prev_fy + 1 ? "L" : "M",
                                   x_of(pt->fy, first, last), y_of(&a, pt->value));
            prev_fy = pt->fy;
        }
        if (path->len)
            g_string_append_printf(out, "<path class=\"line\" d=\"%s\"/>", g_strchomp(path->str));
        g_string_free(path, TRUE);
        for (guint i = 0; i < p->len; i++) {
            const point *pt = &g_array_index(p, point, i);
            double x = x_of(pt->fy, first, last);
            if (isnan(pt->value)) {
                g_string_append_printf(out, "<text class=\"no-figure\" x=\"%.1f\" y=\"%.1f\">", x,
                                       CHART_H - PLOT_BOTTOM - 4);
                escaped(out, pt->q->text);
                g_string_append(out, "</text>");
                continue;
            }
            const point *before = NULL;
            for (size_t o = 0; e == n_older && o < n_older && !before; o++)
                if (old_pts[n_older - 1 - o])
                    before = point_at(old_pts[n_older - 1 - o], pt->fy);
            bool revised = before && !isnan(before->value) && before->value != pt->value;
            char *value = decimal_to_string(pt->q->value);
            g_string_append_printf(out,
                                   "<circle class=\"point%s\" data-fy=\"%d\" data-value=\"%s\" "
                                   "cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"/>",
                                   revised ? " revised" : "", pt->fy, value, x,
                                   y_of(&a, pt->value), revised ? "4.5" : "3");
            g_free(value);
        }
        g_string_append(out, "</g>");
    }
    g_string_append(out, "</svg>");
    /* the numbers, for screen readers and for copying */
    g_string_append(out, "<table class=\"numbers\"><thead><tr><th scope=\"col\">年度</th>"
                         "<th scope=\"col\">実績値</th></tr></thead><tbody>");
    for (guint i = 0; i < pts->len; i++) {
        const point *pt = &g_array_index(pts, point, i);
        g_string_append(out, "<tr><td>");
        year_label(out, doc, pt->fy);
        g_string_append(out, "</td><td>");
        escaped(out, pt->q->text);
        g_string_append(out, "</td></tr>");
    }
    g_string_append(out, "</tbody></table>");
    for (size_t e = 0; e < n_older; e++)
        if (old_pts[e])
            g_array_free(old_pts[e], TRUE);
    g_free(old_pts);
    g_array_free(pts, TRUE);
}

/* ---- cards, goals, the page ------------------------------------------------- */

/* The revisions of row R against the same KPI's row in the edition before. */
static void revisions(GString *out, const kp_document *doc, const kp_row *r, const kp_row *before)
{
    if (!before)
        return;
    bool any = false;
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *a = g_ptr_array_index(r->actuals, i);
        for (guint k = 0; k < before->actuals->len; k++) {
            const kp_actual *b = g_ptr_array_index(before->actuals, k);
            if (b->fy != a->fy || !a->quantity->has_value || !b->quantity->has_value ||
                (decimal_compare(a->quantity->value, b->quantity->value) == 0 &&
                 g_strcmp0(a->quantity->unit, b->quantity->unit) == 0))
                continue;
            g_string_append(out, any ? "" : "<ul class=\"revisions\">");
            any = true;
            g_string_append(out, "<li class=\"revision\">改訂 ");
            year_label(out, doc, a->fy);
            g_string_append(out, ": ");
            escaped(out, b->quantity->text);
            g_string_append(out, " → ");
            escaped(out, a->quantity->text);
            g_string_append(out, "</li>");
        }
    }
    if (any)
        g_string_append(out, "</ul>");
}

static void card(GString *out, const kp_document *doc, const kp_goal *g, const kp_row *r,
                 const kp_row *const *older, const kp_document *const *docs, size_t n_older)
{
    const kp_assessment *a = r->assessment;
    const char *cls = a ? status_class[a->status] : "unassessed";
    g_string_append_printf(out, "<article class=\"kpi\" id=\"kpi-%d-%d\" data-goal=\"%d\" "
                                "data-row=\"%d\" data-status=\"%s\"><h3>",
                           g->number, r->number, g->number, r->number, cls);
    escaped(out, r->kpi_name);
    g_string_append(out, "</h3><p class=\"meta\">");
    const kp_measure *m = r->measure ? goal_measure((kp_goal *)g, r->measure, false) : NULL;
    if (m) {
        g_string_append_printf(out, "施策%d ", m->number);
        escaped(out, m->title);
    }
    for (guint i = 0; i < r->projects->len; i++) {
        g_string_append(out, i ? "、" : (m ? " / 事業: " : "事業: "));
        escaped(out, g_ptr_array_index(r->projects, i));
    }
    g_string_append(out, "</p><p class=\"status\">");
    g_string_append_printf(out, "<span class=\"badge %s\">%s</span>", cls,
                           a ? status_label[a->status] : "評価なし");
    if (a && a->has_progress) {
        double share = fmax(0, fmin(1, a->progress));
        g_string_append_printf(out,
                               "<svg class=\"progress\" data-progress=\"%g\" viewBox=\"0 0 100 8\" "
                               "aria-hidden=\"true\"><rect class=\"frame\" x=\"0\" y=\"0\" "
                               "width=\"100\" height=\"8\"/><rect class=\"bar\" x=\"0\" y=\"0\" "
                               "width=\"%.1f\" height=\"8\"/></svg><span class=\"percent\">"
                               "進捗 %.1f%%</span>",
                               a->progress, share * 100, a->progress * 100);
    }
    g_string_append(out, "</p>");
    chart(out, doc, g->number, r, older, docs, n_older);
    if (r->achievement || r->evaluations->len) {
        g_string_append(out, "<p class=\"verdicts\">");
        if (r->achievement) {
            g_string_append(out, "達成率 ");
            escaped(out, r->achievement->text);
            g_string_append(out, " ");
        }
        for (guint i = 0; i < r->evaluations->len; i++) {
            const kp_evaluation *e = g_ptr_array_index(r->evaluations, i);
            escaped(out, e->heading);
            g_string_append(out, " ");
            escaped(out, e->mark);
            if (e->meaning) {
                g_string_append(out, "(");
                escaped(out, e->meaning);
                g_string_append(out, ")");
            }
            g_string_append(out, " ");
        }
        g_string_append(out, "</p>");
    }
    revisions(out, doc, r, n_older ? older[n_older - 1] : NULL);
    bool any = false;
    for (guint i = 0; i < doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        if (d->goal != g->number || d->row != r->number)
            continue;
        g_string_append(out, any ? "" : "<ul class=\"findings\">");
        any = true;
        g_string_append_printf(out, "<li class=\"%s\">", d->severity == KP_SEV_ERROR ? "error"
                                                         : d->severity == KP_SEV_WARNING
                                                             ? "warning"
                                                             : "info");
        escaped(out, d->message);
        g_string_append(out, "</li>");
    }
    if (any)
        g_string_append(out, "</ul>");
    g_string_append(out, "</article>");
}

/* The statuses of goal G's assessed rows: counts[status]. */
static void goal_counts(const kp_goal *g, int counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    for (guint i = 0; i < g->rows->len; i++) {
        const kp_row *r = g_ptr_array_index(g->rows, i);
        if (r->target && r->assessment)
            counts[r->assessment->status]++;
    }
}

static void summary(GString *out, const kp_document *doc)
{
    g_string_append(out, "<section class=\"summary\"><h2>基本目標ごとの状況</h2><table>"
                         "<thead><tr><th scope=\"col\">基本目標</th><th scope=\"col\">状況</th>");
    for (int s = 0; s < 4; s++)
        g_string_append_printf(out, "<th scope=\"col\">%s</th>", status_label[s]);
    g_string_append(out, "</tr></thead><tbody>");
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(doc->goals, gi);
        int c[4];
        goal_counts(g, c);
        int total = c[0] + c[1] + c[2] + c[3];
        g_string_append_printf(out, "<tr data-goal=\"%d\"><td><a href=\"#goal-%d\">基本目標%d</a> ",
                               g->number, g->number, g->number);
        escaped(out, g->title);
        g_string_append(out, "</td><td><svg class=\"stack\" viewBox=\"0 0 100 10\" role=\"img\" "
                             "aria-label=\"");
        for (int s = 0; s < 4; s++)
            g_string_append_printf(out, "%s%s %d", s ? "、" : "", status_label[s], c[s]);
        g_string_append(out, "\">");
        double x = 0;
        for (int s = 0; s < 4 && total; s++) {
            double w = 100.0 * c[s] / total;
            if (w > 0)
                g_string_append_printf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"0\" width=\"%.1f\" "
                                            "height=\"10\"/>",
                                       status_class[s], x, w);
            x += w;
        }
        g_string_append(out, "</svg></td>");
        for (int s = 0; s < 4; s++)
            g_string_append_printf(out, "<td class=\"count %s\">%d</td>", status_class[s], c[s]);
        g_string_append(out, "</tr>");
    }
    g_string_append(out, "</tbody></table></section>");
}

static const char style[] =
    "body{font-family:'Noto Sans CJK JP','IPAexGothic',sans-serif;margin:0 auto;max-width:1100px;"
    "padding:16px;color:#222;line-height:1.5}"
    "h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;border-bottom:2px solid #333;"
    "padding-bottom:2px}h3{font-size:1em;margin:0 0 4px}"
    ".lead{margin:0 0 16px;color:#444}"
    ".summary table{border-collapse:collapse;width:100%}"
    ".summary td,.summary th{border-bottom:1px solid #ccc;padding:4px 6px;text-align:left}"
    ".summary td.count{text-align:right;width:4.5em}.stack{width:160px;height:12px}"
    ".goal{break-before:page}.cards{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(320px,1fr));gap:12px}"
    ".kpi{border:1px solid #bbb;border-radius:6px;padding:10px;break-inside:avoid}"
    ".meta{font-size:.85em;color:#555;margin:0 0 6px}"
    ".badge{display:inline-block;padding:0 8px;border-radius:10px;font-weight:bold;"
    "border:2px solid #000;margin-right:8px}"
    ".badge.achieved{background:#1b7837;color:#fff}.badge.on-track{background:#a6dba0}"
    ".badge.behind{background:#fff;border-style:dashed}.badge.no-data{background:#ddd;"
    "border-style:dotted}.badge.unassessed{background:#fff;border-color:#999}"
    "rect.achieved{fill:#1b7837}rect.on-track{fill:#a6dba0}rect.behind{fill:#762a83}"
    "rect.no-data{fill:#ccc}"
    ".progress{display:inline-block;width:120px;height:10px;vertical-align:middle;"
    "margin-right:6px}.progress .frame{fill:#fff;stroke:#333;stroke-width:1}"
    ".progress .bar{fill:#333}.percent{font-size:.85em}"
    ".chart{width:100%;height:auto;font-size:10px}.chart .grid{stroke:#e5e5e5}"
    ".chart .axis line{stroke:#333}.chart .tick{text-anchor:end;fill:#444}"
    ".chart .year{text-anchor:middle;fill:#444}.chart .target-year{font-weight:bold}"
    "line.target-year{stroke:#999;stroke-dasharray:2 2}"
    ".chart .baseline{stroke:#666;stroke-dasharray:6 3}.chart .target{stroke:#000;"
    "stroke-width:1.5}.chart .ref-label{text-anchor:end;fill:#333}"
    ".chart .line{fill:none;stroke:#000;stroke-width:2}.chart .older .line{stroke:#999;"
    "stroke-dasharray:4 2}.chart .point{fill:#000}.chart .older .point{fill:#999}"
    ".chart .revised{fill:#fff;stroke:#000;stroke-width:2}.chart .break{fill:none;stroke:#333}"
    ".chart .no-figure{text-anchor:middle;fill:#555}"
    ".numbers{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    ".verdicts,.revisions,.findings{font-size:.85em;margin:4px 0}"
    ".findings li.error{font-weight:bold}"
    "@page{size:A4;margin:12mm}@media print{body{max-width:none;padding:0}"
    ".cards{grid-template-columns:1fr 1fr}}";

char *documents_to_html(const kp_document *const *docs, size_t n)
{
    const kp_document *doc = docs[n - 1];
    GString *out = g_string_new("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                                "<meta name=\"viewport\" content=\"width=device-width, "
                                "initial-scale=1\"><title>");
    escaped(out, doc->title ? doc->title : doc->source.name);
    g_string_append_printf(out, " KPI の進捗</title><style>%s</style></head><body><header><h1>",
                           style);
    escaped(out, doc->title ? doc->title : doc->source.name);
    g_string_append(out, "</h1><p class=\"lead\">");
    if (doc->municipality) {
        escaped(out, doc->municipality);
        g_string_append(out, " ");
    }
    if (doc->has_period) {
        g_string_append(out, "計画期間 ");
        document_year_name(out, doc, doc->first_fy);
        g_string_append(out, "〜");
        document_year_name(out, doc, doc->last_fy);
        g_string_append(out, " ");
    }
    g_string_append(out, "資料: ");
    for (size_t e = 0; e < n; e++) {
        g_string_append(out, e ? "、" : "");
        escaped(out, docs[e]->source.name);
    }
    g_string_append(out, "</p></header>");
    summary(out, doc);
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(doc->goals, gi);
        g_string_append_printf(out, "<section class=\"goal\" id=\"goal-%d\"><h2>基本目標%d ",
                               g->number, g->number);
        escaped(out, g->title);
        g_string_append(out, "</h2><div class=\"cards\">");
        /* each older edition's row of the same KPI, matched as diff matches */
        int **match = g_new0(int *, n);
        for (size_t e = 0; e + 1 < n; e++) {
            const kp_goal *og = document_goal((kp_document *)docs[e], g->number, false);
            if (og)
                match[e] = diff_row_origins(og->rows, g->rows);
        }
        const kp_row **older = g_new0(const kp_row *, n);
        for (guint ri = 0; ri < g->rows->len; ri++) {
            const kp_row *r = g_ptr_array_index(g->rows, ri);
            if (!r->target)
                continue;
            for (size_t e = 0; e + 1 < n; e++) {
                const kp_goal *og = document_goal((kp_document *)docs[e], g->number, false);
                older[e] = match[e] && match[e][ri] >= 0
                               ? g_ptr_array_index(og->rows, match[e][ri])
                               : NULL;
            }
            card(out, doc, g, r, older, docs, n - 1);
        }
        for (size_t e = 0; e < n; e++)
            g_free(match[e]);
        g_free(match);
        g_free(older);
        g_string_append(out, "</div></section>");
    }
    g_string_append(out, "</body></html>\n");
    return g_string_free(out, FALSE);
}
