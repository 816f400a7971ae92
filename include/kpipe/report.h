/* kpipe — reporting the checks of one or more documents: for people (like a
 * compiler), for programs (JSON), for GitHub workflow annotations, and as
 * SARIF 2.1.0 for code-scanning dashboards. */
#ifndef KPIPE_REPORT_H
#define KPIPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "kpipe/error.h"
#include "kpipe/model.h"

typedef enum { KP_REPORT_TEXT, KP_REPORT_JSON, KP_REPORT_GITHUB, KP_REPORT_SARIF } kp_report_format;

/* One input checked: its document, or the error that made it unusable. */
typedef struct kp_checked {
    const char *file;
    const kp_document *doc;
    const kp_error *error;
} kp_checked;

/* Parses "text", "json", "github", "sarif"; false for anything else. */
bool report_format_parse(const char *name, kp_report_format *format);

/* The report of N inputs (newly allocated). COLOR: ANSI colours, text only. */
char *report_render(const kp_checked *inputs, size_t n, kp_report_format format, bool color,
                    const char *version);

/* Counts diagnostics of DOC by severity. */
void report_count(const kp_document *doc, int counts[3]);

#endif
