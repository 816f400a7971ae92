/* kpipe — a cairo context on which poppler paints a page without its text
 * (glyphless.c), for finding rulings: private to pdf.c. */
#ifndef KPIPE_GLYPHLESS_H
#define KPIPE_GLYPHLESS_H

#include <cairo.h>

/* Marks CR so that glyphs shown on it draw nothing; paths, images and
 * shading draw as ever, and poppler still collects the page's text. */
void paint_without_glyphs(cairo_t *cr);

#endif
