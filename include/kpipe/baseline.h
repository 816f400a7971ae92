/* kpipe — accepted findings, for CI: a report `check --format json` wrote
 * earlier is a baseline; the findings it holds are marked accepted (still
 * reported, they fail nothing) and only new ones fail the run, the way
 * linters adopt an existing codebase. And findings left out by code
 * (--ignore). */
#ifndef KPIPE_BASELINE_H
#define KPIPE_BASELINE_H

#include <stdbool.h>

#include "kpipe/error.h"
#include "kpipe/model.h"

typedef struct kp_baseline kp_baseline;

/* Reads FILE, a kpi-check/1 report; NULL with ERR set. */
kp_baseline *baseline_load(const char *file, kp_error *err);
void baseline_free(kp_baseline *baseline);

/* Marks the diagnostics of DOC (read from input FILE) that BASELINE holds
 * as accepted. A finding is the same when its code, goal, row and field are
 * (the message too, for one that names no row), wherever it was found:
 * pages and lines move when a document is extracted again. The baseline's
 * file of the same name (its extensions aside) is used, or its only file. */
void baseline_apply(const kp_baseline *baseline, kp_document *doc, const char *file);

/* Is CODES (comma-separated) a list of known check codes? ERR names the
 * first that is not. */
bool codes_known(const char *codes, kp_error *err);
/* Removes the diagnostics of DOC whose code is in CODES (comma-separated). */
void diagnostics_drop(kp_document *doc, const char *codes);

#endif
