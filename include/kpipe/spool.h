/* kpipe — a long document's rows and diagnostics parked in a temporary file
 * as they are read, so that the memory a document needs does not grow with
 * its pages: kpi-json puts diagnostics first and each goal's rows together,
 * while a PDF gives them page by page, so they wait somewhere until the
 * document is finished — on disk, not in memory.
 *
 * A spooled document is read through goal_rows_each and
 * document_diagnostics_each (kpi-json's writer, the checks); the renderers
 * that walk kp_goal.rows themselves take a document held in memory. */
#ifndef KPIPE_SPOOL_H
#define KPIPE_SPOOL_H

#include <stdbool.h>

#include "kpipe/model.h"

typedef struct kp_spool kp_spool;

/* An unlinked temporary file (in TMPDIR) for DOC, which owns it from here;
 * false when none could be made: DOC then keeps everything in memory. */
bool document_spool(kp_document *doc);

/* Moves DOC's rows (each goal's, but KEEP, which its table may still add
 * to) and its diagnostics to the spool. Without a spool, or once it failed,
 * they stay where they are. */
void document_park(kp_document *doc, const kp_row *keep);

/* Diagnostics stay in memory from here on (an OCR'd document: its checks
 * look back at the findings so far), those parked brought back first. */
void document_keep_diagnostics(kp_document *doc);

/* False once the spool could not be written or read back: what was parked
 * is lost, and the document must not be written. */
bool document_spool_failed(const kp_document *doc);

/* Rows G has, parked or not. */
guint goal_row_count(const kp_goal *g);

/* FN on each of G's rows in order, a parked one read back for the call and
 * (when UPDATE) parked again after it; false when the spool failed. */
typedef void (*kp_row_fn)(kp_row *row, void *ctx);
bool goal_rows_each(kp_goal *g, bool update, kp_row_fn fn, void *ctx);

/* What the numbering checks need of every row of G, in order. */
GArray *goal_row_keys(const kp_goal *g); /* kp_parked_row, AT and LEN unset */

/* FN on each of DOC's diagnostics in order; false when the spool failed. */
typedef void (*kp_diagnostic_fn)(const kp_diagnostic *d, void *ctx);
bool document_diagnostics_each(const kp_document *doc, kp_diagnostic_fn fn, void *ctx);

/* A row or a diagnostic as bytes and back (the spool's records; exposed
 * for their unit test). The unpacking ones return NULL for bytes they did
 * not write. */
void row_pack(const kp_row *row, GByteArray *out);
kp_row *row_unpack(const guint8 *data, size_t len);
void diagnostic_pack(const kp_diagnostic *d, GByteArray *out);
kp_diagnostic *diagnostic_unpack(const guint8 *data, size_t len);

#endif
