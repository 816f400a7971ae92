/* kpipe — the page model (see include/kpipe/page.h): the page's em. */
#include "kpipe/page.h"

static gint compare_em(gconstpointer a, gconstpointer b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double glyphs_em(const GArray *glyphs)
{
    GArray *wide = g_array_new(FALSE, FALSE, sizeof(double));
    GArray *tall = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; glyphs && i < glyphs->len; i++) {
        const kp_glyph *g = &g_array_index(glyphs, kp_glyph, i);
        double w = g->x1 - g->x0, h = g->y1 - g->y0;
        if (g_unichar_isspace(g->c) || w <= 0 || h <= 0)
            continue;
        if (g_unichar_iswide(g->c))
            g_array_append_val(wide, w);
        else
            g_array_append_val(tall, h);
    }
    double em = 10.0;
    if (wide->len) {
        g_array_sort(wide, compare_em);
        em = g_array_index(wide, double, wide->len / 2);
    } else if (tall->len) {
        g_array_sort(tall, compare_em);
        em = g_array_index(tall, double, tall->len / 2) / 1.45;
    }
    g_array_free(wide, TRUE);
    g_array_free(tall, TRUE);
    return em;
}

