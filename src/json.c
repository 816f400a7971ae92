/* kpipe — kpi-json and the canonical writer (see include/kpipe/json.h). */
#include "kpipe/json.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* Equal up to the first difference in code points; there the UTF-16
     * units decide: a supplementary character (surrogates D800–DFFF) sorts
     * before U+E000–FFFF although its code point is larger. */
    while (*a && *b) {
        gunichar x = g_utf8_get_char(a), y = g_utf8_get_char(b);
        if (x != y) {
            gunichar ux = x > 0xFFFF ? 0xD800 + ((x - 0x10000) >> 10) : x;
            gunichar uy = y > 0xFFFF ? 0xD800 + ((y - 0x10000) >> 10) : y;
            if (ux != uy)
                return ux < uy ? -1 : 1;
            /* same high surrogate: the low ones decide */
            gunichar lx = 0xDC00 + ((x - 0x10000) & 0x3FF), ly = 0xDC00 + ((y - 0x10000) & 0x3FF);
            return lx < ly ? -1 : 1;
        }
        a = g_utf8_next_char(a);
        b = g_utf8_next_char(b);
    }
    return (*a != 0) - (*b != 0);
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
            if (i)
                g_string_append_c(out, ',');
            if (pretty)
                newline(out, depth + 1);
            if (!write_value(out, json_array_get(v, i), pretty, depth + 1))
                return false;
        }
        if (pretty && n)
            newline(out, depth);
        g_string_append_c(out, ']');
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
            if (i)
                g_string_append_c(out, ',');
            if (pretty)
                newline(out, depth + 1);
            write_string(out, keys[i], strlen(keys[i]));
            g_string_append(out, pretty ? ": " : ":");
            ok = write_value(out, json_object_get(v, keys[i]), pretty, depth + 1);
        }
        g_free(keys);
        if (!ok)
            return false;
        if (pretty && n)
            newline(out, depth);
        g_string_append_c(out, '}');
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
    if (target)
        json_object_set_new(o, "fy", q->fy ? json_integer(q->fy) : json_null());
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

static json_t *row_json(const kp_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer(r->number));
    json_object_set_new(o, "measure", json_integer(r->measure));
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
    json_object_set_new(o, "assessment", assessment_json(r->assessment));
    json_object_set_new(o, "source", location_json(&r->where));
    return o;
}

static json_t *goal_json(const kp_goal *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "number", json_integer(g->number));
    json_object_set_new(o, "title", string_or_null(g->title));
    json_t *measures = json_array();
    for (guint i = 0; i < g->measures->len; i++) {
        const kp_measure *m = g_ptr_array_index(g->measures, i);
        json_t *mo = json_object();
        json_object_set_new(mo, "number", json_integer(m->number));
        json_object_set_new(mo, "title", string_or_null(m->title));
        json_object_set_new(mo, "kpis", strings_json(m->kpis));
        json_array_append_new(measures, mo);
    }
    json_object_set_new(o, "measures", measures);
    json_t *rows = json_array();
    for (guint i = 0; i < g->rows->len; i++)
        json_array_append_new(rows, row_json(g_ptr_array_index(g->rows, i)));
    json_object_set_new(o, "rows", rows);
    return o;
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

json_t *document_to_json(const kp_document *doc)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("kpi-json/1"));

    json_t *src = json_object();
    json_object_set_new(src, "name", string_or_null(doc->source.name));
    json_object_set_new(src, "sha256", json_string(doc->source.sha256));
    json_object_set_new(src, "type", json_string(doc->source.is_pdf ? "pdf" : "text"));
    json_object_set_new(src, "pages", doc->source.is_pdf ? json_integer(doc->source.pages)
                                                         : json_null());
    json_object_set_new(root, "source", src);

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
    json_object_set_new(root, "document", d);

    json_t *goals = json_array();
    for (guint i = 0; i < doc->goals->len; i++)
        json_array_append_new(goals, goal_json(g_ptr_array_index(doc->goals, i)));
    json_object_set_new(root, "goals", goals);

    json_t *diags = json_array();
    for (guint i = 0; i < doc->diagnostics->len; i++)
        json_array_append_new(diags, diagnostic_to_json(g_ptr_array_index(doc->diagnostics, i)));
    json_object_set_new(root, "diagnostics", diags);
    return root;
}
