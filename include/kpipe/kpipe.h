/* kpipe — the front door: read an input (PDF, text table or kpi-json), parse
 * it, check it. The CLI, the tests and the fuzzers all come in here. */
#ifndef KPIPE_KPIPE_H
#define KPIPE_KPIPE_H

#include "kpipe/error.h"
#include "kpipe/grid.h"
#include "kpipe/model.h"
#include "kpipe/parse.h"
#include "kpipe/pdf.h"
#include "kpipe/rules.h"

/* The grid of an input already read (PDF by its header, else text). NULL
 * with ERR set. */
kp_grid *kp_grid_from_data(const char *file, const char *data, size_t len,
                           const kp_pdf_options *pdf, kp_source *source, kp_error *err);
/* Reads FILE into a grid; NULL with ERR set. */
kp_grid *kp_grid_load(const char *file, const kp_pdf_options *pdf, kp_source *source,
                      kp_error *err);
/* Reads FILE into a parsed and checked document: kpi-json (from an earlier
 * run) is read back as it was written. NOTES, when not NULL, receives the
 * parser's kp_table_note per table. NULL with ERR set. */
kp_document *kp_document_load(const char *file, const kp_pdf_options *pdf, const kp_rules *rules,
                              GArray *notes, kp_error *err);

/* kp_document_load with the rows and diagnostics of a PDF parked in a
 * temporary file as its pages are read (spool.h), so that memory does not
 * grow with its length: for what reads them through goal_rows_each and
 * document_diagnostics_each (kpi-json's writer), not kp_goal.rows. */
kp_document *kp_document_load_spooled(const char *file, const kp_pdf_options *pdf,
                                      const kp_rules *rules, kp_error *err);

/* kp_document_load in a child process, the document sent back as kpi-json:
 * an input that crashes kpipe (poppler, on a hostile PDF) ends only that
 * child, and is an error naming the file and the signal. */
kp_document *kp_document_load_isolated(const char *file, const kp_pdf_options *pdf,
                                       const kp_rules *rules, kp_error *err);

#endif
