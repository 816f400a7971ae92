/* kpipe — CSV output (see include/kpipe/csv.h). */
#include "kpipe/csv.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static void field(GString *out, const char *s, bool last)
{
    /* RFC 4180: quote a field holding a comma, a quote or a line break */
    if (s && strpbrk(s, ",\"\r\n")) {
        g_string_append_c(out, '"');
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                g_string_append_c(out, '"');
            g_string_append_c(out, *p);
        }
        g_string_append_c(out, '"');
    } else if (s) {
        g_string_append(out, s);
    }
    g_string_append(out, last ? "\r\n" : ",");
}

static void figure_line(GString *out, const kp_goal *g, const kp_row *r, const char *kind, int fy,
                        const kp_quantity *q)
{
    char num[32];
    snprintf(num, sizeof num, "%d", g->number);
    field(out, num, false);
    snprintf(num, sizeof num, "%d", r->measure);
    field(out, r->measure ? num : "", false);
    snprintf(num, sizeof num, "%d", r->number);
    field(out, num, false);
    field(out, r->kpi_name ? r->kpi_name : "", false);
    field(out, kind, false);
    snprintf(num, sizeof num, "%d", fy);
    field(out, fy ? num : "", false);
    char *value = q->has_value ? decimal_to_string(q->value) : NULL;
    field(out, value ? value : "", false);
    g_free(value);
    field(out, q->has_value && q->unit ? q->unit : "", false);
    field(out, q->text, false);
    field(out, q->cumulative ? "true" : "false", false);
    field(out, q->qualifier ? q->qualifier : "", true);
}

char *document_to_csv(const kp_document *doc, bool bom)
{
    GString *out = g_string_new(bom ? "\xEF\xBB\xBF" : "");
    g_string_append(out, "goal,measure,row,kpi,kind,fy,value,unit,text,cumulative,qualifier\r\n");
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(doc->goals, gi);
        for (guint ri = 0; ri < g->rows->len; ri++) {
            const kp_row *r = g_ptr_array_index(g->rows, ri);
            if (r->baseline)
                figure_line(out, g, r, "baseline", r->baseline->fy, r->baseline);
            for (guint i = 0; i < r->actuals->len; i++) {
                const kp_actual *a = g_ptr_array_index(r->actuals, i);
                figure_line(out, g, r, "actual", a->fy, a->quantity);
            }
            if (r->target)
                figure_line(out, g, r, "target", r->target->fy, r->target);
        }
    }
    return g_string_free(out, FALSE);
}
