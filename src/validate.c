/* kpipe — the checks and the assessment (see include/kpipe/validate.h). */
#include "kpipe/validate.h"
#include "kpipe/spool.h"

#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpipe/celltext.h"

static const kp_check_info checks[] = {
    {"malformed-figure", KP_SEV_ERROR, "A figure cell is neither a figure nor a no-figure mark."},
    {"unit-mismatch", KP_SEV_ERROR, "Figures of one KPI are in different base units."},
    {"unknown-unit", KP_SEV_WARNING, "A counter that rules/unit.rules does not list."},
    {"year-columns", KP_SEV_ERROR,
     "Fiscal-year columns are not consecutive, or do not match the plan period."},
    {"summary-mismatch", KP_SEV_WARNING,
     "The summary list and the detail table disagree on a goal, measure or KPI."},
    {"numbering", KP_SEV_ERROR, "Goal, measure or row numbers are missing, repeated or out of order."},
    {"cumulative-decrease", KP_SEV_WARNING, "The running total of a (累計) KPI goes down."},
    {"percent-range", KP_SEV_WARNING, "A % figure lies outside 0–100."},
    {"outlier", KP_SEV_WARNING,
     "A figure is ten times larger or smaller than its neighbours in the row."},
    {"relisted-unknown", KP_SEV_WARNING, "A (再掲) project appears nowhere else."},
    {"missing-target", KP_SEV_INFO, "A KPI has no target figure."},
    {"missing-baseline", KP_SEV_INFO, "A KPI has no baseline figure."},
    {"verdict-mismatch", KP_SEV_WARNING,
     "A printed verdict says the target was met, or not, and the figures say otherwise."},
    {"unknown-column", KP_SEV_WARNING,
     "A table column whose heading no rule of rules/structure.rules names; its cells are not read."},
    {"unknown-year", KP_SEV_ERROR, "A column of actuals names no fiscal year, nor do the title lines."},
    {"unreadable-table", KP_SEV_ERROR,
     "Most figure cells of a table are not figures: its columns were not understood."},
    {"no-goal", KP_SEV_INFO, "A KPI table names no 基本目標; its rows are given as goal 1."},
    {"no-title", KP_SEV_WARNING, "No title line naming the 戦略 or 計画 above the tables."},
    {"no-municipality", KP_SEV_INFO, "No municipality named in the title lines."},
    {"ocr-uncertain", KP_SEV_WARNING,
     "A figure read by OCR with little confidence, or that is no good figure, or ten times off "
     "its neighbours in a scan: check it against the page."},
    {"ocr", KP_SEV_INFO, "Pages were read by OCR (no usable text layer)."},
};

const kp_check_info *validate_checks(size_t *count)
{
    *count = G_N_ELEMENTS(checks);
    return checks;
}

static kp_severity severity_of(const char *code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(checks); i++)
        if (strcmp(checks[i].code, code) == 0)
            return checks[i].severity;
    return KP_SEV_ERROR;
}

#define DIAG(doc, code, goal, row, field, where, ...)                                            \
    document_diagnose((doc), severity_of(code), (code), (goal), (row), (field), (where)->page,   \
                      (where)->line, __VA_ARGS__)

/* A finding whose message begins with its place: the figure (DIAG_AT, "%s"
 * then the rest) or the row (DIAG_ROW), named in the message language. */
#define DIAG_PLACED(doc, code, goal, row, field, named, where, fmt, ...)                         \
    do {                                                                                         \
        char *place_ = document_place((doc), (goal), (row), (named));                            \
        DIAG(doc, code, goal, row, field, where, fmt, place_, __VA_ARGS__);                      \
        g_free(place_);                                                                          \
    } while (0)
#define DIAG_AT(doc, code, goal, row, field, where, fmt, ...)                                    \
    DIAG_PLACED(doc, code, goal, row, field, field, where, fmt, __VA_ARGS__)
#define DIAG_ROW(doc, code, goal, row, field, where, fmt, ...)                                   \
    DIAG_PLACED(doc, code, goal, row, field, NULL, where, fmt, __VA_ARGS__)

/* Has DOC a finding CODE at GOAL, ROW, FIELD already? */
static bool has_diagnostic(const kp_document *doc, const char *code, int goal, int row,
                           const char *field)
{
    for (guint i = 0; i < doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        if (!strcmp(d->code, code) && d->goal == goal && d->row == row &&
            !g_strcmp0(d->field, field))
            return true;
    }
    return false;
}

/* The checks of one figure that, in a scan, a misread fails more often than
 * the page itself does (a lost 千, % read as 96, a lost unit). */
static const char *const figure_checks[] = {"outlier", "percent-range", "unit-mismatch",
                                            "cumulative-decrease", "verdict-mismatch"};

/* A document read by OCR: each figure a check of figure_checks found fault
 * with is uncertain too, so that what OCR may have misread is flagged as
 * such, whatever its confidence. */
static void doubt_read_figures(kp_document *doc)
{
    guint found = doc->diagnostics->len;
    for (guint i = 0; i < found; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        bool figure_check = false;
        for (size_t c = 0; c < G_N_ELEMENTS(figure_checks); c++)
            figure_check |= !strcmp(d->code, figure_checks[c]);
        if (!figure_check || !d->field || !d->row ||
            has_diagnostic(doc, "ocr-uncertain", d->goal, d->row, d->field))
            continue;
        char *at = document_place(doc, d->goal, d->row, d->field);
        char *code = g_strdup(d->code); /* (the array may move as it grows) */
        document_diagnose(doc, KP_SEV_WARNING, "ocr-uncertain", d->goal, d->row, d->field,
                          d->page, d->line,
                          _("%s was read by OCR and fails the %s check: a misread is likelier "
                            "than the page's own slip; check it against the page."),
                          at, code);
        g_free(code);
        g_free(at);
    }
}

/* ---- figures of a row ----------------------------------------------------- */

typedef struct {
    const char *field;      /* "baseline", "actuals.2021", "target" */
    const kp_quantity *q;
} figure_ref;

/* The row's figures in reading order: baseline, actuals by year, target. */
static GArray *row_figures(const kp_row *r)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(figure_ref));
    figure_ref f;
    if (r->baseline) {
        f = (figure_ref){g_strdup("baseline"), r->baseline};
        g_array_append_val(a, f);
    }
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *x = g_ptr_array_index(r->actuals, i);
        f = (figure_ref){g_strdup_printf("actuals.%d", x->fy), x->quantity};
        g_array_append_val(a, f);
    }
    if (r->target) {
        f = (figure_ref){g_strdup("target"), r->target};
        g_array_append_val(a, f);
    }
    return a;
}

static void figures_free(GArray *a)
{
    for (guint i = 0; i < a->len; i++)
        g_free((char *)g_array_index(a, figure_ref, i).field);
    g_array_free(a, TRUE);
}

static bool numeric(const kp_quantity *q)
{
    return q && q->has_value;
}

static double value_of(const kp_quantity *q)
{
    return decimal_to_double(q->value);
}

/* ---- checks --------------------------------------------------------------- */

/* The rows of one KPI (a row and those under its merged KPI cell) share
 * its unit: the first figure with a unit sets it, and every other must
 * have the same. Rows come one at a time (goal_rows_each). */
typedef struct {
    kp_document *doc;
    const kp_goal *g;
    int ref_row;             /* 0 until a figure of the KPI had a unit */
    char *ref_field, *ref_text, *ref_unit;
} kpi_units;

static void kpi_units_reset(kpi_units *u)
{
    u->ref_row = 0;
    g_clear_pointer(&u->ref_field, g_free);
    g_clear_pointer(&u->ref_text, g_free);
    g_clear_pointer(&u->ref_unit, g_free);
}

static void check_row_units(kp_row *r, void *ctx)
{
    kpi_units *u = ctx;
    if (!r->kpi_inherited) /* rows under a merged KPI cell belong to the KPI above them */
        kpi_units_reset(u);
    GArray *figs = row_figures(r);
    for (guint k = 0; k < figs->len; k++) {
        const figure_ref *f = &g_array_index(figs, figure_ref, k);
        if (!numeric(f->q) || !f->q->unit)
            continue;
        if (!u->ref_unit) {
            u->ref_row = r->number;
            u->ref_field = g_strdup(f->field);
            u->ref_text = g_strdup(f->q->text);
            u->ref_unit = g_strdup(f->q->unit);
        } else if (strcmp(f->q->unit, u->ref_unit) != 0) {
            char *at = document_place(u->doc, u->g->number, r->number, f->field);
            char *ref = document_place(u->doc, 0, 0, u->ref_field);
            DIAG(u->doc, "unit-mismatch", u->g->number, r->number, f->field, &r->where,
                 _("%s「%s」is in %s, but the KPI's%s「%s」(row %d) is in %s; give the "
                   "KPI's figures one unit."),
                 at, f->q->text, f->q->unit, ref, u->ref_text, u->ref_row, u->ref_unit);
            g_free(at);
            g_free(ref);
        }
    }
    figures_free(figs);
}

static void check_units(kp_document *doc, kp_goal *g)
{
    kpi_units u = {doc, g, 0, NULL, NULL, NULL};
    goal_rows_each(g, false, check_row_units, &u);
    kpi_units_reset(&u);
}

static void check_row_figures(kp_document *doc, kp_goal *g, kp_row *r)
{
    GArray *figs = row_figures(r);
    /* % outside 0–100 */
    for (guint k = 0; k < figs->len; k++) {
        const figure_ref *f = &g_array_index(figs, figure_ref, k);
        if (numeric(f->q) && f->q->unit && strcmp(f->q->unit, "%") == 0) {
            double v = value_of(f->q);
            if (v < 0 || v > 100)
                DIAG_AT(doc, "percent-range", g->number, r->number, f->field, &r->where,
                        _("%s「%s」is a percentage outside 0–100; check the figure and its unit."),
                        f->q->text);
        }
    }
    /* a figure ten times its neighbours: the mark of a unit slip or a typo */
    GArray *nz = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint k = 0; k < figs->len; k++) {
        const figure_ref *f = &g_array_index(figs, figure_ref, k);
        if (numeric(f->q) && value_of(f->q) != 0)
            g_array_append_val(nz, k);
    }
    if (nz->len >= 3) {
        GArray *mags = g_array_new(FALSE, FALSE, sizeof(double));
        for (guint i = 0; i < nz->len; i++) {
            double m = fabs(value_of(g_array_index(figs, figure_ref, g_array_index(nz, guint, i)).q));
            g_array_append_val(mags, m);
        }
        for (guint i = 0; i < nz->len; i++) {
            double v = g_array_index(mags, double, i);
            bool far = true;
            int neighbours = 0;
            if (i > 0) {
                double n = g_array_index(mags, double, i - 1);
                far &= v >= 10 * n || v * 10 <= n;
                neighbours++;
            }
            if (i + 1 < nz->len) {
                double n = g_array_index(mags, double, i + 1);
                far &= v >= 10 * n || v * 10 <= n;
                neighbours++;
            }
            if (neighbours == 1) { /* at an end: the rest of the row must agree */
                for (guint j = 0; j < nz->len; j++) {
                    double n = g_array_index(mags, double, j);
                    if (j != i)
                        far &= v >= 10 * n || v * 10 <= n;
                }
            }
            if (far) {
                const figure_ref *f = &g_array_index(figs, figure_ref, g_array_index(nz, guint, i));
                DIAG_AT(doc, "outlier", g->number, r->number, f->field, &r->where,
                        _("%s「%s」is ten times larger or smaller than its neighbours in the row; "
                          "check for a unit slip (人 for 万人) or a typo."),
                        f->q->text);

            }
        }
        g_array_free(mags, TRUE);
    }
    g_array_free(nz, TRUE);

    /* the running total of a (累計) KPI going down */
    bool printed_totals = row_actuals_are_totals(r);
    if (printed_totals || (r->target && r->target->cumulative)) {
        kp_decimal total = {0, 0}, last = {0, 0};
        bool have_last = false;
        for (guint i = 0; i < r->actuals->len; i++) {
            const kp_actual *a = g_ptr_array_index(r->actuals, i);
            if (!numeric(a->quantity))
                continue;
            kp_decimal now = a->quantity->value;
            if (!printed_totals) { /* yearly figures: the total is their sum */
                if (!decimal_add(&total, now))
                    break;
                now = total;
            }
            if (have_last && decimal_compare(now, last) < 0) {
                char field[32];
                snprintf(field, sizeof field, "actuals.%d", a->fy);
                DIAG_AT(doc, "cumulative-decrease", g->number, r->number, field, &r->where,
                        _("%s「%s」makes the running total of a (累計) KPI go down; a running "
                          "total can only grow."),
                        a->quantity->text);
            }
            last = now;
            have_last = true;
        }
    }
    figures_free(figs);

    if (r->kpi_name && !r->kpi_inherited) {
        if (!numeric(r->target))
            DIAG_ROW(doc, "missing-target", g->number, r->number, "target", &r->where,
                     _("%s (%s) has no target figure."), r->kpi_name);
        if (!numeric(r->baseline))
            DIAG_ROW(doc, "missing-baseline", g->number, r->number, "baseline", &r->where,
                     _("%s (%s) has no baseline figure."), r->kpi_name);
    }
}

static char *years_text(const GArray *years)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < years->len; i++)
        g_string_append_printf(s, "%s%d", i ? ", " : "", g_array_index(years, int, i));
    return g_string_free(s, FALSE);
}

static void check_years(kp_document *doc, kp_goal *g)
{
    const GArray *ys = g->fiscal_years;
    if (ys->len < 2)
        return; /* a snapshot: one column of actuals, its year in the heading */
    char *text = years_text(ys);
    bool consecutive = true;
    for (guint i = 1; i < ys->len; i++)
        consecutive &= g_array_index(ys, int, i) == g_array_index(ys, int, i - 1) + 1;
    if (!consecutive)
        DIAG(doc, "year-columns", g->number, 0, NULL, &g->where,
             _("Goal %d's table has fiscal-year columns %s; they must follow one another, one "
               "column a year."),
             g->number, text);
    else if (doc->has_period && (g_array_index(ys, int, 0) < doc->first_fy ||
                                 g_array_index(ys, int, ys->len - 1) > doc->last_fy))
        /* an edition prints the years up to its own: fewer columns than the
         * period has years is no fault, a year outside it is */
        DIAG(doc, "year-columns", g->number, 0, NULL, &g->where,
             _("Goal %d's table has fiscal-year columns %s, but the plan period is %d–%d; a "
               "column lies outside the period."),
             g->number, text, doc->first_fy, doc->last_fy);
    g_free(text);
}

/* Names compared as keys (NFKC, no spaces), each key made once: the checks
 * compare every row with every listed KPI. */
static GHashTable *key_set_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static bool key_set_has(GHashTable *set, const char *name)
{
    char *k = cell_key(name);
    bool has = g_hash_table_contains(set, k);
    g_free(k);
    return has;
}

static bool has_summary(const kp_document *doc)
{
    for (guint i = 0; i < doc->goals->len; i++)
        if (((kp_goal *)g_ptr_array_index(doc->goals, i))->in_summary)
            return true;
    return false;
}

static void add_row_kpi(kp_row *row, void *row_kpis)
{
    if (row->kpi_name)
        g_hash_table_add(row_kpis, cell_key(row->kpi_name));
}

typedef struct {
    kp_document *doc;
    const kp_goal *g;
    GHashTable *listed;      /* KPI key → the first measure listing it */
} summary_rows;

/* A row's KPI against the summary list: listed, under the same measure. */
static void check_row_listed(kp_row *row, void *ctx)
{
    const summary_rows *at = ctx;
    if (!row->kpi_name || row->kpi_inherited)
        return;
    char *key = cell_key(row->kpi_name);
    gpointer measure;
    bool found = g_hash_table_lookup_extended(at->listed, key, NULL, &measure);
    g_free(key);
    int goal = at->g->number;
    if (!found)
        DIAG(at->doc, "summary-mismatch", goal, row->number, NULL, &row->where,
             _("Goal %d row %d has the KPI「%s」, which the summary list does not give "
               "under goal %d."),
             goal, row->number, row->kpi_name, goal);
    else if (GPOINTER_TO_INT(measure) != row->measure)
        DIAG(at->doc, "summary-mismatch", goal, row->number, NULL, &row->where,
             _("Goal %d row %d gives the KPI「%s」under measure %d, the summary list "
               "under measure %d."),
             goal, row->number, row->kpi_name, row->measure, GPOINTER_TO_INT(measure));
}

static void check_summary(kp_document *doc, kp_goal *g)
{
    if (!has_summary(doc))
        return; /* a layout without a summary list */
    if (g->in_detail && !g->in_summary) {
        DIAG(doc, "summary-mismatch", g->number, 0, NULL, &g->where,
             _("Goal %d has a detail table but is not in the summary list."), g->number);
        return;
    }
    if (g->in_summary && !g->in_detail) {
        DIAG(doc, "summary-mismatch", g->number, 0, NULL, &g->summary_where,
             _("Goal %d is in the summary list but has no detail table."), g->number);
        return;
    }
    GHashTable *row_kpis = key_set_new();          /* keys of the rows' KPIs */
    GHashTable *listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    goal_rows_each(g, false, add_row_kpi, row_kpis);
    for (guint i = 0; i < g->measures->len; i++) {
        kp_measure *m = g_ptr_array_index(g->measures, i);
        if (m->summary_title && m->detail_title && !cell_same_key(m->summary_title, m->detail_title))
            DIAG(doc, "summary-mismatch", g->number, 0, NULL, &m->where,
                 _("Goal %d measure %d is titled「%s」in the summary list but「%s」in the "
                   "detail table; give both the same title."),
                 g->number, m->number, m->summary_title, m->detail_title);
        else if (!m->summary_title)
            DIAG(doc, "summary-mismatch", g->number, 0, NULL, &m->where,
                 _("Goal %d measure %d (%s) is in the detail table but not in the summary list."),
                 g->number, m->number, m->detail_title);
        for (guint k = 0; k < m->kpis->len; k++) {
            const char *kpi = g_ptr_array_index(m->kpis, k);
            char *key = cell_key(kpi);
            if (!g_hash_table_contains(row_kpis, key))
                DIAG(doc, "summary-mismatch", g->number, 0, NULL, &m->summary_where,
                     _("Goal %d measure %d lists the KPI「%s」in the summary list, but no row "
                       "of the detail table has it."),
                     g->number, m->number, kpi);
            if (!g_hash_table_contains(listed, key)) /* the first measure listing it */
                g_hash_table_insert(listed, key, GINT_TO_POINTER(m->number));
            else
                g_free(key);
        }
    }
    summary_rows at = {doc, g, listed};
    goal_rows_each(g, false, check_row_listed, &at);
    g_hash_table_destroy(row_kpis);
    g_hash_table_destroy(listed);
}

static gint by_seq(gconstpointer a, gconstpointer b)
{
    const kp_parked_row *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void check_numbering(kp_document *doc)
{
    /* goals: none missing, in order among the tables and in the summary list */
    int max = 0;
    for (guint i = 0; i < doc->goals->len; i++)
        max = MAX(max, ((kp_goal *)g_ptr_array_index(doc->goals, i))->number);
    for (int n = 1; n < max; n++)
        if (!document_goal(doc, n, false)) {
            kp_location none = {0};
            DIAG(doc, "numbering", n, 0, NULL, &none,
                 _("There is no goal %d, though there is a goal %d; number the goals 1, 2, "
                   "3…"),
                 n, max);
        }
    for (int pass = 0; pass < 2; pass++) {
        const kp_goal *prev = NULL;
        for (int seq = 1; seq <= (int)doc->goals->len; seq++)
            for (guint i = 0; i < doc->goals->len; i++) {
                kp_goal *g = g_ptr_array_index(doc->goals, i);
                if ((pass == 0 ? g->detail_seq : g->summary_seq) != seq)
                    continue;
                if (prev && prev->number > g->number)
                    DIAG(doc, "numbering", g->number, 0, NULL,
                         pass == 0 ? &g->where : &g->summary_where,
                         pass == 0 ? _("The detail tables give goal %d after goal %d; put the "
                                       "goals in order.")
                                   : _("The summary list gives goal %d after goal %d; put the "
                                       "goals in order."),
                         g->number, prev->number);
                prev = g;
            }
    }
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        kp_goal *g = g_ptr_array_index(doc->goals, gi);
        int mmax = 0;
        for (guint i = 0; i < g->measures->len; i++)
            mmax = MAX(mmax, ((kp_measure *)g_ptr_array_index(g->measures, i))->number);
        for (int n = 1; n < mmax; n++)
            if (!goal_measure(g, n, false))
                DIAG(doc, "numbering", g->number, 0, NULL, &g->where,
                     _("Goal %d has no measure %d, though it has a measure %d."), g->number, n,
                     mmax);
        /* rows in the order they were read: 1, 2, 3…, measures never going back */
        GArray *rows = goal_row_keys(g);
        g_array_sort(rows, by_seq);
        int last_measure = 0;
        for (guint i = 0; i < rows->len; i++) {
            const kp_parked_row *r = &g_array_index(rows, kp_parked_row, i);
            const kp_location where = {.page = r->page, .line = r->line};
            int expected = (int)i + 1;
            if (r->number != expected) {
                const kp_parked_row *prev = i ? r - 1 : NULL;
                if (prev && prev->number == r->number)
                    DIAG(doc, "numbering", g->number, r->number, NULL, &where,
                         _("Goal %d has row %d twice; each row needs its own number."),
                         g->number, r->number);
                else
                    DIAG(doc, "numbering", g->number, r->number, NULL, &where,
                         _("Goal %d's row %d stands where row %d was expected; number the "
                           "rows 1, 2, 3… in order."),
                         g->number, r->number, expected);
            }
            if (r->measure == 0 && g->measures_printed)
                DIAG(doc, "numbering", g->number, r->number, NULL, &where,
                     _("Goal %d row %d has no measure number (①, ②…)."), g->number, r->number);
            else if (r->measure < last_measure)
                DIAG(doc, "numbering", g->number, r->number, NULL, &where,
                     _("Goal %d row %d is under measure %d after rows under measure %d; put "
                       "the measures in order."),
                     g->number, r->number, r->measure, last_measure);
            last_measure = MAX(last_measure, r->measure);
        }
        g_array_free(rows, TRUE);
    }
}

typedef struct {
    kp_document *doc;
    const kp_goal *g;
    GHashTable *projects;    /* keys of the projects of rows that are not relistings */
} relisted_rows;

static void add_listed_projects(kp_row *r, void *ctx)
{
    const relisted_rows *at = ctx;
    for (guint p = 0; !r->relisted && p < r->projects->len; p++)
        g_hash_table_add(at->projects, cell_key(g_ptr_array_index(r->projects, p)));
}

static void check_row_relisted(kp_row *r, void *ctx)
{
    const relisted_rows *at = ctx;
    for (guint p = 0; r->relisted && p < r->projects->len; p++) {
        const char *project = g_ptr_array_index(r->projects, p);
        if (!key_set_has(at->projects, project))
            DIAG_ROW(at->doc, "relisted-unknown", at->g->number, r->number, NULL, &r->where,
                     _("%s relists (再掲) the project「%s」, which appears nowhere else "
                       "in the document."),
                     project);
    }
}

static void check_relisted(kp_document *doc)
{
    relisted_rows at = {doc, NULL, key_set_new()};
    for (int pass = 0; pass < 2; pass++)
        for (guint gi = 0; gi < doc->goals->len; gi++) {
            at.g = g_ptr_array_index(doc->goals, gi);
            goal_rows_each((kp_goal *)at.g, false, pass ? check_row_relisted : add_listed_projects,
                           &at);
        }
    g_hash_table_destroy(at.projects);
}

/* ---- assessment ----------------------------------------------------------- */

/* Decimal places of an assessment's progress (0.875, 0.3333). */
#define PROGRESS_PLACES 4

void assess_row(const kp_document *doc, kp_row *row)
{
    g_free(row->assessment);
    row->assessment = NULL;
    const kp_quantity *t = row->target;
    if (!numeric(t))
        return;
    kp_assessment *a = g_new0(kp_assessment, 1);
    row->assessment = a;
    const kp_quantity *b = numeric(row->baseline) ? row->baseline : NULL;

    if (t->qualifier && (strcmp(t->qualifier, "at-most") == 0 || strcmp(t->qualifier, "below") == 0))
        a->direction = KP_DIR_DECREASE;
    else if (b && decimal_compare(t->value, b->value) < 0)
        a->direction = KP_DIR_DECREASE;
    else if (b && decimal_compare(t->value, b->value) == 0)
        a->direction = KP_DIR_MAINTAIN;
    else
        a->direction = KP_DIR_INCREASE;

    bool add_up = t->cumulative && !row_actuals_are_totals(row);
    kp_decimal total = {0, 0};
    for (guint i = 0; i < row->actuals->len; i++) {
        const kp_actual *x = g_ptr_array_index(row->actuals, i);
        if (!numeric(x->quantity))
            continue;
        if (add_up) {
            if (!decimal_add(&total, x->quantity->value))
                continue;
            a->latest = total;
        } else {
            a->latest = x->quantity->value;
        }
        a->has_latest = true;
        a->latest_fy = x->fy;
    }
    if (!a->has_latest) {
        a->status = KP_ST_NO_DATA;
        return;
    }
    /* progress in decimal, to PROGRESS_PLACES: a share is read by people
     * and compared by programs, and binary noise helps neither */
    kp_decimal num = a->latest, den = t->value, share;
    if (b) {
        kp_decimal minus_base = {-b->value.coef, b->value.exp};
        if (!decimal_add(&num, minus_base) || !decimal_add(&den, minus_base))
            den.coef = 0;
    }
    if (decimal_ratio(num, den, PROGRESS_PLACES, &share)) {
        a->has_progress = true;
        a->progress = decimal_to_double(share);
    }
    int cmp = decimal_compare(a->latest, t->value);
    bool achieved = a->direction == KP_DIR_DECREASE ? cmp <= 0 : cmp >= 0;
    if (achieved) {
        a->status = KP_ST_ACHIEVED;
        return;
    }
    int first = doc->has_period ? doc->first_fy
                : doc->fiscal_years->len ? g_array_index(doc->fiscal_years, int, 0)
                                         : a->latest_fy;
    int last = doc->has_period ? doc->last_fy
               : doc->fiscal_years->len
                   ? g_array_index(doc->fiscal_years, int, doc->fiscal_years->len - 1)
                   : a->latest_fy;
    double elapsed = (double)(a->latest_fy - first + 1) / (double)(last - first + 1);
    a->status = a->has_progress && a->progress >= elapsed ? KP_ST_ON_TRACK : KP_ST_BEHIND;
}

/* A published verdict whose legend says the target was met (目標値以上) while
 * the figures say it was not, or the other way round. */
static void check_verdicts(kp_document *doc, kp_goal *g, kp_row *r)
{
    const kp_assessment *a = r->assessment;
    if (!a || !a->has_latest)
        return;
    bool met = a->status == KP_ST_ACHIEVED;
    for (guint i = 0; i < r->evaluations->len; i++) {
        const kp_evaluation *e = g_ptr_array_index(r->evaluations, i);
        if (e->claim == 0 || (e->claim > 0) == met)
            continue;
        char *latest = decimal_to_string(a->latest);
        char *target = decimal_to_string(r->target->value);
        DIAG_ROW(doc, "verdict-mismatch", g->number, r->number, NULL, &r->where,
                 met ? _("%s (%s) is marked「%s」(%s) under %s, but its latest actual %s (FY%d) "
                         "meets the target %s; check the verdict or the figures.")
                     : _("%s (%s) is marked「%s」(%s) under %s, but its latest actual %s (FY%d) "
                         "falls short of the target %s; check the verdict or the figures."),
                 r->kpi_name ? r->kpi_name : "", e->mark, e->meaning, e->heading, latest,
                 a->latest_fy, target);
        g_free(latest);
        g_free(target);
    }
}

typedef struct {
    kp_document *doc;
    kp_goal *g;
} goal_row_checks;

/* A row's own checks and its assessment (kept with the row). */
static void check_row(kp_row *r, void *ctx)
{
    const goal_row_checks *at = ctx;
    check_row_figures(at->doc, at->g, r);
    assess_row(at->doc, r);
    check_verdicts(at->doc, at->g, r);
}

void validate_document(kp_document *doc)
{
    check_numbering(doc);
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        kp_goal *g = g_ptr_array_index(doc->goals, gi);
        check_years(doc, g);
        check_summary(doc, g);
        check_units(doc, g);
        goal_row_checks at = {doc, g};
        goal_rows_each(g, true, check_row, &at);
        for (guint ri = 0; ri < g->indicators->len; ri++) {
            kp_row *r = g_ptr_array_index(g->indicators, ri);
            assess_row(doc, r);
            check_verdicts(doc, g, r);
        }
    }
    check_relisted(doc);
    if (doc->source.ocr_pages > 0)
        doubt_read_figures(doc);
}
