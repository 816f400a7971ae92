/* kpipe — the document model: decimals, constructors and destructors. */
#include "kpipe/model.h"

#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool decimal_mul_int(kp_decimal *d, int64_t factor)
{
    int64_t r;
    if (__builtin_mul_overflow(d->coef, factor, &r))
        return false;
    d->coef = r;
    return true;
}

bool decimal_mul(kp_decimal *d, kp_decimal factor)
{
    kp_decimal r = *d;
    if (!decimal_mul_int(&r, factor.coef) || __builtin_add_overflow(r.exp, factor.exp, &r.exp))
        return false;
    decimal_normalize(&r);
    *d = r;
    return true;
}

static bool pow10_scale(int64_t *v, int32_t by)
{
    while (by-- > 0)
        if (__builtin_mul_overflow(*v, 10, v))
            return false;
    return true;
}

bool decimal_add(kp_decimal *acc, kp_decimal term)
{
    /* Bring both to the smaller exponent, then add. */
    kp_decimal a = *acc;
    if (a.exp > term.exp) {
        if (!pow10_scale(&a.coef, a.exp - term.exp))
            return false;
        a.exp = term.exp;
    } else if (term.exp > a.exp) {
        if (!pow10_scale(&term.coef, term.exp - a.exp))
            return false;
        term.exp = a.exp;
    }
    if (__builtin_add_overflow(a.coef, term.coef, &a.coef))
        return false;
    *acc = a;
    return true;
}

/* V × 10^BY in 128 bits; false past what a ratio of figures needs. */
static bool scale128(__int128 *v, int32_t by)
{
    if (by > 36)
        return false;
    while (by-- > 0)
        *v *= 10;
    return true;
}

bool decimal_ratio(kp_decimal num, kp_decimal den, int places, kp_decimal *out)
{
    if (den.coef == 0)
        return false;
    /* num/den = (n × 10^ne) / (d × 10^de); bring both to one exponent, then
     * n × 10^places / d in whole numbers */
    __int128 n = num.coef, d = den.coef;
    int32_t shift = num.exp - den.exp;
    if (!(shift >= 0 ? scale128(&n, shift) : scale128(&d, -shift)) || !scale128(&n, places))
        return false;
    if (d < 0) {
        n = -n;
        d = -d;
    }
    __int128 q = n / d, r = n % d;
    if (2 * (r < 0 ? -r : r) >= d) /* half away from zero */
        q += n < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN)
        return false;
    *out = (kp_decimal){(int64_t)q, -places};
    decimal_normalize(out);
    return true;
}

void decimal_normalize(kp_decimal *d)
{
    if (d->coef == 0) {
        d->exp = 0;
        return;
    }
    while (d->exp < 0 && d->coef % 10 == 0) {
        d->coef /= 10;
        d->exp++;
    }
    /* Positive exponents are folded into the coefficient where they fit, so
     * that an integer figure is an integer. */
    while (d->exp > 0) {
        int64_t r;
        if (__builtin_mul_overflow(d->coef, 10, &r))
            break;
        d->coef = r;
        d->exp--;
    }
}

bool decimal_in_range(kp_decimal d)
{
    decimal_normalize(&d);
    if (d.exp > 0)
        return false; /* did not fit in 63 bits */
    int64_t mag = d.coef < 0 ? -d.coef : d.coef;
    if (d.coef == INT64_MIN)
        return false;
    /* the integer part is mag / 10^-exp */
    for (int32_t e = d.exp; e < 0 && mag; e++)
        mag /= 10;
    return mag < KP_DECIMAL_MAX || (mag == KP_DECIMAL_MAX && d.exp == 0);
}

char *decimal_to_string(kp_decimal d)
{
    decimal_normalize(&d);
    bool neg = d.coef < 0;
    /* INT64_MIN cannot be negated; print through unsigned. */
    uint64_t mag = neg ? (uint64_t)0 - (uint64_t)d.coef : (uint64_t)d.coef;
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)mag);
    GString *s = g_string_new(neg ? "-" : "");
    if (d.exp >= 0) {
        g_string_append(s, digits);
        for (int32_t i = 0; i < d.exp; i++)
            g_string_append_c(s, '0');
    } else {
        size_t nd = strlen(digits);
        size_t frac = (size_t)-d.exp;
        if (nd <= frac) {
            g_string_append(s, "0.");
            for (size_t i = nd; i < frac; i++)
                g_string_append_c(s, '0');
            g_string_append(s, digits);
        } else {
            g_string_append_len(s, digits, (gssize)(nd - frac));
            g_string_append_c(s, '.');
            g_string_append(s, digits + nd - frac);
        }
    }
    return g_string_free(s, FALSE);
}

double decimal_to_double(kp_decimal d)
{
    /* strtod rounds correctly; the C locale is in force (main never calls
     * setlocale for numbers). */
    char *s = decimal_to_string(d);
    double v = strtod(s, NULL);
    g_free(s);
    return v;
}

int decimal_compare(kp_decimal a, kp_decimal b)
{
    kp_decimal diff = b;
    diff.coef = -diff.coef;
    if (decimal_add(&diff, a)) /* a - b */
        return (diff.coef > 0) - (diff.coef < 0);
    double x = decimal_to_double(a), y = decimal_to_double(b);
    return (x > y) - (x < y);
}

void quantity_free(kp_quantity *q)
{
    if (!q)
        return;
    g_free(q->text);
    g_free(q->unit);
    g_free(q->qualifier);
    g_free(q->note);
    g_free(q);
}

static void actual_free(gpointer p)
{
    kp_actual *a = p;
    quantity_free(a->quantity);
    g_free(a);
}

static void evaluation_free(gpointer p)
{
    kp_evaluation *e = p;
    g_free(e->heading);
    g_free(e->mark);
    g_free(e->meaning);
    g_free(e);
}

static void remark_free(gpointer p)
{
    kp_remark *r = p;
    g_free(r->heading);
    g_free(r->text);
    g_free(r);
}

void row_add_evaluation(kp_row *row, const char *heading, const char *mark)
{
    kp_evaluation *e = g_new0(kp_evaluation, 1);
    e->heading = g_strdup(heading);
    e->mark = g_strdup(mark);
    g_ptr_array_add(row->evaluations, e);
}

/* A heading given twice (a prose row under a column of the same name) adds
 * its text to the first. */
void row_add_remark(kp_row *row, const char *heading, const char *text)
{
    for (guint i = 0; i < row->remarks->len; i++) {
        kp_remark *r = g_ptr_array_index(row->remarks, i);
        if (strcmp(r->heading, heading) == 0) {
            char *joined = *r->text ? g_strconcat(r->text, " ", text, NULL) : g_strdup(text);
            g_free(r->text);
            r->text = joined;
            return;
        }
    }
    kp_remark *r = g_new0(kp_remark, 1);
    r->heading = g_strdup(heading);
    r->text = g_strdup(text);
    g_ptr_array_add(row->remarks, r);
}

kp_row *row_new(void)
{
    kp_row *r = g_new0(kp_row, 1);
    r->evaluations = g_ptr_array_new_with_free_func(evaluation_free);
    r->remarks = g_ptr_array_new_with_free_func(remark_free);
    r->projects = g_ptr_array_new_with_free_func(g_free);
    r->notes = g_ptr_array_new_with_free_func(g_free);
    r->activities = g_ptr_array_new_with_free_func(g_free);
    r->actuals = g_ptr_array_new_with_free_func(actual_free);
    return r;
}

void row_free(kp_row *r)
{
    if (!r)
        return;
    g_ptr_array_free(r->projects, TRUE);
    g_ptr_array_free(r->notes, TRUE);
    g_ptr_array_free(r->activities, TRUE);
    g_ptr_array_free(r->actuals, TRUE);
    g_free(r->kpi_name);
    quantity_free(r->baseline);
    quantity_free(r->target);
    quantity_free(r->achievement);
    g_ptr_array_free(r->evaluations, TRUE);
    g_ptr_array_free(r->remarks, TRUE);
    g_free(r->assessment);
    g_free(r);
}

static void measure_free(gpointer p)
{
    kp_measure *m = p;
    g_free(m->title);
    g_free(m->summary_title);
    g_free(m->detail_title);
    g_ptr_array_free(m->kpis, TRUE);
    g_free(m);
}

kp_measure *measure_new(int number)
{
    kp_measure *m = g_new0(kp_measure, 1);
    m->number = number;
    m->kpis = g_ptr_array_new_with_free_func(g_free);
    return m;
}

static void goal_free(gpointer p)
{
    kp_goal *g = p;
    g_free(g->title);
    g_free(g->summary_title);
    g_free(g->detail_title);
    g_ptr_array_free(g->measures, TRUE);
    g_ptr_array_free(g->rows, TRUE);
    g_array_free(g->parked, TRUE);
    g_ptr_array_free(g->indicators, TRUE);
    g_array_free(g->fiscal_years, TRUE);
    g_free(g);
}

kp_goal *goal_new(int number)
{
    kp_goal *g = g_new0(kp_goal, 1);
    g->number = number;
    g->measures = g_ptr_array_new_with_free_func(measure_free);
    g->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
    g->parked = g_array_new(FALSE, FALSE, sizeof(kp_parked_row));
    g->indicators = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
    g->fiscal_years = g_array_new(FALSE, FALSE, sizeof(int));
    return g;
}

void diagnostic_free(kp_diagnostic *d)
{
    if (!d)
        return;
    g_free(d->code);
    g_free(d->message);
    g_free(d->field);
    g_free(d);
}

kp_document *document_new(void)
{
    kp_document *doc = g_new0(kp_document, 1);
    doc->fiscal_years = g_array_new(FALSE, FALSE, sizeof(int));
    doc->goals = g_ptr_array_new_with_free_func(goal_free);
    doc->diagnostics = g_ptr_array_new_with_free_func((GDestroyNotify)diagnostic_free);
    return doc;
}

void document_free(kp_document *doc)
{
    if (!doc)
        return;
    g_free(doc->source.name);
    g_free(doc->title);
    g_free(doc->municipality);
    g_array_free(doc->fiscal_years, TRUE);
    g_ptr_array_free(doc->goals, TRUE);
    g_ptr_array_free(doc->diagnostics, TRUE);
    if (doc->spool)
        doc->spool_free(doc->spool);
    g_free(doc);
}

kp_goal *document_goal(kp_document *doc, int number, bool create)
{
    for (guint i = 0; i < doc->goals->len; i++) {
        kp_goal *g = g_ptr_array_index(doc->goals, i);
        if (g->number == number)
            return g;
    }
    if (!create)
        return NULL;
    kp_goal *g = goal_new(number);
    g->spool = doc->spool;
    g_ptr_array_add(doc->goals, g);
    return g;
}

kp_measure *goal_measure(kp_goal *goal, int number, bool create)
{
    for (guint i = 0; i < goal->measures->len; i++) {
        kp_measure *m = g_ptr_array_index(goal->measures, i);
        if (m->number == number)
            return m;
    }
    if (!create)
        return NULL;
    kp_measure *m = measure_new(number);
    g_ptr_array_add(goal->measures, m);
    return m;
}

static gint by_goal_number(gconstpointer a, gconstpointer b)
{
    const kp_goal *x = *(kp_goal *const *)a, *y = *(kp_goal *const *)b;
    return (x->number > y->number) - (x->number < y->number);
}

static gint by_measure_number(gconstpointer a, gconstpointer b)
{
    const kp_measure *x = *(kp_measure *const *)a, *y = *(kp_measure *const *)b;
    return (x->number > y->number) - (x->number < y->number);
}

static gint by_row_number(gconstpointer a, gconstpointer b)
{
    const kp_row *x = *(kp_row *const *)a, *y = *(kp_row *const *)b;
    return (x->number > y->number) - (x->number < y->number);
}

static gint by_parked_number(gconstpointer a, gconstpointer b)
{
    const kp_parked_row *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

void document_sort(kp_document *doc)
{
    /* g_ptr_array_sort is a stable merge sort: equal numbers keep input order. */
    g_ptr_array_sort(doc->goals, by_goal_number);
    for (guint i = 0; i < doc->goals->len; i++) {
        kp_goal *g = g_ptr_array_index(doc->goals, i);
        g_ptr_array_sort(g->measures, by_measure_number);
        /* (a spooled document parks every row before it is sorted) */
        g_ptr_array_sort(g->rows, by_row_number);
        g_array_sort(g->parked, by_parked_number); /* stable too */
    }
}

bool row_actuals_are_totals(const kp_row *r)
{
    for (guint i = 0; i < r->actuals->len; i++)
        if (((const kp_actual *)g_ptr_array_index(r->actuals, i))->quantity->cumulative)
            return true;
    return false;
}

int document_edition(const kp_document *doc)
{
    int edition = 0;
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(doc->goals, gi);
        for (guint ri = 0; ri < g->rows->len; ri++) {
            const kp_row *r = g_ptr_array_index(g->rows, ri);
            for (guint i = 0; i < r->actuals->len; i++) {
                const kp_actual *a = g_ptr_array_index(r->actuals, i);
                if (a->quantity->has_value)
                    edition = MAX(edition, a->fy);
            }
        }
    }
    return edition;
}

bool messages_in_japanese(void)
{
    /* the catalogue translates this one msgid to its own language's code */
    return strcmp(_("messages:en"), "messages:ja") == 0;
}

void document_year_name(GString *out, const kp_document *doc, int fy)
{
    if (doc->era_years && fy >= 2019)
        fy == 2019 ? g_string_append(out, "R元年度") : g_string_append_printf(out, "R%d年度", fy - 2018);
    else if (doc->era_years && fy >= 1989)
        fy == 1989 ? g_string_append(out, "H元年度") : g_string_append_printf(out, "H%d年度", fy - 1988);
    else
        g_string_append_printf(out, "%d年度", fy);
}

char *document_place(const kp_document *doc, int goal, int row, const char *field)
{
    GString *s = g_string_new(NULL);
    bool ja = messages_in_japanese();
    if (goal)
        g_string_append_printf(s, ja ? "基本目標%d" : "Goal %d", goal);
    if (row)
        g_string_append_printf(s, ja ? " No.%d" : " row %d", row);
    if (field && !ja) {
        g_string_append_printf(s, " %s", field);
    } else if (field) {
        static const struct {
            const char *field, *name;
        } names[] = {{"baseline", "基準値"}, {"target", "目標値"}, {"achievement", "達成率"}};
        const char *name = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(names) && !name; i++)
            if (strcmp(field, names[i].field) == 0)
                name = names[i].name;
        g_string_append_c(s, ' ');
        if (name) {
            g_string_append(s, name);
        } else if (g_str_has_prefix(field, "actuals.") && atoi(field + 8) > 0) {
            document_year_name(s, doc, atoi(field + 8));
            g_string_append(s, " 実績値");
        } else {
            g_string_append(s, field);
        }
    }
    return g_string_free(s, FALSE);
}

/* A spooled document's findings wait on disk once this many have gathered
 * (a check can make one for each of thousands of rows in a go). */
#define DIAGNOSTICS_HELD 64

void document_diagnose(kp_document *doc, kp_severity severity, const char *code, int goal,
                       int row, const char *field, int page, int line, const char *fmt, ...)
{
    kp_diagnostic *d = g_new0(kp_diagnostic, 1);
    d->severity = severity;
    d->code = g_strdup(code);
    va_list ap;
    va_start(ap, fmt);
    d->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    d->goal = goal;
    d->row = row;
    d->field = g_strdup(field);
    d->page = page;
    d->line = line;
    g_ptr_array_add(doc->diagnostics, d);
    if (doc->spool_diagnostics && doc->diagnostics->len >= DIAGNOSTICS_HELD)
        doc->spool_diagnostics(doc);
}

const char *direction_name(kp_direction d)
{
    switch (d) {
    case KP_DIR_DECREASE: return "decrease";
    case KP_DIR_MAINTAIN: return "maintain";
    default: return "increase";
    }
}

const char *status_name(kp_status s)
{
    switch (s) {
    case KP_ST_ACHIEVED: return "achieved";
    case KP_ST_ON_TRACK: return "on-track";
    case KP_ST_BEHIND: return "behind";
    default: return "no-data";
    }
}

const char *severity_name(kp_severity s)
{
    switch (s) {
    case KP_SEV_ERROR: return "error";
    case KP_SEV_WARNING: return "warning";
    default: return "info";
    }
}
