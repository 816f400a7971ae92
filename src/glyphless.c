/* kpipe — pages painted without their glyphs, for the ruling canvas.
 *
 * Rulings are found in a page's pixels (ruling.c); its glyphs are no
 * rulings, and painting them costs most of a page's time: each Type 3
 * glyph's procedure is run again on every page (Chromium's PDFs carry more
 * Type 3 fonts a page than poppler's font cache holds), then rasterised —
 * only to be masked out again. Their ink was also, now and then, taken for
 * a border. poppler-glib collects a page's text while it paints it and has
 * no switch to leave text out, and cairo none to refuse glyphs; but poppler
 * shows all text through cairo_show_glyphs and cairo_show_text_glyphs on the
 * context it was given, and strokes or clips text (render modes 1, 2, 4–7:
 * LibreOffice strokes the glyphs of a CJK font it makes bold) with
 * cairo_glyph_path. These are defined here as well: a program's own
 * definitions come first in the dynamic linker's search, so poppler's calls
 * reach these. On a context marked by paint_without_glyphs they draw
 * nothing; on any other (a Type 3 glyph's own drawing, a page rendered for
 * OCR) they pass the call to cairo's, found by dlsym(RTLD_NEXT). No state
 * but the mark, which lives and dies with the context. */
#include <dlfcn.h>
#include <string.h>

#include "glyphless.h"

/* The mark's key: cairo tells user data apart by the key's address. */
static const cairo_user_data_key_t without_glyphs;

void paint_without_glyphs(cairo_t *cr)
{
    (void)cairo_set_user_data(cr, &without_glyphs, (void *)&without_glyphs, NULL);
}

static int glyphs_left_out(cairo_t *cr)
{
    return cr && cairo_get_user_data(cr, &without_glyphs) != NULL;
}

/* cairo's own definition of NAME (the next after this program's). */
static void *cairo_own(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

void cairo_show_glyphs(cairo_t *cr, const cairo_glyph_t *glyphs, int num_glyphs)
{
    if (glyphs_left_out(cr))
        return;
    void (*show)(cairo_t *, const cairo_glyph_t *, int);
    void *own = cairo_own("cairo_show_glyphs");
    if (!own)
        return;
    memcpy(&show, &own, sizeof show); /* ISO C has no object-to-function cast */
    show(cr, glyphs, num_glyphs);
}

void cairo_show_text_glyphs(cairo_t *cr, const char *utf8, int utf8_len,
                            const cairo_glyph_t *glyphs, int num_glyphs,
                            const cairo_text_cluster_t *clusters, int num_clusters,
                            cairo_text_cluster_flags_t cluster_flags)
{
    if (glyphs_left_out(cr))
        return;
    void (*show)(cairo_t *, const char *, int, const cairo_glyph_t *, int,
                 const cairo_text_cluster_t *, int, cairo_text_cluster_flags_t);
    void *own = cairo_own("cairo_show_text_glyphs");
    if (!own)
        return;
    memcpy(&show, &own, sizeof show);
    show(cr, utf8, utf8_len, glyphs, num_glyphs, clusters, num_clusters, cluster_flags);
}

/* Where a glyph path would go on a marked context, a rectangle this far
 * out on every side (device pixels): a clip to it clips nothing, as a clip
 * to the text would clip little, and a stroke of it draws off the canvas
 * (cairo's images are at most 32767 pixels a side). */
#define FAR_PX 1.0e6

void cairo_glyph_path(cairo_t *cr, const cairo_glyph_t *glyphs, int num_glyphs)
{
    if (glyphs_left_out(cr)) {
        cairo_matrix_t m;
        cairo_get_matrix(cr, &m);
        cairo_identity_matrix(cr);
        cairo_rectangle(cr, -FAR_PX, -FAR_PX, 2 * FAR_PX, 2 * FAR_PX);
        cairo_set_matrix(cr, &m);
        return;
    }
    void (*path)(cairo_t *, const cairo_glyph_t *, int);
    void *own = cairo_own("cairo_glyph_path");
    if (!own)
        return;
    memcpy(&path, &own, sizeof path);
    path(cr, glyphs, num_glyphs);
}
