/* kpipe — ruling lines from a rendered page (see include/kpipe/page.h).
 *
 * poppler-glib exposes no vector paths, so cell borders are found in the
 * page's pixels, painted without its glyphs (glyphless.c): long thin runs of
 * dark pixels, stacked over a few consecutive rows (or columns), are a
 * ruling. A dark run stack thicker than a border is a filled area and is
 * dropped. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kpipe/page.h"

#define DARK_LEVEL 224        /* green below this is ink: a hairline between pixel rows is grey */
/* Shaded cells (a heading row's grey, #ddd and darker) are ink at DARK_LEVEL
 * and dropped as filled areas, borders and all; a second scan at this level
 * sees the shading as paper and finds the borders drawn over it. */
#define SHADED_DARK_LEVEL 184
#define PAPER_LEVEL 240       /* green at or above this is paper, below it shading */
#define SLIVER_SAMPLES 7      /* points sampled along a ruling to tell it from shading */
#define SLIVER_SIDE_PX 3      /* how far beside a ruling its paper is sampled */
#define MIN_LENGTH_PT 5.0     /* shorter runs are never borders */
#define MAX_THICKNESS_PT 2.5  /* thicker stacks are filled areas */
/* Glyph strokes are at most an em long, while a border runs at least a row
 * high (a line and its padding) or a narrow column wide: runs shorter than
 * these are taken for text. */
#define MIN_VERTICAL_EMS 1.15
#define MIN_HORIZONTAL_EMS 1.5

typedef struct {
    int a0, a1;     /* extent along the line, pixels */
    int b0, b1;     /* first and last row (or column) of the stack */
    bool extended;
} run_stack;

static void close_stack(GArray *out, const run_stack *s, bool horizontal, double scale)
{
    int thickness = s->b1 - s->b0 + 1;
    if (thickness > (int)ceil(MAX_THICKNESS_PT * scale))
        return;
    double mid = (s->b0 + s->b1 + 1) / 2.0 / scale;
    kp_ruling r;
    if (horizontal) {
        r.x0 = s->a0 / scale;
        r.x1 = (s->a1 + 1) / scale;
        r.y0 = r.y1 = mid;
    } else {
        r.y0 = s->a0 / scale;
        r.y1 = (s->a1 + 1) / scale;
        r.x0 = r.x1 = mid;
    }
    g_array_append_val(out, r);
}

typedef struct {
    int a0, a1;
} run;

/* The runs of one row (or column) B: extends the open stacks they continue,
 * starts new ones, and closes the stacks they do not continue. */
static void stack_runs(const run *runs, int n, int b, GArray *open, GArray *out, bool horizontal,
                       double scale)
{
    for (guint k = 0; k < open->len; k++)
        g_array_index(open, run_stack, k).extended = false;
    for (int i = 0; i < n; i++) {
        int start = runs[i].a0, end = runs[i].a1;
        bool joined = false;
        for (guint k = 0; k < open->len && !joined; k++) {
            run_stack *s = &g_array_index(open, run_stack, k);
            if (s->extended || s->b1 != b - 1)
                continue;
            int lo = MAX(s->a0, start), hi = MIN(s->a1, end);
            int shorter = MIN(s->a1 - s->a0, end - start) + 1;
            if (hi - lo + 1 >= shorter * 8 / 10) { /* antialiased ends vary by a pixel */
                s->a0 = MIN(s->a0, start);
                s->a1 = MAX(s->a1, end);
                s->b1 = b;
                s->extended = true;
                joined = true;
            }
        }
        if (!joined) {
            run_stack s = {start, end, b, b, true};
            g_array_append_val(open, s);
        }
    }
    for (guint k = 0; k < open->len;) {
        run_stack *s = &g_array_index(open, run_stack, k);
        if (!s->extended) {
            close_stack(out, s, horizontal, scale);
            g_array_remove_index_fast(open, k);
        } else {
            k++;
        }
    }
}

typedef struct {
    int x, y0, y1;
} column_run;

static gint by_column(gconstpointer a, gconstpointer b)
{
    const column_run *x = a, *y = b;
    if (x->x != y->x)
        return (x->x > y->x) - (x->x < y->x);
    return (x->y0 > y->y0) - (x->y0 < y->y0);
}

/* One pass over the pixels, row by row (the cache's order): each row's dark
 * pixels give its horizontal runs at once and extend or end each column's
 * vertical run. The page was painted without its glyphs (glyphless.c); the
 * glyphs' size still says how long a stroke of type can be, for the ink of
 * a scan or of text drawn as paths. */
static void rulings_at_level(unsigned char *data, int width, int height, int stride,
                             double scale, const GArray *glyphs, int level, GArray *out)
{
    double em = glyphs_em(glyphs);
    int min_h = (int)ceil(MAX(MIN_LENGTH_PT, MIN_HORIZONTAL_EMS * em) * scale);
    int min_v = (int)ceil(MAX(MIN_LENGTH_PT, MIN_VERTICAL_EMS * em) * scale);

    /* dark gets 8 spare bytes so that the scan can read it a word at a time */
    uint8_t *dark = g_malloc0((size_t)width + 8);
    int *column_start = g_new(int, width);
    int *open_columns = g_new(int, width); /* the columns whose run goes on */
    int n_open = 0;
    for (int x = 0; x < width; x++)
        column_start[x] = -1;
    GArray *open = g_array_new(FALSE, FALSE, sizeof(run_stack));
    GArray *row_runs = g_array_new(FALSE, FALSE, sizeof(run));
    GArray *columns = g_array_new(FALSE, FALSE, sizeof(column_run));
    for (int y = 0; y <= height; y++) {
        if (y < height) {
            const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
            /* Green carries most of the luminance, and a border of any usual
             * colour (black, grey, blue, red) is dark in it. Branch-free: the
             * compiler vectorises it. */
            for (int x = 0; x < width; x++)
                dark[x] = (int)((row[x] >> 8) & 0xFF) < level;
        } else {
            memset(dark, 0, (size_t)width); /* past the last row: every run ends */
        }
        /* vertical runs that this row does not continue end here */
        int kept = 0;
        for (int k = 0; k < n_open; k++) {
            int x = open_columns[k];
            if (dark[x]) {
                open_columns[kept++] = x;
                continue;
            }
            if (y - column_start[x] >= min_v) {
                column_run c = {x, column_start[x], y - 1};
                g_array_append_val(columns, c);
            }
            column_start[x] = -1;
        }
        n_open = kept;
        /* this row's dark runs, skipping white paper a word at a time */
        g_array_set_size(row_runs, 0);
        int x = 0;
        while (x < width) {
            uint64_t word;
            memcpy(&word, dark + x, sizeof word);
            if (!word) {
                x += 8;
                continue;
            }
            if (!dark[x]) {
                x++;
                continue;
            }
            int start = x;
            for (; x < width && dark[x]; x++)
                if (column_start[x] < 0) {
                    column_start[x] = y;
                    open_columns[n_open++] = x;
                }
            if (x - start >= min_h) {
                run r = {start, x - 1};
                g_array_append_val(row_runs, r);
            }
        }
        stack_runs((const run *)row_runs->data, (int)row_runs->len, y, open, out, true, scale);
    }
    stack_runs(NULL, 0, height + 2, open, out, true, scale); /* closes the rest */
    g_array_set_size(open, 0);

    /* the vertical runs, column by column, stacked like the rows' */
    g_array_sort(columns, by_column);
    for (guint i = 0; i < columns->len;) {
        int x = g_array_index(columns, column_run, i).x;
        g_array_set_size(row_runs, 0);
        for (; i < columns->len && g_array_index(columns, column_run, i).x == x; i++) {
            run r = {g_array_index(columns, column_run, i).y0, g_array_index(columns, column_run, i).y1};
            g_array_append_val(row_runs, r);
        }
        stack_runs((const run *)row_runs->data, (int)row_runs->len, x, open, out, false, scale);
    }
    stack_runs(NULL, 0, width + 2, open, out, false, scale);

    g_array_free(open, TRUE);
    g_array_free(row_runs, TRUE);
    g_array_free(columns, TRUE);
    g_free(column_start);
    g_free(open_columns);
    g_free(dark);
}

static int green_at(const unsigned char *data, int width, int height, int stride, int x, int y)
{
    if (x < 0 || y < 0 || x >= width || y >= height)
        return 255;
    const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
    return (int)((row[x] >> 8) & 0xFF);
}

/* Does ruling R (found at DARK_LEVEL) lie inside shading: at most of the
 * points sampled along it, is the paper shaded on both sides? Such a line is
 * a thin band of shading, or a sliver of it left between the glyphs of a
 * shaded heading in a scan; a real border there is darker than the shading
 * and found again by the scan at SHADED_DARK_LEVEL. */
static bool shading_sliver(const unsigned char *data, int width, int height, int stride,
                           double scale, const kp_ruling *r)
{
    bool horizontal = r->x1 - r->x0 >= r->y1 - r->y0;
    int slivers = 0;
    for (int k = 1; k <= SLIVER_SAMPLES; k++) {
        double t = (double)k / (SLIVER_SAMPLES + 1);
        int x = (int)((r->x0 + t * (r->x1 - r->x0)) * scale);
        int y = (int)((r->y0 + t * (r->y1 - r->y0)) * scale);
        int side_a = horizontal ? green_at(data, width, height, stride, x, y - SLIVER_SIDE_PX)
                                : green_at(data, width, height, stride, x - SLIVER_SIDE_PX, y);
        int side_b = horizontal ? green_at(data, width, height, stride, x, y + SLIVER_SIDE_PX)
                                : green_at(data, width, height, stride, x + SLIVER_SIDE_PX, y);
        slivers += side_a < PAPER_LEVEL && side_b < PAPER_LEVEL;
    }
    return slivers * 2 > SLIVER_SAMPLES;
}

/* Is R one of the first N rulings of OUT again (within a pixel, along most
 * of its length)? */
static bool found_before(const GArray *out, guint n, const kp_ruling *r, double scale)
{
    bool horizontal = r->x1 - r->x0 >= r->y1 - r->y0;
    for (guint i = 0; i < n; i++) {
        const kp_ruling *o = &g_array_index(out, kp_ruling, i);
        if ((o->x1 - o->x0 >= o->y1 - o->y0) != horizontal)
            continue;
        double pos = horizontal ? r->y0 : r->x0, opos = horizontal ? o->y0 : o->x0;
        double a0 = horizontal ? r->x0 : r->y0, a1 = horizontal ? r->x1 : r->y1;
        double b0 = horizontal ? o->x0 : o->y0, b1 = horizontal ? o->x1 : o->y1;
        if (fabs(pos - opos) <= 1.5 / scale && MIN(a1, b1) - MAX(a0, b0) >= 0.9 * (a1 - a0))
            return true;
    }
    return false;
}

GArray *rulings_from_image(unsigned char *data, int width, int height, int stride, double scale,
                           const GArray *glyphs, double ox, double oy)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(kp_ruling));
    if (width <= 0 || height <= 0)
        return out;
    rulings_at_level(data, width, height, stride, scale, glyphs, DARK_LEVEL, out);
    for (guint i = 0; i < out->len;) {
        if (shading_sliver(data, width, height, stride, scale, &g_array_index(out, kp_ruling, i)))
            g_array_remove_index_fast(out, i);
        else
            i++;
    }
    guint first_scan = out->len;
    rulings_at_level(data, width, height, stride, scale, glyphs, SHADED_DARK_LEVEL, out);
    /* a border on white paper is found by both scans: keep it once */
    for (guint i = first_scan; i < out->len;) {
        if (found_before(out, first_scan, &g_array_index(out, kp_ruling, i), scale))
            g_array_remove_index_fast(out, i);
        else
            i++;
    }
    for (guint i = 0; i < out->len; i++) { /* from the image's points to the page's */
        kp_ruling *r = &g_array_index(out, kp_ruling, i);
        r->x0 += ox;
        r->x1 += ox;
        r->y0 += oy;
        r->y1 += oy;
    }
    return out;
}

/* ---- glyph boxes put back on their ink -------------------------------------
 * Where poppler gave a turned page's text backwards (see glyphs_backwards),
 * it also hung each glyph's box on the wrong side of the baseline: once the
 * page is upright, a line's boxes sit below its ink by the font's ascent less
 * its descent (0 to a box's height). Each line's boxes are moved onto the ink
 * the upright image shows there. */

/* Ink rows this far apart (in box heights) are one band (a kanji's strokes
 * leave gaps); a row dark across this share of a line is a ruling, not ink. */
#define INK_GAP_HEIGHTS 0.15
/* Text is set dark: green below this is a glyph's ink, not a shaded cell's
 * grey (which DARK_LEVEL counts as dark, to find borders in it). */
#define TEXT_INK_LEVEL 128
#define RULING_SHARE 0.9
/* With no ink to go by, a line moves up by this share of its box height
 * (the ascent of a CJK font is about three quarters of its box). */
#define DEFAULT_LIFT 0.5

/* How far (pt, negative: up) the line of boxes X0..X1 × Y0..Y1 must move to
 * sit on its ink in the image. */
static double line_lift(const unsigned char *data, int width, int height, int stride,
                        double scale, double ox, double oy, double x0, double x1, double y0,
                        double y1)
{
    double box = y1 - y0, centre = (y0 + y1) / 2;
    int px0 = CLAMP((int)ceil((x0 - ox) * scale), 0, width);
    int px1 = CLAMP((int)floor((x1 - ox) * scale), 0, width);
    int top = CLAMP((int)floor((y0 - box - oy) * scale), 0, height);
    int bottom = CLAMP((int)ceil((y1 - oy) * scale), 0, height);
    int gap = MAX(1, (int)(INK_GAP_HEIGHTS * box * scale));
    double want = centre - DEFAULT_LIFT * box, best = want, best_distance = G_MAXDOUBLE;
    int band_top = -1, band_bottom = -1;
    for (int y = top; y <= bottom && px1 > px0; y++) {
        int dark = 0;
        for (int x = px0; y < bottom && x < px1; x++)
            dark += green_at(data, width, height, stride, x, y) < TEXT_INK_LEVEL;
        bool ink = dark > 0 && dark < RULING_SHARE * (px1 - px0);
        if (ink && band_top >= 0 && y - band_bottom <= gap) {
            band_bottom = y;
            continue;
        }
        if (band_top >= 0) { /* a band ends: is it the line's? */
            double c = ((band_top + band_bottom + 1) / 2.0) / scale + oy;
            if (fabs(c - want) < best_distance) {
                best_distance = fabs(c - want);
                best = c;
            }
            band_top = -1;
        }
        if (ink)
            band_top = band_bottom = y;
    }
    return best - centre;
}

typedef struct {
    guint start, end; /* glyphs [start, end) */
    double box;       /* their box height */
    double lift;      /* measured on the ink; NAN where too short to say */
} ink_line;

static gint by_double(gconstpointer a, gconstpointer b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Lines shorter than this (glyphs) are not measured: a line of two glyphs
 * ("No") is too little ink to tell its own from its neighbour's. */
#define MIN_MEASURED_GLYPHS 3

/* The lift of lines of box height BOX: the median lift a box height of the
 * measured lines of that height (one font and size: one ascent and
 * descent), else of all measured lines, else DEFAULT_LIFT. */
static double lift_for(const GArray *lines, double box)
{
    GArray *same = g_array_new(FALSE, FALSE, sizeof(double));
    GArray *all = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; i < lines->len; i++) {
        const ink_line *l = &g_array_index(lines, ink_line, i);
        if (isnan(l->lift))
            continue;
        double share = l->lift / l->box;
        g_array_append_val(all, share);
        if (fabs(l->box - box) < 0.05 * box)
            g_array_append_val(same, share);
    }
    GArray *use = same->len ? same : all;
    double share = -DEFAULT_LIFT;
    if (use->len) {
        g_array_sort(use, by_double);
        share = g_array_index(use, double, use->len / 2);
    }
    g_array_free(same, TRUE);
    g_array_free(all, TRUE);
    return share * box;
}

void glyphs_snap_to_ink(GArray *glyphs, const unsigned char *data, int width, int height,
                        int stride, double scale, double ox, double oy)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(ink_line));
    guint start = 0;
    for (guint i = 1; i <= glyphs->len; i++) {
        const kp_glyph *a = &g_array_index(glyphs, kp_glyph, i - 1);
        if (i < glyphs->len) {
            const kp_glyph *b = &g_array_index(glyphs, kp_glyph, i);
            double box = a->y1 - a->y0;
            if (b->hung_below == a->hung_below && fabs(b->y0 - a->y0) < 0.05 * box &&
                fabs(b->y1 - a->y1) < 0.05 * box && b->x0 >= a->x0 && b->x0 - a->x1 < box)
                continue; /* the same line */
        }
        const kp_glyph *first = &g_array_index(glyphs, kp_glyph, start);
        if (!first->hung_below) { /* a line poppler read the right way */
            start = i;
            continue;
        }
        ink_line l = {start, i, first->y1 - first->y0, NAN};
        if (i - start >= MIN_MEASURED_GLYPHS && l.box > 0)
            l.lift = line_lift(data, width, height, stride, scale, ox, oy, first->x0, a->x1,
                               first->y0, first->y1);
        g_array_append_val(lines, l);
        start = i;
    }
    /* each line moves by its font's lift, measured over the page: one
     * line's ink may mislead (a neighbour's, a heading's shading) */
    for (guint i = 0; i < lines->len; i++) {
        const ink_line *l = &g_array_index(lines, ink_line, i);
        double lift = lift_for(lines, l->box);
        for (guint j = l->start; j < l->end; j++) {
            kp_glyph *g = &g_array_index(glyphs, kp_glyph, j);
            g->y0 += lift;
            g->y1 += lift;
        }
    }
    g_array_free(lines, TRUE);
}
