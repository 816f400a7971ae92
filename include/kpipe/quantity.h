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

/* The fiscal year named in TEXT (R2年度, 令和元年度, H27年度, 2020年度, …):
 * the whole text when WHOLE, else the first one found in it. 0 if none. */
int fiscal_year_parse(const kp_rules *rules, const char *text, bool whole);

/* Checks what the figure code needs of the rules: the required rules exist,
 * scale names are whole numbers, era names are years. Sets ERR (exit 2). */
bool quantity_rules_check(const kp_rules *rules, kp_error *err);

#endif
