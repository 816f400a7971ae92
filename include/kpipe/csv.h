/* kpipe — the spec's tidy CSV: one figure a line, RFC 4180, UTF-8. */
#ifndef KPIPE_CSV_H
#define KPIPE_CSV_H

#include <glib.h>
#include <stdbool.h>

#include "kpipe/model.h"

enum {
    KP_CSV_BOM = 1,            /* the byte-order mark Japanese Windows spreadsheets need */
    KP_CSV_KEEP_FORMULAS = 2,  /* cells as printed, even those a spreadsheet would run */
};

/* goal,measure,row,kpi,kind,fy,value,unit,text,cumulative,qualifier — one
 * line per baseline, actual and target present; CRLF line ends. A cell that
 * begins with = + - @ (or a tab or CR) and is not a plain number is written
 * with a leading ' so that a spreadsheet shows it rather than runs it as a
 * formula (CSV injection), unless FLAGS has KP_CSV_KEEP_FORMULAS. Newly
 * allocated. */
char *document_to_csv(const kp_document *doc, int flags);

/* One field S (NULL: empty) onto OUT as above, then a comma, or CRLF when it
 * is the LAST of its line. */
void csv_field(GString *out, const char *s, bool last, int flags);

#endif
