/* kpipe — checking the figures: each check has a stable code and a severity,
 * and adds diagnostics a clerk can act on (what, where, what was expected).
 * Also works out the assessment of every row with a numeric target. */
#ifndef KPIPE_VALIDATE_H
#define KPIPE_VALIDATE_H

#include "kpipe/model.h"

/* The checks, in the order they run (README "Checks"). */
typedef struct kp_check_info {
    const char *code;
    kp_severity severity;
    const char *summary;    /* one line, for SARIF rule descriptions and --help */
} kp_check_info;

const kp_check_info *validate_checks(size_t *count);

/* Runs every check on DOC, appending diagnostics after those parse.c made,
 * and fills each row's assessment. */
void validate_document(kp_document *doc);

/* Individual parts, for their unit tests. */
void assess_row(const kp_document *doc, kp_row *row);

#endif
