/* kpipe — the grid: tables as lines of cells, whatever the input was.
 *
 * text.c reads a grid from tab-separated text; pdf.c and layout.c rebuild one
 * from a PDF page's glyphs and rulings. parse.c reads only grids. Cell text is
 * valid UTF-8 as printed; a line break inside a cell is kept as one space. */
#ifndef KPIPE_LAYOUT_H
#define KPIPE_LAYOUT_H

#include <glib.h>
#include <stdbool.h>

#include "kpipe/model.h"

typedef struct kp_grid_line {
    GPtrArray *cells;      /* char *, owned */
    kp_location where;     /* text line, or PDF page and box */
} kp_grid_line;

typedef struct kp_grid {
    GPtrArray *lines;      /* kp_grid_line *, owned */
} kp_grid;

kp_grid *grid_new(void);
void grid_free(kp_grid *grid);
kp_grid_line *grid_add_line(kp_grid *grid, kp_location where);
void grid_line_add_cell(kp_grid_line *line, const char *text);
/* Cell N of LINE, or "" past its end. */
const char *grid_cell(const kp_grid_line *line, guint n);
/* Writes the grid as tab-separated lines (the seed's layout). */
char *grid_to_text(const kp_grid *grid);

/* Cell text helpers. Each returns a newly allocated string. */
/* Joins text wrapped inside a cell: a whitespace run goes when a Japanese
 * character stands on either side of it, else becomes one space; the ends
 * are trimmed. */
char *cell_unwrap(const char *s);
/* Removes every whitespace character (figure cells). */
char *cell_strip_spaces(const char *s);
/* NFKC with all whitespace removed: the key for comparing names. */
char *cell_key(const char *s);
/* True for a character after which a wrapped line joins without a space. */
bool char_is_japanese(gunichar c);

#endif
