/* kpipe — the grid: tables as lines of cells, whatever the input was.
 *
 * text.c reads a grid from tab-separated text; the layout (layout.c) rebuilds
 * one from a PDF's pages. parse.c reads only grids. Cell text is valid UTF-8
 * as printed; a line break inside a cell is kept as one space. */
#ifndef KPIPE_GRID_H
#define KPIPE_GRID_H

#include <glib.h>
#include <stdbool.h>

#include "kpipe/model.h"

typedef struct kp_grid_line {
    GPtrArray *cells;      /* char *, owned */
    kp_location where;     /* text line, or PDF page and box */
    double size;           /* text outside tables: its glyphs' height in
                            * points (the largest heading is the title); 0
                            * where not known (text input, table rows) */
    GArray *confidence;    /* float per cell: the least OCR confidence of its
                            * characters (0–100); NULL when no cell of the
                            * line was read by OCR */
} kp_grid_line;

/* A cell's confidence when it was printed as text, not read by OCR. */
#define GRID_CERTAIN 100.0f

typedef struct kp_grid {
    GPtrArray *lines;      /* kp_grid_line *, owned */
} kp_grid;

kp_grid *grid_new(void);
void grid_free(kp_grid *grid);
void grid_line_free(kp_grid_line *line); /* NULL is nothing */

/* Where an input's lines go, in order, as they are laid out (so that pages
 * need not all be held): LINE takes each line (to free with
 * grid_line_free), OCR true when its page was read by OCR or one before it
 * was; RESTART says the lines so far are void (the document is read again,
 * by OCR). */
typedef struct kp_line_sink {
    void (*line)(void *ctx, kp_grid_line *line, bool ocr);
    void (*restart)(void *ctx);
    void *ctx;
} kp_line_sink;
/* A sink that gathers the lines into GRID (emptied on restart). */
kp_line_sink grid_sink(kp_grid *grid);
/* A line of no cells at WHERE, on its own (grid_line_free) or appended. */
kp_grid_line *grid_line_new(kp_location where);
kp_grid_line *grid_add_line(kp_grid *grid, kp_location where);
void grid_line_add_cell(kp_grid_line *line, const char *text);
/* Appends a cell read by OCR with CONFIDENCE (0–100; GRID_CERTAIN for one
 * printed as text). */
void grid_line_add_read_cell(kp_grid_line *line, const char *text, float confidence);
/* How sure the text of cell N of LINE is: GRID_CERTAIN unless OCR read it. */
float grid_cell_confidence(const kp_grid_line *line, guint n);
/* Cell N of LINE, or "" past its end. */
const char *grid_cell(const kp_grid_line *line, guint n);
/* Writes the grid as tab-separated lines (the seed's layout). BEFORE, when
 * not NULL, holds for each line a comment to write above it (or NULL); such
 * comments begin with GRID_NOTE_PREFIX, and the text reader skips them. */
#define GRID_NOTE_PREFIX "# columns:"
char *grid_to_text(const kp_grid *grid, const char *const *before);

#endif
