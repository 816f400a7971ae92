/* kpipe — the spec's tidy CSV: one figure a line, RFC 4180, UTF-8. */
#ifndef KPIPE_CSV_H
#define KPIPE_CSV_H

#include <stdbool.h>

#include "kpipe/model.h"

/* goal,measure,row,kpi,kind,fy,value,unit,text,cumulative,qualifier — one
 * line per baseline, actual and target present; CRLF line ends; BOM adds the
 * byte-order mark Japanese Windows spreadsheets need. Newly allocated. */
char *document_to_csv(const kp_document *doc, bool bom);

#endif
