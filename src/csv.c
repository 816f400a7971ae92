/* kpipe — CSV output (see include/kpipe/csv.h). */
#include "kpipe/csv.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

/* Would a spreadsheet run S as a formula? A plain number (-45, +3.5) it
 * reads as a number, and a lone dash (no figure) as text. */
static bool runs_as_formula(const char *s)
{
    if (!s || !strchr("=+-@\t\r", s[0]) || !s[0])
        return false;
    if (strcmp(s, "-") == 0)
        return false;
    const char *p = s + ((s[0] == '-' || s[0] == '+') ? 1 : 0);
    bool digits = false, point = false;
    for (; *p; p++) {
        if (g_ascii_isdigit(*p))
            digits = true;
        else if (*p == '.' && !point)
            point = true;
        else
            return true;
    }
    return !digits;
}

void csv_field(GString *out, const char *s, bool last, int flags)
{
    char *safe = NULL;
    if (!(flags & KP_CSV_KEEP_FORMULAS) && runs_as_formula(s))
        s = safe = g_strconcat("'", s, NULL);
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
    g_free(safe);
}

static void figure_line(GString *out, int flags, const kp_goal *g, const kp_row *r,
                        const char *kind, int fy, const kp_quantity *q)
{
    char num[32];
    snprintf(num, sizeof num, "%d", g->number);
    csv_field(out, num, false, flags);
    snprintf(num, sizeof num, "%d", r->measure);
    csv_field(out, r->measure ? num : "", false, flags);
    snprintf(num, sizeof num, "%d", r->number);
    csv_field(out, num, false, flags);
    csv_field(out, r->kpi_name ? r->kpi_name : "", false, flags);
    csv_field(out, kind, false, flags);
    snprintf(num, sizeof num, "%d", fy);
    csv_field(out, fy ? num : "", false, flags);
    char *value = q->has_value ? decimal_to_string(q->value) : NULL;
    csv_field(out, value ? value : "", false, flags);
    g_free(value);
    csv_field(out, q->has_value && q->unit ? q->unit : "", false, flags);
    csv_field(out, q->text, false, flags);
    csv_field(out, q->cumulative ? "true" : "false", false, flags);
    csv_field(out, q->qualifier ? q->qualifier : "", true, flags);
}

char *document_to_csv(const kp_document *doc, int flags)
{
    GString *out = g_string_new(flags & KP_CSV_BOM ? "\xEF\xBB\xBF" : "");
    g_string_append(out, "goal,measure,row,kpi,kind,fy,value,unit,text,cumulative,qualifier\r\n");
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(doc->goals, gi);
        for (guint ri = 0; ri < g->rows->len; ri++) {
            const kp_row *r = g_ptr_array_index(g->rows, ri);
            if (r->baseline)
                figure_line(out, flags, g, r, "baseline", r->baseline->fy, r->baseline);
            for (guint i = 0; i < r->actuals->len; i++) {
                const kp_actual *a = g_ptr_array_index(r->actuals, i);
                figure_line(out, flags, g, r, "actual", a->fy, a->quantity);
            }
            if (r->target)
                figure_line(out, flags, g, r, "target", r->target->fy, r->target);
        }
    }
    return g_string_free(out, FALSE);
}
