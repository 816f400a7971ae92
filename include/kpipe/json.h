/* kpipe — kpi-json: the model as jansson values, and the one writer that
 * turns any jansson value into RFC 8785 canonical bytes (or indented ones
 * with the same key order). jansson's own dump is not used: it formats reals
 * with %.17g and sorts keys by UTF-8 bytes, not by UTF-16 code units. */
#ifndef KPIPE_JSON_H
#define KPIPE_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "kpipe/error.h"
#include "kpipe/model.h"

/* The kpi-json/1 value of DOC (new reference). */
json_t *document_to_json(const kp_document *doc);
/* json_write(document_to_json(DOC), PRETTY), the same bytes, written a
 * goal and a diagnostic at a time: the document's whole tree is never in
 * memory. NULL as json_write. Newly allocated. */
char *document_json_text(const kp_document *doc, bool pretty);
/* One diagnostic (spec: Diagnostic). */
json_t *diagnostic_to_json(const kp_diagnostic *d);
/* One Quantity; a target (TARGET true) always has fy, other figures only a
 * year printed with them or in their column heading. */
json_t *quantity_to_json(const kp_quantity *q, bool target);

/* Canonical (RFC 8785) text of V, or indented by two spaces with a final
 * newline when PRETTY. NULL when V holds a number JSON cannot carry
 * (NaN, infinity). Newly allocated. */
char *json_write(const json_t *v, bool pretty);

/* Reads kpi-json/1 (as kpipe writes it) back into a document, for diffs.
 * NULL with ERR set (exit 2, with line and column where jansson knows them). */
kp_document *document_from_json(const char *data, size_t len, const char *file, kp_error *err);

/* ECMAScript Number::toString of V into OUT; false for NaN and infinities. */
bool jcs_number(double v, char out[40]);

/* Sorts UTF-8 keys by their UTF-16 code units, as RFC 8785 requires. */
int jcs_key_compare(const char *a, const char *b);

#endif
