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
/* Where document_json_write puts its text, a piece at a time; false when
 * it could not (the write stops). */
typedef bool (*kp_json_sink)(void *ctx, const char *data, size_t len);
/* json_write(document_to_json(DOC), PRETTY), the same bytes, made a row
 * and a diagnostic at a time and handed to SINK as they gather: neither
 * the document's tree nor its whole text is ever in memory. False when
 * SINK failed or a number cannot be written (NaN, infinity). */
bool document_json_write(const kp_document *doc, bool pretty, kp_json_sink sink, void *ctx);
/* document_json_write's text in one string; NULL as json_write. */
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
