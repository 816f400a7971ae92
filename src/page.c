/* kpipe — the page model (see include/kpipe/page.h): the page's em. */
#include "kpipe/page.h"

#include <math.h>
#include <string.h>

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

/* The direction from glyph A to the next, B (0 right, 1 down, 2 left, 3
 * up); -1 when they are no neighbours in a line. */
static int neighbour_direction(const kp_glyph *a, const kp_glyph *b)
{
    if (g_unichar_isspace(a->c) || g_unichar_isspace(b->c))
        return -1;
    double size = MAX(MAX(a->x1 - a->x0, a->y1 - a->y0), MAX(b->x1 - b->x0, b->y1 - b->y0));
    double dx = (b->x0 + b->x1 - a->x0 - a->x1) / 2, dy = (b->y0 + b->y1 - a->y0 - a->y1) / 2;
    if (fabs(dx) > 1.5 * size || fabs(dy) > 1.5 * size)
        return -1;
    if (fabs(dx) > 2 * fabs(dy))
        return dx > 0 ? 0 : 2;
    if (fabs(dy) > 2 * fabs(dx))
        return dy > 0 ? 1 : 3;
    return -1;
}

/* ---- text given backwards --------------------------------------------------
 * poppler takes the direction of text from its font's matrix; with Type 3
 * fonts (Chromium's) on a turned page it takes the opposite one, and gives
 * each line's glyphs last first. The boxes are right, the order is not, so
 * the order is judged by what it says: in a KPI table a figure's unit
 * follows its digits (25人, 2020年, 85%), and some words read one way only. */

static bool is_digit(gunichar c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* Does A before B read as Japanese KPI text is written? */
static bool reads_forward(gunichar a, gunichar b)
{
    static const char after_digits[] = "年月日人件円回社名台戸歳点%％";
    static const char *const words[] = {
        "年度", "目標", "基準", "実績", "施策", "指標", "計画", "基本", "現状", "進捗", "評価",
        "達成", "事業", "令和", "平成", "人口", "支援", "推進", "数値", "件数", "人数", "割合",
        "地域", "市民", "戦略", "総合", "創生", "成果", "状況", "取組", "雇用", "観光"};
    if (is_digit(a) && !is_digit(b)) {
        char u[8] = {0};
        g_unichar_to_utf8(b, u);
        return strstr(after_digits, u) != NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (g_utf8_get_char(words[i]) == a && g_utf8_get_char(g_utf8_next_char(words[i])) == b)
            return true;
    return false;
}

/* Signs a direction's lines must show before they are taken as backwards,
 * and their lead over the signs of reading forwards. */
#define BACKWARDS_MIN_SIGNS 6
#define BACKWARDS_LEAD 3

typedef struct {
    guint start, end; /* glyphs [start, end), neighbours one after another */
    int along;        /* their direction (see neighbour_direction) */
} glyph_line;

/* Does B go on from A in direction ALONG on the same line, however far
 * (text overflowing a cell, poppler breaking a line at a gap)? */
static bool goes_on(const kp_glyph *a, const kp_glyph *b, int along)
{
    if (g_unichar_isspace(b->c))
        return false;
    double w = a->x1 - a->x0, h = a->y1 - a->y0;
    bool same_row = fabs(b->y0 - a->y0) < 0.05 * h && fabs(b->y1 - a->y1) < 0.05 * h;
    bool same_column = fabs(b->x0 - a->x0) < 0.05 * w && fabs(b->x1 - a->x1) < 0.05 * w;
    switch (along) {
    case 0: return same_row && b->x0 >= a->x1 - 0.05 * w;
    case 2: return same_row && b->x1 <= a->x0 + 0.05 * w;
    case 1: return same_column && b->y0 >= a->y1 - 0.05 * h;
    case 3: return same_column && b->y1 <= a->y0 + 0.05 * h;
    default: return false;
    }
}

/* The lines of GLYPHS as poppler gave them: runs of neighbours that go on
 * in one direction. */
static GArray *glyph_lines(const GArray *glyphs)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(glyph_line));
    glyph_line l = {0, 0, -1};
    const kp_glyph *last = NULL; /* the line's last glyph other than a space */
    for (guint i = 0; i <= glyphs->len; i++) {
        const kp_glyph *b = i < glyphs->len ? &g_array_index(glyphs, kp_glyph, i) : NULL;
        if (b && g_unichar_isspace(b->c))
            continue; /* (poppler may put one between every two glyphs) */
        if (b && last) {
            int d = neighbour_direction(last, b);
            if (d >= 0 && (l.along < 0 || d == l.along)) {
                l.along = d;
                last = b;
                continue;
            }
            if (l.along >= 0 && goes_on(last, b, l.along)) { /* past a gap */
                last = b;
                continue;
            }
        }
        l.end = i;
        if (l.along >= 0)
            g_array_append_val(lines, l);
        l = (glyph_line){i, i, -1};
        last = b;
    }
    return lines;
}

static void reverse_line(GArray *glyphs, const glyph_line *l)
{
    for (guint a = l->start, b = l->end - 1; a < b; a++, b--) {
        kp_glyph t = g_array_index(glyphs, kp_glyph, a);
        g_array_index(glyphs, kp_glyph, a) = g_array_index(glyphs, kp_glyph, b);
        g_array_index(glyphs, kp_glyph, b) = t;
    }
    for (guint i = l->start; i < l->end; i++)
        g_array_index(glyphs, kp_glyph, i).hung_below = true;
}

/* How a direction's lines read, by their signs. */
typedef enum { READ_UNSURE, READ_FORWARD, READ_BACKWARD } line_reading;

static line_reading reading_of(int forward, int backward)
{
    if (backward >= BACKWARDS_MIN_SIGNS && backward > BACKWARDS_LEAD * forward)
        return READ_BACKWARD;
    if (forward >= BACKWARDS_MIN_SIGNS && forward > BACKWARDS_LEAD * backward)
        return READ_FORWARD;
    return READ_UNSURE;
}

static bool box_height_in(const GArray *heights, double box)
{
    for (guint i = 0; i < heights->len; i++)
        if (fabs(g_array_index(heights, double, i) - box) < 0.01)
            return true;
    return false;
}

guint glyphs_put_forward(GArray *glyphs)
{
    GArray *lines = glyph_lines(glyphs);
    /* one font's lines run one way: the signs of each direction are
     * counted over all its lines (a page may mix fonts poppler reads each
     * way, Type 3 headings over TrueType cells) */
    int forward[4] = {0}, backward[4] = {0};
    for (guint i = 0; i < lines->len; i++) {
        const glyph_line *l = &g_array_index(lines, glyph_line, i);
        for (guint j = l->start + 1; j < l->end; j++) {
            gunichar a = g_array_index(glyphs, kp_glyph, j - 1).c;
            gunichar b = g_array_index(glyphs, kp_glyph, j).c;
            forward[l->along] += reads_forward(a, b);
            backward[l->along] += reads_forward(b, a);
        }
    }
    line_reading reading[4];
    bool any_backward = false;
    for (int d = 0; d < 4; d++) {
        reading[d] = reading_of(forward[d], backward[d]);
        any_backward |= reading[d] == READ_BACKWARD;
    }
    guint reversed = 0;
    if (!any_backward) {
        g_array_free(lines, TRUE);
        return 0;
    }
    /* the glyphs of lines read the right way, and their box heights (their
     * fonts and sizes) */
    GArray *right = g_array_new(FALSE, FALSE, sizeof(double));
    bool *in_right = g_new0(bool, glyphs->len);
    for (guint i = 0; i < lines->len; i++) {
        const glyph_line *l = &g_array_index(lines, glyph_line, i);
        if (reading[l->along] == READ_BACKWARD) {
            reverse_line(glyphs, l);
            reversed++;
        } else if (reading[l->along] == READ_FORWARD) {
            const kp_glyph *g = &g_array_index(glyphs, kp_glyph, l->start);
            double box = g->y1 - g->y0;
            g_array_append_val(right, box);
            for (guint j = l->start; j < l->end; j++)
                in_right[j] = true;
        }
    }
    /* the rest (a glyph alone, a pair across two lines: no direction to
     * judge) hang below as the reversed lines do, unless lines of their box
     * height were read the right way */
    for (guint i = 0; i < glyphs->len; i++) {
        kp_glyph *g = &g_array_index(glyphs, kp_glyph, i);
        if (!g->hung_below && !in_right[i] && !g_unichar_isspace(g->c))
            g->hung_below = !box_height_in(right, g->y1 - g->y0);
    }
    g_free(in_right);
    g_array_free(right, TRUE);
    g_array_free(lines, TRUE);
    return reversed;
}

int page_text_turns(const GArray *glyphs)
{
    int votes[4] = {0, 0, 0, 0}; /* runs right, down, left, up */
    for (guint i = 1; glyphs && i < glyphs->len; i++) {
        int d = neighbour_direction(&g_array_index(glyphs, kp_glyph, i - 1),
                                    &g_array_index(glyphs, kp_glyph, i));
        if (d >= 0)
            votes[d]++;
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

/* A ruling this near a page edge (pt) meets it: rulings are found on an
 * image of one pixel a point, so a line cut by the edge ends in its last
 * pixel. */
#define EDGE_PT 1.0

bool page_cut_at_edge(const kp_page *page)
{
    for (guint i = 0; i < page->rulings->len; i++) {
        const kp_ruling *r = &g_array_index(page->rulings, kp_ruling, i);
        bool across = r->x1 - r->x0 >= r->y1 - r->y0; /* as ruling.c tells them */
        double lo = across ? MIN(r->x0, r->x1) : MIN(r->y0, r->y1);
        double hi = across ? MAX(r->x0, r->x1) : MAX(r->y0, r->y1);
        double end = across ? page->width : page->height;
        bool at_start = lo <= EDGE_PT, at_end = hi >= end - EDGE_PT;
        if (at_start != at_end)
            return true;
    }
    return false;
}
