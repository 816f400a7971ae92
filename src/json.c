/* kpipe — kpi-json and the canonical writer (see include/kpipe/json.h). */
#include "kpipe/json.h"
#include "kpipe/spool.h"

#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "kpipe/limits.h"

/* ---- numbers ------------------------------------------------------------ */

bool jcs_number(double v, char out[40])
{
    if (!isfinite(v))
        return false;
    if (v == 0) { /* -0 too */
        strcpy(out, "0");
        return true;
    }
    char *o = out;
    if (v < 0) {
        *o++ = '-';
        v = -v;
    }
    /* The shortest digits that read back as V: the correctly rounded ones at
     * the smallest precision that round-trips. */
    char buf[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    char digits[20];
    int k = 0;
    const char *q = buf;
    for (; *q && *q != 'e'; q++)
        if (g_ascii_isdigit(*q))
            digits[k++] = *q;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = atoi(q + 1) + 1; /* the decimal point stands after n digits */

    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k);
        o += k;
        for (int i = k; i < n; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += sprintf(o, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    *o = '\0';
    return true;
}

/* ---- strings and keys ---------------------------------------------------- */

static void write_string(GString *out, const char *s, size_t len)
{
    g_string_append_c(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\r': g_string_append(out, "\\r"); break;
        default:
            if (c < 0x20)
                g_string_append_printf(out, "\\u%04x", c);
            else
                g_string_append_c(out, (char)c);
        }
    }
    g_string_append_c(out, '"');
}

int jcs_key_compare(const char *a, const char *b)
{
    /* UTF-8 bytes sort as code points, and code points as UTF-16 units except
     * where a supplementary character (4 bytes in UTF-8, surrogates D800–DFFF
     * in UTF-16) meets one of U+E000–FFFF: only there is more work needed. */
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    if (a[i] == b[i])
        return 0;
    while (i > 0 && ((unsigned char)a[i] & 0xC0) == 0x80)
        i--; /* back to the first byte of the character that differs */
    gunichar x = a[i] ? g_utf8_get_char(a + i) : 0, y = b[i] ? g_utf8_get_char(b + i) : 0;
    gunichar ux = x > 0xFFFF ? 0xD800 + ((x - 0x10000) >> 10) : x;
    gunichar uy = y > 0xFFFF ? 0xD800 + ((y - 0x10000) >> 10) : y;
    if (ux != uy)
        return ux < uy ? -1 : 1;
    /* the same high surrogate: the low ones decide */
    gunichar lx = 0xDC00 + ((x - 0x10000) & 0x3FF), ly = 0xDC00 + ((y - 0x10000) & 0x3FF);
    return lx < ly ? -1 : (lx > ly);
}

static int key_sort(const void *a, const void *b)
{
    return jcs_key_compare(*(const char *const *)a, *(const char *const *)b);
}

/* ---- values -------------------------------------------------------------- */

static void newline(GString *out, int depth)
{
    g_string_append_c(out, '\n');
    for (int i = 0; i < depth; i++)
        g_string_append(out, "  ");
}

/* Before item I of a container at DEPTH: its comma, and indented on a line
 * of its own when PRETTY. */
static void item_start(GString *out, size_t i, bool pretty, int depth)
{
    if (i)
        g_string_append_c(out, ',');
    if (pretty)
        newline(out, depth + 1);
}

/* A container at DEPTH of N items closed with CLOSE. */
static void container_end(GString *out, size_t n, bool pretty, int depth, char close)
{
    if (pretty && n)
        newline(out, depth);
    g_string_append_c(out, close);
}

static bool write_value(GString *out, const json_t *v, bool pretty, int depth)
{
    switch (json_typeof(v)) {
    case JSON_NULL: g_string_append(out, "null"); return true;
    case JSON_TRUE: g_string_append(out, "true"); return true;
    case JSON_FALSE: g_string_append(out, "false"); return true;
    case JSON_INTEGER: {
        /* integers beyond 2^53 are not exact in JSON readers: go through the
         * double like any other number */
        json_int_t i = json_integer_value(v);
        if (i > ((json_int_t)1 << 53) || i < -((json_int_t)1 << 53)) {
            char num[40];
            jcs_number((double)i, num);
            g_string_append(out, num);
        } else {
            g_string_append_printf(out, "%" JSON_INTEGER_FORMAT, i);
        }
        return true;
    }
    case JSON_REAL: {
        char num[40];
        if (!jcs_number(json_real_value(v), num))
            return false;
        g_string_append(out, num);
        return true;
    }
    case JSON_STRING:
        write_string(out, json_string_value(v), json_string_length(v));
        return true;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        g_string_append_c(out, '[');
        for (size_t i = 0; i < n; i++) {
            item_start(out, i, pretty, depth);
            if (!write_value(out, json_array_get(v, i), pretty, depth + 1))
                return false;
        }
        container_end(out, n, pretty, depth, ']');
        return true;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys = g_new(const char *, n ? n : 1);
        const char *key;
        json_t *member;
        json_object_foreach((json_t *)v, key, member)
            keys[i++] = key;
        qsort(keys, n, sizeof *keys, key_sort);
        g_string_append_c(out, '{');
        bool ok = true;
        for (i = 0; i < n && ok; i++) {
            item_start(out, i, pretty, depth);
            write_string(out, keys[i], strlen(keys[i]));
            g_string_append(out, pretty ? ": " : ":");
            ok = write_value(out, json_object_get(v, keys[i]), pretty, depth + 1);
        }
        g_free(keys);
        if (!ok)
            return false;
        container_end(out, n, pretty, depth, '}');
        return true;
    }
    }
    return false;
}

char *json_write(const json_t *v, bool pretty)
{
    GString *out = g_string_new(NULL);
    if (!write_value(out, v, pretty, 0)) {
        g_string_free(out, TRUE);
        return NULL;
    }
    if (pretty)
        g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}

/* ---- kpi-json ------------------------------------------------------------ */

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *decimal_json(kp_decimal d)
{
    decimal_normalize(&d);
    if (d.exp == 0)
        return json_integer((json_int_t)d.coef);
    return json_real(decimal_to_double(d));
}

json_t *quantity_to_json(const kp_quantity *q, bool target)
{
    if (!q)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "text", json_string(q->text));
    json_object_set_new(o, "value", q->has_value ? decimal_json(q->value) : json_null());
    json_object_set_new(o, "unit", string_or_null(q->has_value ? q->unit : NULL));
    json_object_set_new(o, "cumulative", json_boolean(q->cumulative));
    json_object_set_new(o, "qualifier", string_or_null(q->qualifier));
    json_object_set_new(o, "note", string_or_null(q->note));
    /* a target always carries its year; other figures only a printed one */
    if (target)
        json_object_set_new(o, "fy", q->fy ? json_integer(q->fy) : json_null());
    else if (q->fy)
        json_object_set_new(o, "fy", json_integer(q->fy));
    return o;
}

static json_t *strings_json(const GPtrArray *a)
{
    json_t *arr = json_array();
    for (guint i = 0; i < a->len; i++)
        json_array_append_new(arr, json_string(g_ptr_array_index(a, i)));
    return arr;
}

static json_t *location_json(const kp_location *w)
{
    json_t *o = json_object();
    if (w->page) {
        json_object_set_new(o, "page", json_integer(w->page));
        json_t *box = json_array();
        for (int i = 0; i < 4; i++) /* hundredths of a point: stable across runs */
            json_array_append_new(box, json_real(round(w->bbox[i] * 100.0) / 100.0));
        json_object_set_new(o, "bbox", box);
    } else {
        json_object_set_new(o, "line", json_integer(w->line));
    }
    return o;
}

static json_t *assessment_json(const kp_assessment *a)
{
    if (!a)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "direction", json_string(direction_name(a->direction)));
    if (a->has_latest) {
        json_t *latest = json_object();
        json_object_set_new(latest, "fy", json_integer(a->latest_fy));
        json_object_set_new(latest, "value", decimal_json(a->latest));
        json_object_set_new(o, "latest", latest);
    } else {
        json_object_set_new(o, "latest", json_null());
    }
    json_object_set_new(o, "progress", a->has_progress && isfinite(a->progress)
                                           ? json_real(a->progress)
                                           : json_null());
    json_object_set_new(o, "status", json_string(status_name(a->status)));
    return o;
}

static json_t *evaluations_json(const GPtrArray *a)
{
    json_t *arr = json_array();
    for (guint i = 0; i < a->len; i++) {
        const kp_evaluation *e = g_ptr_array_index(a, i);
        json_t *o = json_object();
        json_object_set_new(o, "heading", json_string(e->heading));
        json_object_set_new(o, "mark", json_string(e->mark));
        json_object_set_new(o, "meaning", string_or_null(e->meaning));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *remarks_json(const GPtrArray *a)
{
    json_t *o = json_object();
    for (guint i = 0; i < a->len; i++) {
        const kp_remark *r = g_ptr_array_index(a, i);
        json_object_set_new(o, r->heading, json_string(r->text));
    }
    return o;
}

static json_t *row_json(const kp_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer(r->number));
    json_object_set_new(o, "measure", r->measure ? json_integer(r->measure) : json_null());
    json_object_set_new(o, "projects", strings_json(r->projects));
    json_object_set_new(o, "notes", strings_json(r->notes));
    json_object_set_new(o, "relisted", json_boolean(r->relisted));
    json_object_set_new(o, "activities", strings_json(r->activities));
    if (r->kpi_name) {
        json_t *k = json_object();
        json_object_set_new(k, "name", json_string(r->kpi_name));
        json_object_set_new(k, "inherited", json_boolean(r->kpi_inherited));
        json_object_set_new(o, "kpi", k);
    } else {
        json_object_set_new(o, "kpi", json_null());
    }
    json_object_set_new(o, "baseline", quantity_to_json(r->baseline, false));
    json_t *actuals = json_object();
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *a = g_ptr_array_index(r->actuals, i);
        char fy[16];
        snprintf(fy, sizeof fy, "%d", a->fy);
        json_object_set_new(actuals, fy, quantity_to_json(a->quantity, false));
    }
    json_object_set_new(o, "actuals", actuals);
    json_object_set_new(o, "target", quantity_to_json(r->target, true));
    json_object_set_new(o, "achievement", quantity_to_json(r->achievement, false));
    json_object_set_new(o, "evaluations", evaluations_json(r->evaluations));
    json_object_set_new(o, "remarks", remarks_json(r->remarks));
    json_object_set_new(o, "assessment", assessment_json(r->assessment));
    json_object_set_new(o, "source", location_json(&r->where));
    return o;
}

static json_t *measure_json(const void *element)
{
    const kp_measure *m = element;
    json_t *mo = json_object();
    json_object_set_new(mo, "number", json_integer(m->number));
    json_object_set_new(mo, "title", string_or_null(m->title));
    json_object_set_new(mo, "kpis", strings_json(m->kpis));
    return mo;
}

static json_t *any_row_json(const void *element)
{
    return row_json(element);
}

static json_t *goal_number_json(const void *owner)
{
    return json_integer(((const kp_goal *)owner)->number);
}

static json_t *goal_title_json(const void *owner)
{
    return string_or_null(((const kp_goal *)owner)->title);
}

static json_t *int_or_null(int v)
{
    return v ? json_integer(v) : json_null();
}

json_t *diagnostic_to_json(const kp_diagnostic *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "severity", json_string(severity_name(d->severity)));
    json_object_set_new(o, "code", json_string(d->code));
    json_object_set_new(o, "message", json_string(d->message));
    if (d->goal)
        json_object_set_new(o, "goal", json_integer(d->goal));
    if (d->row)
        json_object_set_new(o, "row", json_integer(d->row));
    if (d->field)
        json_object_set_new(o, "field", json_string(d->field));
    json_object_set_new(o, "page", int_or_null(d->page));
    json_object_set_new(o, "line", int_or_null(d->line));
    return o;
}

static json_t *format_json(const void *owner)
{
    (void)owner;
    return json_string("kpi-json/1");
}

static json_t *source_json(const void *owner)
{
    const kp_document *doc = owner;
    json_t *src = json_object();
    json_object_set_new(src, "name", string_or_null(doc->source.name));
    json_object_set_new(src, "sha256", json_string(doc->source.sha256));
    json_object_set_new(src, "type", json_string(doc->source.is_pdf ? "pdf" : "text"));
    json_object_set_new(src, "pages", doc->source.is_pdf ? json_integer(doc->source.pages)
                                                         : json_null());
    if (doc->source.ocr_pages > 0) /* only then: text PDFs' kpi-json is as it was */
        json_object_set_new(src, "ocr", json_true());
    return src;
}

static json_t *about_json(const void *owner)
{
    const kp_document *doc = owner;
    json_t *d = json_object();
    json_object_set_new(d, "title", string_or_null(doc->title));
    json_object_set_new(d, "municipality", string_or_null(doc->municipality));
    if (doc->has_period) {
        json_t *period = json_object();
        json_object_set_new(period, "first_fy", json_integer(doc->first_fy));
        json_object_set_new(period, "last_fy", json_integer(doc->last_fy));
        json_object_set_new(d, "period", period);
    } else {
        json_object_set_new(d, "period", json_null());
    }
    json_t *years = json_array();
    for (guint i = 0; i < doc->fiscal_years->len; i++)
        json_array_append_new(years, json_integer(g_array_index(doc->fiscal_years, int, i)));
    json_object_set_new(d, "fiscal_years", years);
    return d;
}

static json_t *any_diagnostic_json(const void *element)
{
    return diagnostic_to_json(element);
}

/* An object of kpi-json as a table of its members: each a value built
 * whole (BUILD), or an array of the model's elements (ITEMS: the offset of
 * the GPtrArray in the owner, or EACH: what calls a function on each, for
 * those a spooled document parks), each built alone (ITEM) or itself an
 * object of members (OBJECT). The same table builds the jansson tree
 * (object_json) and writes the text an element at a time (write_object),
 * so that a long document is never held as one tree. */
typedef struct member member;
typedef struct {
    const member *members;
    size_t n;
} member_table;

typedef void (*element_fn)(const void *element, void *ctx);

struct member {
    const char *key;
    json_t *(*build)(const void *owner);
    size_t items;
    bool (*each)(const void *owner, element_fn fn, void *ctx);
    json_t *(*item)(const void *element);
    const member_table *object;
};

typedef struct {
    element_fn fn;
    void *ctx;
} element_call;

static void row_element(kp_row *row, void *call)
{
    ((element_call *)call)->fn(row, ((element_call *)call)->ctx);
}

static void diagnostic_element(const kp_diagnostic *d, void *call)
{
    ((element_call *)call)->fn(d, ((element_call *)call)->ctx);
}

static bool each_row(const void *goal, element_fn fn, void *ctx)
{
    element_call call = {fn, ctx};
    return goal_rows_each((kp_goal *)goal, false, row_element, &call); /* (reads only) */
}

static bool each_diagnostic(const void *doc, element_fn fn, void *ctx)
{
    element_call call = {fn, ctx};
    return document_diagnostics_each(doc, diagnostic_element, &call);
}

#define TABLE(m) {m, sizeof m / sizeof m[0]}

static const member goal_members[] = {
    {"number", goal_number_json, 0, NULL, NULL, NULL},
    {"title", goal_title_json, 0, NULL, NULL, NULL},
    {"measures", NULL, offsetof(kp_goal, measures), NULL, measure_json, NULL},
    {"rows", NULL, 0, each_row, any_row_json, NULL},
    {"indicators", NULL, offsetof(kp_goal, indicators), NULL, any_row_json, NULL},
};
static const member_table goal_table = TABLE(goal_members);

static const member document_members[] = {
    {"format", format_json, 0, NULL, NULL, NULL},
    {"source", source_json, 0, NULL, NULL, NULL},
    {"document", about_json, 0, NULL, NULL, NULL},
    {"goals", NULL, offsetof(kp_document, goals), NULL, NULL, &goal_table},
    {"diagnostics", NULL, 0, each_diagnostic, any_diagnostic_json, NULL},
};
static const member_table document_table = TABLE(document_members);

/* FN on each element of OWNER's array member M; false when they could not
 * all be read (a spool that failed). */
static bool member_each(const void *owner, const member *m, element_fn fn, void *ctx)
{
    if (m->each)
        return m->each(owner, fn, ctx);
    const GPtrArray *items = *(GPtrArray *const *)((const char *)owner + m->items);
    for (guint i = 0; i < items->len; i++)
        fn(g_ptr_array_index(items, i), ctx);
    return true;
}

static json_t *object_json(const void *owner, const member_table *t);

typedef struct {
    const member *m;
    json_t *array;
} tree_items;

static void tree_item(const void *e, void *ctx)
{
    tree_items *to = ctx;
    json_array_append_new(to->array, to->m->object ? object_json(e, to->m->object) : to->m->item(e));
}

static json_t *object_json(const void *owner, const member_table *t)
{
    json_t *o = json_object();
    for (size_t k = 0; k < t->n; k++) {
        const member *m = &t->members[k];
        json_t *v = m->build ? m->build(owner) : json_array();
        tree_items to = {m, v};
        if (!m->build)
            member_each(owner, m, tree_item, &to);
        json_object_set_new(o, m->key, v);
    }
    return o;
}

json_t *document_to_json(const kp_document *doc)
{
    return object_json(doc, &document_table);
}

/* Canonical text written as it is made: what has gathered in OUT goes to
 * SINK each time it passes FLUSH_BYTES. */
#define FLUSH_BYTES 65536

typedef struct {
    GString *out;
    bool pretty;
    kp_json_sink sink;
    void *ctx;
    bool ok;
} json_writer;

static void writer_flush(json_writer *w, bool always)
{
    if (!always && w->out->len < FLUSH_BYTES)
        return;
    if (w->ok && w->out->len)
        w->ok = w->sink(w->ctx, w->out->str, w->out->len);
    g_string_truncate(w->out, 0);
}

static void write_built(json_writer *w, json_t *v, int depth)
{
    w->ok = w->ok && write_value(w->out, v, w->pretty, depth);
    json_decref(v);
    writer_flush(w, false);
}

static void write_object(json_writer *w, const void *owner, const member_table *t, int depth);

typedef struct {
    json_writer *w;
    const member *m;
    int depth;
    size_t n;                /* elements written so far */
} written_items;

static void write_item(const void *e, void *ctx)
{
    written_items *to = ctx;
    if (!to->w->ok)
        return;
    item_start(to->w->out, to->n++, to->w->pretty, to->depth);
    if (to->m->object)
        write_object(to->w, e, to->m->object, to->depth + 1);
    else
        write_built(to->w, to->m->item(e), to->depth + 1);
}

/* Member M of OWNER, as write_value writes it at DEPTH. */
static void write_member(json_writer *w, const void *owner, const member *m, int depth)
{
    if (m->build) {
        write_built(w, m->build(owner), depth);
        return;
    }
    written_items to = {w, m, depth, 0};
    g_string_append_c(w->out, '[');
    if (!member_each(owner, m, write_item, &to))
        w->ok = false;
    container_end(w->out, to.n, w->pretty, depth, ']');
}

/* OWNER's object, its members in canonical key order. */
static void write_object(json_writer *w, const void *owner, const member_table *t, int depth)
{
    const char **keys = g_new(const char *, t->n);
    for (size_t k = 0; k < t->n; k++)
        keys[k] = t->members[k].key;
    qsort(keys, t->n, sizeof *keys, key_sort);
    g_string_append_c(w->out, '{');
    for (size_t k = 0; k < t->n && w->ok; k++) {
        const member *m = t->members;
        while (strcmp(m->key, keys[k]) != 0)
            m++;
        item_start(w->out, k, w->pretty, depth);
        write_string(w->out, m->key, strlen(m->key));
        g_string_append(w->out, w->pretty ? ": " : ":");
        write_member(w, owner, m, depth + 1);
    }
    g_free(keys);
    container_end(w->out, t->n, w->pretty, depth, '}');
}

bool document_json_write(const kp_document *doc, bool pretty, kp_json_sink sink, void *ctx)
{
    json_writer w = {g_string_new(NULL), pretty, sink, ctx, true};
    write_object(&w, doc, &document_table, 0);
    if (pretty)
        g_string_append_c(w.out, '\n');
    writer_flush(&w, true);
    g_string_free(w.out, TRUE);
    return w.ok;
}

static bool append_to_string(void *ctx, const char *data, size_t len)
{
    g_string_append_len(ctx, data, (gssize)len);
    return true;
}

char *document_json_text(const kp_document *doc, bool pretty)
{
    GString *text = g_string_new(NULL);
    if (!document_json_write(doc, pretty, append_to_string, text)) {
        g_string_free(text, TRUE);
        return NULL;
    }
    return g_string_free(text, FALSE);
}

/* ---- reading kpi-json back ------------------------------------------------- */

/* A JSON number as an exact decimal: integers as they are, reals through
 * their shortest round-trip digits (what kpipe wrote). */
static bool json_decimal(const json_t *v, kp_decimal *out)
{
    if (json_is_integer(v)) {
        *out = (kp_decimal){(int64_t)json_integer_value(v), 0};
        return true;
    }
    if (!json_is_real(v))
        return false;
    char text[40];
    if (!jcs_number(json_real_value(v), text))
        return false;
    kp_decimal d = {0, 0};
    const char *p = text;
    bool neg = *p == '-', point = false;
    if (neg)
        p++;
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') {
            point = true;
            continue;
        }
        if (__builtin_mul_overflow(d.coef, 10, &d.coef) ||
            __builtin_add_overflow(d.coef, *p - '0', &d.coef))
            return false;
        if (point)
            d.exp--;
    }
    if (*p == 'e')
        d.exp += atoi(p + 1);
    if (neg)
        d.coef = -d.coef;
    decimal_normalize(&d);
    *out = d;
    return true;
}

static char *dup_string(const json_t *v)
{
    return json_is_string(v) ? g_strdup(json_string_value(v)) : NULL;
}

static int int_of(const json_t *v)
{
    return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

static kp_quantity *quantity_from_json(const json_t *o)
{
    if (!json_is_object(o))
        return NULL;
    kp_quantity *q = g_new0(kp_quantity, 1);
    q->text = dup_string(json_object_get(o, "text"));
    if (!q->text)
        q->text = g_strdup("");
    q->has_value = json_decimal(json_object_get(o, "value"), &q->value);
    q->unit = q->has_value ? dup_string(json_object_get(o, "unit")) : NULL;
    q->unit_known = true;
    q->cumulative = json_is_true(json_object_get(o, "cumulative"));
    q->qualifier = dup_string(json_object_get(o, "qualifier"));
    q->note = dup_string(json_object_get(o, "note"));
    q->fy = int_of(json_object_get(o, "fy"));
    return q;
}

static void strings_from_json(const json_t *a, GPtrArray *to)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
        if (json_is_string(v))
            g_ptr_array_add(to, g_strdup(json_string_value(v)));
}

static void location_from_json(const json_t *o, kp_location *w)
{
    w->line = int_of(json_object_get(o, "line"));
    w->page = int_of(json_object_get(o, "page"));
    const json_t *box = json_object_get(o, "bbox");
    for (int i = 0; i < 4 && json_is_array(box); i++)
        w->bbox[i] = json_number_value(json_array_get(box, (size_t)i));
}

static gint actual_order(gconstpointer a, gconstpointer b)
{
    const kp_actual *x = *(kp_actual *const *)a, *y = *(kp_actual *const *)b;
    return (x->fy > y->fy) - (x->fy < y->fy);
}

static kp_row *row_from_json(const json_t *o, int seq)
{
    kp_row *r = row_new();
    r->seq = seq;
    r->number = int_of(json_object_get(o, "number"));
    r->measure = int_of(json_object_get(o, "measure"));
    strings_from_json(json_object_get(o, "projects"), r->projects);
    strings_from_json(json_object_get(o, "notes"), r->notes);
    strings_from_json(json_object_get(o, "activities"), r->activities);
    r->relisted = json_is_true(json_object_get(o, "relisted"));
    const json_t *kpi = json_object_get(o, "kpi");
    if (json_is_object(kpi)) {
        r->kpi_name = dup_string(json_object_get(kpi, "name"));
        r->kpi_inherited = json_is_true(json_object_get(kpi, "inherited"));
    }
    r->baseline = quantity_from_json(json_object_get(o, "baseline"));
    r->target = quantity_from_json(json_object_get(o, "target"));
    r->achievement = quantity_from_json(json_object_get(o, "achievement"));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(o, "evaluations"), i, e) {
        const char *heading = json_string_value(json_object_get(e, "heading"));
        const char *mark = json_string_value(json_object_get(e, "mark"));
        if (!heading || !mark)
            continue;
        row_add_evaluation(r, heading, mark);
        kp_evaluation *last = g_ptr_array_index(r->evaluations, r->evaluations->len - 1);
        last->meaning = dup_string(json_object_get(e, "meaning"));
    }
    const char *fy;
    json_t *v;
    json_object_foreach(json_object_get(o, "remarks"), fy, v)
        if (json_is_string(v))
            row_add_remark(r, fy, json_string_value(v));
    json_object_foreach(json_object_get(o, "actuals"), fy, v) {
        kp_quantity *q = quantity_from_json(v);
        if (!q)
            continue;
        kp_actual *a = g_new0(kp_actual, 1);
        a->fy = atoi(fy);
        a->quantity = q;
        g_ptr_array_add(r->actuals, a);
    }
    g_ptr_array_sort(r->actuals, actual_order);
    location_from_json(json_object_get(o, "source"), &r->where);
    return r;
}

/* ---- checking kpi-json before use: what the schema says of the values
 * kpipe relies on (numbers in range, the right types), so that no number
 * wraps and nothing is made up from a wrong type. */

typedef struct {
    GString *where;   /* JSON path of the first fault, "goals[2].number" */
    GString *what;
} json_fault;

static bool fault(json_fault *f, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fault(json_fault *f, const char *where, const char *fmt, ...)
{
    g_string_assign(f->where, where);
    va_list ap;
    va_start(ap, fmt);
    g_string_vprintf(f->what, fmt, ap);
    va_end(ap);
    return false;
}

static bool check_int(json_fault *f, const json_t *v, const char *where, long long lo, long long hi,
                      bool nullable)
{
    if (nullable && (!v || json_is_null(v)))
        return true;
    if (!json_is_integer(v))
        return fault(f, where, "is not a whole number");
    json_int_t n = json_integer_value(v);
    if (n < lo || n > hi)
        return fault(f, where, "is %lld, outside %lld–%lld", (long long)n, lo, hi);
    return true;
}

static bool check_quantity(json_fault *f, const json_t *q, const char *where)
{
    if (!q || json_is_null(q))
        return true;
    if (!json_is_object(q))
        return fault(f, where, "is not a Quantity object");
    const json_t *v = json_object_get(q, "value");
    char *at = g_strdup_printf("%s.value", where);
    bool ok = true;
    if (v && !json_is_null(v) &&
        (!json_is_number(v) || fabs(json_number_value(v)) > (double)KP_DECIMAL_MAX))
        ok = fault(f, at, "is not a number within ±2^53");
    g_free(at);
    return ok;
}

static bool check_row(json_fault *f, const json_t *r, const char *where)
{
    if (!json_is_object(r))
        return fault(f, where, "is not a Row object");
    char *at = g_strdup_printf("%s.number", where);
    bool ok = check_int(f, json_object_get(r, "number"), at, 0, KP_MAX_NUMBER, false);
    g_free(at);
    at = g_strdup_printf("%s.measure", where);
    ok = ok && check_int(f, json_object_get(r, "measure"), at, 0, KP_MAX_NUMBER, true);
    g_free(at);
    static const char *const figures[] = {"baseline", "target", "achievement"};
    for (size_t i = 0; ok && i < G_N_ELEMENTS(figures); i++) {
        at = g_strdup_printf("%s.%s", where, figures[i]);
        ok = check_quantity(f, json_object_get(r, figures[i]), at);
        g_free(at);
    }
    const char *fy;
    json_t *q;
    json_object_foreach((json_t *)json_object_get(r, "actuals"), fy, q) {
        if (!ok)
            break;
        at = g_strdup_printf("%s.actuals.%s", where, fy);
        char *end;
        long y = strtol(fy, &end, 10);
        if (*end || y < 1868 || y > 2200)
            ok = fault(f, at, "is not keyed by a fiscal year");
        else
            ok = check_quantity(f, q, at);
        g_free(at);
    }
    return ok;
}

static bool check_document(json_fault *f, const json_t *root)
{
    const json_t *goals = json_object_get(root, "goals");
    if (goals && !json_is_array(goals))
        return fault(f, "goals", "is not an array");
    size_t i;
    json_t *g;
    json_array_foreach(goals, i, g) {
        char *at = g_strdup_printf("goals[%zu]", i);
        bool ok = json_is_object(g) || fault(f, at, "is not a Goal object");
        char *num = g_strdup_printf("%s.number", at);
        ok = ok && check_int(f, json_object_get(g, "number"), num, 1, KP_MAX_NUMBER, false);
        g_free(num);
        static const char *const lists[] = {"rows", "indicators"};
        for (size_t l = 0; ok && l < G_N_ELEMENTS(lists); l++) {
            size_t k;
            json_t *r;
            json_array_foreach(json_object_get(g, lists[l]), k, r) {
                char *rat = g_strdup_printf("%s.%s[%zu]", at, lists[l], k);
                ok = check_row(f, r, rat);
                g_free(rat);
                if (!ok)
                    break;
            }
        }
        g_free(at);
        if (!ok)
            return false;
    }
    return true;
}

kp_document *document_from_json(const char *data, size_t len, const char *file, kp_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, jerr.line > 0 ? jerr.line : 0,
                     jerr.column > 0 ? jerr.column : 0, "not valid JSON: %s", jerr.text);
        return NULL;
    }
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, "kpi-json/1") != 0) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0,
                     "JSON, but not kpi-json/1 (its \"format\" is %s)", format ? format : "missing");
        json_decref(root);
        return NULL;
    }
    json_fault f = {g_string_new(NULL), g_string_new(NULL)};
    if (!check_document(&f, root)) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0, "not kpi-json/1 as kpipe writes it: %s %s",
                     f.where->str, f.what->str);
        g_string_free(f.where, TRUE);
        g_string_free(f.what, TRUE);
        json_decref(root);
        return NULL;
    }
    g_string_free(f.where, TRUE);
    g_string_free(f.what, TRUE);
    kp_document *doc = document_new();
    const json_t *src = json_object_get(root, "source");
    doc->source.name = dup_string(json_object_get(src, "name"));
    const char *sha = json_string_value(json_object_get(src, "sha256"));
    g_strlcpy(doc->source.sha256, sha ? sha : "", sizeof doc->source.sha256);
    const char *type = json_string_value(json_object_get(src, "type"));
    doc->source.is_pdf = type && strcmp(type, "pdf") == 0;
    doc->source.pages = int_of(json_object_get(src, "pages"));
    /* (how many pages is not kept: one at least) */
    doc->source.ocr_pages = json_is_true(json_object_get(src, "ocr")) ? 1 : 0;
    const json_t *d = json_object_get(root, "document");
    doc->title = dup_string(json_object_get(d, "title"));
    doc->municipality = dup_string(json_object_get(d, "municipality"));
    const json_t *period = json_object_get(d, "period");
    if (json_is_object(period)) {
        doc->has_period = true;
        doc->first_fy = int_of(json_object_get(period, "first_fy"));
        doc->last_fy = int_of(json_object_get(period, "last_fy"));
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(d, "fiscal_years"), i, v) {
        int fy = int_of(v);
        g_array_append_val(doc->fiscal_years, fy);
    }
    int seq = 0;
    json_array_foreach(json_object_get(root, "goals"), i, v) {
        kp_goal *g = document_goal(doc, int_of(json_object_get(v, "number")), true);
        g_free(g->title); /* a goal given twice: the later one's title */
        g->title = dup_string(json_object_get(v, "title"));
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(v, "measures"), k, m) {
            kp_measure *me = goal_measure(g, int_of(json_object_get(m, "number")), true);
            g_free(me->title);
            me->title = dup_string(json_object_get(m, "title"));
            strings_from_json(json_object_get(m, "kpis"), me->kpis);
        }
        json_array_foreach(json_object_get(v, "rows"), k, m)
            g_ptr_array_add(g->rows, row_from_json(m, seq++));
        json_array_foreach(json_object_get(v, "indicators"), k, m)
            g_ptr_array_add(g->indicators, row_from_json(m, seq++));
    }
    json_array_foreach(json_object_get(root, "diagnostics"), i, v) {
        const char *sev = json_string_value(json_object_get(v, "severity"));
        kp_severity s = !sev || strcmp(sev, "error") == 0 ? KP_SEV_ERROR
                        : strcmp(sev, "warning") == 0    ? KP_SEV_WARNING
                                                         : KP_SEV_INFO;
        const char *code = json_string_value(json_object_get(v, "code"));
        const char *message = json_string_value(json_object_get(v, "message"));
        document_diagnose(doc, s, code ? code : "", int_of(json_object_get(v, "goal")),
                          int_of(json_object_get(v, "row")),
                          json_string_value(json_object_get(v, "field")),
                          int_of(json_object_get(v, "page")), int_of(json_object_get(v, "line")),
                          "%s", message ? message : "");
    }
    document_sort(doc);
    json_decref(root);
    return doc;
}
