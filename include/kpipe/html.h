/* kpipe — the report people look at: one self-contained HTML page (inline
 * CSS and SVG, no script, no network) showing each KPI's path from its
 * baseline toward its target, per goal, readable on a phone and printable on
 * A4. Same document, same bytes. */
#ifndef KPIPE_HTML_H
#define KPIPE_HTML_H

#include <stddef.h>

#include "kpipe/model.h"

/* The report of the editions DOCS (N of them, oldest first, of one plan):
 * the newest is shown; with several, each KPI's chart draws one line per
 * edition and the figures a later edition revised are marked. Newly
 * allocated. */
char *documents_to_html(const kp_document *const *docs, size_t n);

#endif
