/* kpipe — figures: one cell's text to a Quantity, by the rules in
 * rules/figure.rules, scale.rules, unit.rules, qualifier.rules,
 * nofigure.rules, and fiscal years by rules/era.rules. */
#ifndef KPIPE_QUANTITY_H
#define KPIPE_QUANTITY_H

#include <stdbool.h>

#include "kpipe/error.h"
#include "kpipe/model.h"
#include "kpipe/rules.h"

typedef enum {
    KP_FIGURE_OK,
    KP_FIGURE_MALFORMED,     /* value null; an error for the document */
    KP_FIGURE_UNKNOWN_UNIT   /* value kept; the counter is not in unit.rules */
} kp_figure_status;

typedef struct kp_figure_check {
    kp_figure_status status;
    char reason[200];        /* why, for the diagnostic message */
} kp_figure_check;

/* Parses one figure cell. Returns NULL for a blank cell; otherwise a new
 * Quantity (value null for no-figure marks and malformed cells), with CHECK
 * saying whether it needs a diagnostic. */
kp_quantity *quantity_parse(const kp_rules *rules, const char *cell, kp_figure_check *check);

/* What a figure cell is read with: where a bare number takes its unit from
 * (a 単位 column, a unit ending the KPI name, the table's 単位), and a KPI
 * name the cell may repeat before the figure. Either may be NULL. */
typedef struct kp_figure_context {
    const char *unit;
    const char *prefix;
} kp_figure_context;

/* quantity_parse with CTX: the prefix is skipped, a bare number takes CTX's
 * unit (its scale word folded in: 1,204 in 千円 is 1204000 円), a year
 * printed with the figure becomes its fy. `text` stays as printed. */
kp_quantity *quantity_parse_in(const kp_rules *rules, const char *cell,
                               const kp_figure_context *ctx, kp_figure_check *check);

/* Does UNIT (千円, ha, %) read as a unit of rules/unit.rules? */
bool unit_is_known(const kp_rules *rules, const char *unit);

/* The fiscal year named in TEXT (R2年度, 令和元年度, H27年度, 2020年度, …):
 * the whole text when WHOLE, else the first one found in it. 0 if none. */
int fiscal_year_parse(const kp_rules *rules, const char *text, bool whole);
/* The fiscal year of the first year or date in TEXT, where a month-end date
 * names the fiscal year that ends then (H28年3月末 → 2015; R2.3 → 2019). */
int fiscal_year_dated(const kp_rules *rules, const char *text);
/* Does TEXT name its first year in an era (令和2年度, H27), not 2020年度? */
bool fiscal_year_era(const kp_rules *rules, const char *text);

/* Checks what the figure code needs of the rules: the required rules exist,
 * scale names are whole numbers, era names are years. Sets ERR (exit 2). */
bool quantity_rules_check(const kp_rules *rules, kp_error *err);

#endif
