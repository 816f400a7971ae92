/* kpipe — ruling lines from a rendered page (see include/kpipe/layout.h).
 *
 * poppler-glib exposes no vector paths, so cell borders are found in the
 * page's pixels: the glyph boxes are masked out, then long thin runs of dark
 * pixels, stacked over a few consecutive rows (or columns), are a ruling. A
 * dark run stack thicker than a border is a filled area and is dropped. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kpipe/layout.h"

#define DARK_LEVEL 224        /* below this is ink: a hairline drawn between pixel rows is grey */
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

/* One row (or column) of the mask: extends the open stacks with its runs,
 * closes the stacks it does not continue. */
static void scan_line(const uint8_t *mask, int len, ptrdiff_t step, int b, int min_len,
                      GArray *open, GArray *out, bool horizontal, double scale)
{
    for (guint k = 0; k < open->len; k++)
        g_array_index(open, run_stack, k).extended = false;
    int a = 0;
    while (a < len) {
        if (!mask[a * step]) {
            a++;
            continue;
        }
        int start = a;
        while (a < len && mask[a * step])
            a++;
        int end = a - 1;
        if (end - start + 1 < min_len)
            continue;
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

GArray *rulings_from_image(unsigned char *data, int width, int height, int stride, double scale,
                           const GArray *glyphs)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(kp_ruling));
    if (width <= 0 || height <= 0)
        return out;
    uint8_t *mask = g_malloc((size_t)width * (size_t)height);
    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        uint8_t *m = mask + (size_t)y * (size_t)width;
        for (int x = 0; x < width; x++) {
            uint32_t p = row[x];
            unsigned lum = (((p >> 16) & 0xFF) * 3 + ((p >> 8) & 0xFF) * 6 + (p & 0xFF)) / 10;
            m[x] = lum < DARK_LEVEL;
        }
    }
    /* A glyph's box follows the font's ascent and descent and may reach over
     * a cell's border; its ink is about an em square around the box centre.
     * Mask the middle of that square, so that most strokes are gone while a
     * border beside the text stays. */
    double em = glyphs_em(glyphs);
    for (guint i = 0; glyphs && i < glyphs->len; i++) {
        const kp_glyph *g = &g_array_index(glyphs, kp_glyph, i);
        double w = g->x1 - g->x0, cy = (g->y0 + g->y1) / 2;
        if (w <= 0 || g_unichar_isspace(g->c))
            continue; /* poppler puts spaces between cells: they have no ink */
        int x0 = (int)floor((g->x0 + 0.15 * w) * scale), x1 = (int)ceil((g->x1 - 0.15 * w) * scale);
        int y0 = (int)floor((cy - 0.4 * em) * scale), y1 = (int)ceil((cy + 0.4 * em) * scale);
        x0 = CLAMP(x0, 0, width);
        x1 = CLAMP(x1, 0, width);
        y0 = CLAMP(y0, 0, height);
        y1 = CLAMP(y1, 0, height);
        for (int y = y0; y < y1; y++)
            memset(mask + (size_t)y * (size_t)width + x0, 0, (size_t)(x1 - x0));
    }
    int min_h = (int)ceil(MAX(MIN_LENGTH_PT, MIN_HORIZONTAL_EMS * em) * scale);
    int min_v = (int)ceil(MAX(MIN_LENGTH_PT, MIN_VERTICAL_EMS * em) * scale);
    GArray *open = g_array_new(FALSE, FALSE, sizeof(run_stack));
    for (int y = 0; y < height; y++)
        scan_line(mask + (size_t)y * (size_t)width, width, 1, y, min_h, open, out, true, scale);
    scan_line(mask, 0, 1, height + 1, min_h, open, out, true, scale); /* closes the rest */
    g_array_set_size(open, 0);
    for (int x = 0; x < width; x++)
        scan_line(mask + x, height, width, x, min_v, open, out, false, scale);
    scan_line(mask, 0, 1, width + 1, min_v, open, out, false, scale);
    g_array_free(open, TRUE);
    g_free(mask);
    return out;
}
