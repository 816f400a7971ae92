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
    double size;           /* text outside tables: its glyphs' height in
                            * points (the largest heading is the title); 0
                            * where not known (text input, table rows) */
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
/* Writes the grid as tab-separated lines (the seed's layout). BEFORE, when
 * not NULL, holds for each line a comment to write above it (or NULL); such
 * comments begin with GRID_NOTE_PREFIX, and the text reader skips them. */
#define GRID_NOTE_PREFIX "# columns:"
char *grid_to_text(const kp_grid *grid, const char *const *before);

/* ---- rebuilding tables from a PDF page ---------------------------------
 * Coordinates are PDF points with the origin at the page's top-left corner
 * (poppler's convention), y growing downwards. */

typedef struct kp_glyph {
    gunichar c;
    double x0, y0, x1, y1;   /* poppler's box: line-height tall */
} kp_glyph;

/* A ruling line (a cell border): horizontal when wider than tall. */
typedef struct kp_ruling {
    double x0, y0, x1, y1;
} kp_ruling;

typedef struct kp_page {
    int number;              /* 1-based */
    double width, height;
    GArray *glyphs;          /* kp_glyph */
    GArray *rulings;         /* kp_ruling */
} kp_page;

/* The page's em: the median width of its full-width glyphs (their height
 * where there are none). Glyph boxes are no measure of the font size: their
 * height follows the font's ascent and descent, 1.3 to 2.6 ems. */
double glyphs_em(const GArray *glyphs);

/* Finds ruling lines in a page rendered at SCALE pixels a point: long thin
 * runs of dark pixels in an RGB24/ARGB32 image, once the glyph boxes are
 * masked out (text strokes are no borders). Returns kp_ruling in points. */
GArray *rulings_from_image(unsigned char *data, int width, int height, int stride, double scale,
                           const GArray *glyphs);

/* Accumulates pages into one grid: tables rebuilt from rulings (merged cells
 * kept as spans, their text in the top-left cell), text outside tables as
 * lines, and a table that runs onto the next page joined to its first part
 * with its repeated heading rows dropped. Pages may be released once added. */
typedef struct kp_layout kp_layout;
kp_layout *layout_new(void);
void layout_add_page(kp_layout *layout, const kp_page *page);
/* The grid of all pages added; frees LAYOUT. */
kp_grid *layout_finish(kp_layout *layout);

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
/* The kanji a radical stands for where fonts share one glyph between them
 * (⾧ and ⻑ for 長); any other character as it is. */
gunichar char_from_radical(gunichar c);

#endif
