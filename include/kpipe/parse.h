/* kpipe — from a grid to the document model: the summary list (一覧表),
 * the detail tables (実施状況一覧), their rows and figures. */
#ifndef KPIPE_PARSE_H
#define KPIPE_PARSE_H

#include "kpipe/error.h"
#include "kpipe/grid.h"
#include "kpipe/model.h"
#include "kpipe/rules.h"

/* Builds the document of GRID. SOURCE is moved into the document (its name
 * is taken over). FILE names the input in errors. Returns NULL with ERR set
 * (exit 2) when no KPI table is found. Figure problems become diagnostics. */
kp_document *parse_document(const kp_grid *grid, const kp_rules *rules, kp_source *source,
                            const char *file, kp_error *err);

/* What the parser made of the grid's tables, for `kpipe text`: a comment
 * line ("# columns: no, measure, …") to show above the grid line LINE. */
typedef struct kp_table_note {
    guint line;
    char *text;
} kp_table_note;

/* parse_document, appending a kp_table_note per detail table to NOTES (the
 * caller frees each text). */
kp_document *parse_document_traced(const kp_grid *grid, const kp_rules *rules, kp_source *source,
                                   const char *file, GArray *notes, kp_error *err);

/* The same a line at a time, as an input's lines are laid out (pdf_read):
 * parse_begin, parse_line for each line in order (OCR: its page, or one
 * before it, was read by OCR), then parse_end with the input's SOURCE
 * (moved in) — or parse_abort. parse_restart forgets the lines so far.
 * SPOOLED: the document's rows and diagnostics are parked in a temporary
 * file as they are read (spool.h), so that a long one is not held. */
typedef struct kp_parse kp_parse;
kp_parse *parse_begin(const kp_rules *rules, GArray *notes, bool spooled);
void parse_line(kp_parse *ps, const kp_grid_line *line, bool ocr);
void parse_restart(kp_parse *ps);
kp_document *parse_end(kp_parse *ps, kp_source *source, const char *file, kp_error *err);
void parse_abort(kp_parse *ps);

/* Cell parsers, exposed for their unit tests. Each fills the row's arrays. */
void parse_projects(const kp_rules *rules, const char *cell, kp_row *row);
void parse_activities(const kp_rules *rules, const char *cell, kp_row *row);
/* Number of a circled numeral (① → 1), or 0. */
int circled_number(gunichar c);

/* Checks that the rules parse needs are present (exit 2 when not). */
bool parse_rules_check(const kp_rules *rules, kp_error *err);

#endif
