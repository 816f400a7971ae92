/* kpipe — the page model (see include/kpipe/page.h): the page's em. */
#include "kpipe/page.h"

#include <math.h>

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


/* ---- turning a page upright ----------------------------------------------
 * A page with /Rotate (or drawn sideways) reaches kpipe with its text running
 * down, up or right to left. Consecutive glyphs of its text layer vote for
 * the direction their text runs; the page is turned (glyphs and rulings
 * alike) so that it runs left to right, as the layout expects. */

/* Votes a turn needs, and its lead over reading as it is: a few vertical
 * headings (縦書き) in an upright table never turn it. */
#define TURN_MIN_VOTES 20
#define TURN_LEAD 3

int page_text_turns(const GArray *glyphs)
{
    int votes[4] = {0, 0, 0, 0}; /* runs right, down, left, up */
    for (guint i = 1; glyphs && i < glyphs->len; i++) {
        const kp_glyph *a = &g_array_index(glyphs, kp_glyph, i - 1);
        const kp_glyph *b = &g_array_index(glyphs, kp_glyph, i);
        if (g_unichar_isspace(a->c) || g_unichar_isspace(b->c))
            continue;
        double size = MAX(MAX(a->x1 - a->x0, a->y1 - a->y0), MAX(b->x1 - b->x0, b->y1 - b->y0));
        double dx = (b->x0 + b->x1 - a->x0 - a->x1) / 2, dy = (b->y0 + b->y1 - a->y0 - a->y1) / 2;
        if (fabs(dx) > 1.5 * size || fabs(dy) > 1.5 * size)
            continue; /* not neighbours in a line */
        if (fabs(dx) > 2 * fabs(dy))
            votes[dx > 0 ? 0 : 2]++;
        else if (fabs(dy) > 2 * fabs(dx))
            votes[dy > 0 ? 1 : 3]++;
    }
    int best = 0;
    for (int t = 1; t < 4; t++)
        if (votes[t] > votes[best])
            best = t;
    return best && votes[best] >= TURN_MIN_VOTES && votes[best] > TURN_LEAD * votes[0] ? best : 0;
}

void page_turn_matrix(int turns, double w, double h, double m[6])
{
    /* upright x = m[0] x + m[2] y + m[4]; upright y = m[1] x + m[3] y + m[5] */
    static const double unit[4][6] = {
        {1, 0, 0, 1, 0, 0},   /* as it is */
        {0, -1, 1, 0, 0, 1},  /* ran down: x is y, y is w - x */
        {-1, 0, 0, -1, 1, 1}, /* ran right to left: x is w - x, y is h - y */
        {0, 1, -1, 0, 1, 0},  /* ran up: x is h - y, y is x */
    };
    const double *u = unit[turns & 3];
    for (int i = 0; i < 4; i++)
        m[i] = u[i];
    m[4] = u[4] * ((turns & 3) == 3 ? h : w);
    m[5] = u[5] * ((turns & 3) == 1 ? w : h);
}

void glyphs_turn(GArray *glyphs, double w, double h, int turns)
{
    double m[6];
    page_turn_matrix(turns, w, h, m);
    for (guint i = 0; glyphs && i < glyphs->len; i++) {
        kp_glyph *g = &g_array_index(glyphs, kp_glyph, i);
        double xa = m[0] * g->x0 + m[2] * g->y0 + m[4], ya = m[1] * g->x0 + m[3] * g->y0 + m[5];
        double xb = m[0] * g->x1 + m[2] * g->y1 + m[4], yb = m[1] * g->x1 + m[3] * g->y1 + m[5];
        g->x0 = MIN(xa, xb);
        g->x1 = MAX(xa, xb);
        g->y0 = MIN(ya, yb);
        g->y1 = MAX(ya, yb);
    }
}
