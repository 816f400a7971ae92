/* kpipe — the page model: what an input hands the layout for each page, its
 * glyph boxes and ruling lines, whoever made them (pdf.c from poppler-glib;
 * an OCR stage would make the same). Coordinates are PDF points with the
 * origin at the page's top-left corner (poppler's convention), y growing
 * downwards. */
#ifndef KPIPE_PAGE_H
#define KPIPE_PAGE_H

#include <glib.h>
#include <stdbool.h>

typedef struct kp_glyph {
    gunichar c;
    bool hung_below;         /* its box hangs below the baseline, not above
                              * (see glyphs_put_forward) */
    double x0, y0, x1, y1;   /* poppler's box: line-height tall */
    bool ocr;                /* read by OCR, not from a text layer */
    float confidence;        /* OCR's confidence in it, 0–100 (ocr only) */
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

/* The quarter turns (0–3) that bring a page's text upright: by the votes of
 * consecutive glyphs, its text runs right (0), down (1), left (2) or up (3)
 * (a page with /Rotate, or drawn sideways). */
int page_text_turns(const GArray *glyphs);
/* Puts lines poppler gave last glyph first (a turned page set in Type 3
 * fonts) in reading order, judged by what they say, and marks their glyphs
 * hung_below. Returns the lines turned round. */
guint glyphs_put_forward(GArray *glyphs);
/* The affine map (cairo's order: xx yx xy yy x0 y0) that turns a page of
 * W × H points TURNS quarter turns upright. */
void page_turn_matrix(int turns, double w, double h, double m[6]);
/* Turns glyph boxes of a page of W × H points upright. */
void glyphs_turn(GArray *glyphs, double w, double h, int turns);

/* Does a table run off the page's edge? A ruling that meets one side of the
 * page and not the other is a table the page box (a MediaBox or CropBox
 * smaller than the drawing) has cut: printers keep a margin, and a band
 * across the whole page meets both sides. */
bool page_cut_at_edge(const kp_page *page);

/* Finds ruling lines in a page rendered at SCALE pixels a point, the
 * image's top-left corner at page point (OX, OY): long thin runs of dark
 * pixels in an RGB24/ARGB32 image painted without its glyphs (text strokes
 * are no borders); GLYPHS, the page's text, say how long a stroke of type
 * can be. Returns kp_ruling in page points. */
GArray *rulings_from_image(unsigned char *data, int width, int height, int stride, double scale,
                           const GArray *glyphs, double ox, double oy);
/* Moves each line of glyph boxes hung below their baseline (glyphs of one
 * box height side by side)
 * up onto the ink that the same image shows for it: for text poppler gave
 * backwards, whose boxes hang below the baseline (see glyphs_backwards). */
void glyphs_snap_to_ink(GArray *glyphs, const unsigned char *data, int width, int height,
                        int stride, double scale, double ox, double oy);

#endif
