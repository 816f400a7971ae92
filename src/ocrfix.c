/* kpipe — figures of a row read by OCR mended from the row itself: a
 * counter misread (百方円, 位所, 作) that one misread character away is the
 * unit the row's other figures are in, with or without a scale word, is that
 * unit. A KPI's figures share one unit; the mended figure keeps its
 * ocr-uncertain warning. */
#include <string.h>

#include "parser.h"

#include "i18n.h"

/* The one base unit the row's figures with a known unit are in, or NULL
 * (none, or two). */
static const char *row_unit(const kp_row *row)
{
    const kp_quantity *qs[2] = {row->baseline, row->target};
    const char *unit = NULL;
    for (guint i = 0; i < 2 + row->actuals->len; i++) {
        const kp_quantity *q = i < 2 ? qs[i]
                                     : ((kp_actual *)g_ptr_array_index(row->actuals, i - 2))->quantity;
        if (!q || !q->has_value || !q->unit_known || !q->unit)
            continue;
        if (unit && strcmp(unit, q->unit) != 0)
            return NULL;
        unit = q->unit;
    }
    return unit;
}

/* The spelling of UNIT, bare or after one of the scale words, that COUNTER
 * is one character away from; NULL when none is, or two are. */
static char *unit_spelling_near(const kp_rules *rules, const char *counter, const char *unit)
{
    size_t n = 0;
    const kp_rule *const *scales = rules_set(rules, "scale", &n);
    char *found = NULL;
    for (size_t i = 0; i <= n; i++) {
        char *spelling = g_strconcat(i < n ? scales[i]->pattern : "", unit, NULL);
        if (cell_key_distance(counter, spelling, 1) <= 1) {
            if (found) {
                g_free(found);
                g_free(spelling);
                return NULL;
            }
            found = spelling;
        } else {
            g_free(spelling);
        }
    }
    return found;
}

/* Q read again with its counter written as SPELLING; NULL when that is no
 * figure in a known unit. */
static kp_quantity *read_with_unit(const kp_rules *rules, const kp_quantity *q,
                                   const char *spelling, const char *kpi)
{
    const char *at = g_strrstr(q->text, q->unit);
    if (!at)
        return NULL;
    GString *text = g_string_new_len(q->text, at - q->text);
    g_string_append(text, spelling);
    g_string_append(text, at + strlen(q->unit));
    kp_figure_context fc = {NULL, kpi};
    kp_figure_check check;
    kp_quantity *r = quantity_parse_in(rules, text->str, &fc, &check);
    g_string_free(text, TRUE);
    if (!r || !r->has_value || !r->unit_known || check.status != KP_FIGURE_OK) {
        quantity_free(r);
        return NULL;
    }
    g_free(r->text);
    r->text = g_strdup(q->text);
    if (!r->fy)
        r->fy = q->fy;
    return r;
}

static void mend_unit(const kp_rules *rules, kp_quantity **slot, const char *unit,
                      const char *kpi)
{
    kp_quantity *q = *slot;
    if (!q || !q->has_value || q->unit_known || !q->unit || !q->text)
        return;
    char *spelling = unit_spelling_near(rules, q->unit, unit);
    kp_quantity *r = spelling ? read_with_unit(rules, q, spelling, kpi) : NULL;
    g_free(spelling);
    if (r && !strcmp(r->unit, unit)) {
        quantity_free(q);
        *slot = r;
    } else {
        quantity_free(r);
    }
}

void row_units_mended(const kp_rules *rules, kp_row *row)
{
    const char *unit = row_unit(row);
    if (!unit)
        return;
    char *u = g_strdup(unit); /* the figure that holds it may be replaced */
    mend_unit(rules, &row->baseline, u, row->kpi_name);
    mend_unit(rules, &row->target, u, row->kpi_name);
    for (guint i = 0; i < row->actuals->len; i++)
        mend_unit(rules, &((kp_actual *)g_ptr_array_index(row->actuals, i))->quantity, u,
                  row->kpi_name);
    g_free(u);
}
