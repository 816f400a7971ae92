/* kpipe — what changed between two editions of a plan (spec: kpi-diff/1).
 * Rows are matched by goal and KPI name, then by row number, so that a
 * renumbered row is a move and a renamed KPI a rename, not a removal plus an
 * addition. */
#ifndef KPIPE_DIFF_H
#define KPIPE_DIFF_H

#include <jansson.h>

#include "kpipe/model.h"

typedef enum {
    KP_CHANGE_ROW_ADDED,
    KP_CHANGE_ROW_REMOVED,
    KP_CHANGE_MOVED,        /* a renumbered row: "row" is its new number, "old_row" its old */
    KP_CHANGE_RENAMED,      /* the KPI's name changed: "kpi" new, "old_kpi" old */
    KP_CHANGE_BASELINE,
    KP_CHANGE_ADDED,        /* an actual blank before and present now */
    KP_CHANGE_REVISED,      /* a published figure whose value or unit changed */
    KP_CHANGE_REMOVED,
    KP_CHANGE_TARGET,
} kp_change_kind;

typedef struct kp_change {
    kp_change_kind kind;
    int goal, row, old_row;
    char *kpi, *old_kpi;
    char *field;              /* "actuals.2022", or NULL for a row-level change */
    int field_rank;           /* ordering within a row */
    const kp_quantity *old;   /* borrowed from the documents */
    const kp_quantity *new_;
    bool target;              /* the quantities are targets (written with fy) */
} kp_change;

typedef struct kp_diff {
    const kp_document *old, *new_;
    GPtrArray *changes;       /* kp_change *, ordered by goal, row, field */
    GPtrArray *warnings;      /* char *: the editions may not be of one plan */
} kp_diff;

/* Compares two documents; the diff borrows them and must not outlive them. */
kp_diff *diff_documents(const kp_document *old, const kp_document *new_);
void diff_free(kp_diff *diff);
/* The rows of one goal in two editions matched as the diff matches them (by
 * KPI name and number, then KPI name, then number): for each new row, the
 * index of the old row it continues, or -1. OLD_ROWS may be NULL. Newly
 * allocated, one int a new row. */
int *diff_row_origins(const GPtrArray *old_rows, const GPtrArray *new_rows);
const char *change_kind_name(kp_change_kind kind);
int diff_count(const kp_diff *diff, kp_change_kind kind);

json_t *diff_to_json(const kp_diff *diff);
/* For people: revisions first, then everything else, then a count. */
char *diff_to_text(const kp_diff *diff);

#endif
