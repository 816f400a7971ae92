/* kpipe — the layout (see include/kpipe/layout.h): pages to the grid. */
#include "kpipe/layout.h"

#include <math.h>
#include <string.h>

#include "kpipe/celltext.h"

/* ======================================================================
 * Rebuilding tables from a page's glyphs and rulings.
 *
 * Rulings are snapped into lines (positions within a tolerance that scales
 * with the glyph size), lines that touch form one table, and the distinct
 * positions of a table's lines form its lattice. Between two lattice cells
 * with no border there is one merged cell. Each glyph goes to the cell that
 * holds its box centre; a cell's glyphs are read line by line. All of it is
 * sorting and binary search: nothing is quadratic in the glyphs.
 * ====================================================================== */

typedef struct {
    double pos;      /* y of a horizontal line, x of a vertical one */
    double a0, a1;   /* its extent along the other axis */
} line_seg;

typedef struct {
    GPtrArray *cells;      /* char * */
    GArray *confidence;    /* float per cell (see kp_grid_line) */
    kp_location where;
} out_row;

typedef struct {
    int page;
    int ncols;
    double *xs;            /* ncols + 1 column edges */
    double top, bottom;
    bool *open_bottom;     /* per column: no border under the last row, so a
                            * merged cell goes on on the next page */
    GPtrArray *rows;       /* out_row * */
} built_table;

typedef struct {
    double top;
    built_table *table;    /* a table, or else a text line: */
    GPtrArray *cells;      /* char * */
    GArray *confidence;    /* float per cell (see kp_grid_line) */
    kp_location where;
    double size;           /* a text line's median glyph height */
    bool running;          /* a page number or running head: short, in a margin */
} page_item;

struct kp_layout {
    kp_grid *grid;
    built_table *open;     /* may continue on the next page */
    GPtrArray *deferred;   /* page_item * of running lines met while a table was open */
};

static void out_row_free(gpointer p)
{
    out_row *r = p;
    g_ptr_array_free(r->cells, TRUE);
    g_array_free(r->confidence, TRUE);
    g_free(r);
}

static void built_table_free(built_table *t)
{
    if (!t)
        return;
    g_free(t->xs);
    g_free(t->open_bottom);
    g_ptr_array_free(t->rows, TRUE);
    g_free(t);
}

static void page_item_free(gpointer p)
{
    page_item *it = p;
    if (it->cells)
        g_ptr_array_free(it->cells, TRUE);
    if (it->confidence)
        g_array_free(it->confidence, TRUE);
    built_table_free(it->table);
    g_free(it);
}

kp_layout *layout_new(void)
{
    kp_layout *l = g_new0(kp_layout, 1);
    l->grid = grid_new();
    l->deferred = g_ptr_array_new_with_free_func(page_item_free);
    return l;
}

static gint compare_double(gconstpointer a, gconstpointer b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static gint compare_seg(gconstpointer a, gconstpointer b)
{
    const line_seg *x = a, *y = b;
    if (x->pos != y->pos)
        return (x->pos > y->pos) - (x->pos < y->pos);
    return (x->a0 > y->a0) - (x->a0 < y->a0);
}

/* Snaps segments whose positions lie within TOL to one position, and joins
 * collinear pieces whose gap is at most TOL. */
static GArray *snap_segments(GArray *segs, double tol)
{
    g_array_sort(segs, compare_seg);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(line_seg));
    guint i = 0;
    while (i < segs->len) {
        guint j = i;
        double sum = 0;
        while (j < segs->len &&
               g_array_index(segs, line_seg, j).pos - g_array_index(segs, line_seg, i).pos <= tol) {
            sum += g_array_index(segs, line_seg, j).pos;
            j++;
        }
        double pos = sum / (j - i);
        /* the cluster's pieces, by their start */
        GArray *pieces = g_array_new(FALSE, FALSE, sizeof(line_seg));
        for (guint k = i; k < j; k++) {
            line_seg s = g_array_index(segs, line_seg, k);
            s.pos = s.a0; /* sort key */
            g_array_append_val(pieces, s);
        }
        g_array_sort(pieces, compare_seg);
        line_seg cur = g_array_index(pieces, line_seg, 0);
        for (guint k = 1; k <= pieces->len; k++) {
            if (k < pieces->len && g_array_index(pieces, line_seg, k).a0 <= cur.a1 + tol) {
                cur.a1 = MAX(cur.a1, g_array_index(pieces, line_seg, k).a1);
                continue;
            }
            cur.pos = pos;
            g_array_append_val(out, cur);
            if (k < pieces->len)
                cur = g_array_index(pieces, line_seg, k);
        }
        g_array_free(pieces, TRUE);
        i = j;
    }
    return out;
}

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(int *parent, int a, int b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b)
        parent[MAX(a, b)] = MIN(a, b);
}

/* Distinct positions of SEGS (already snapped), within TOL, ascending. */
static GArray *distinct_positions(const GArray *segs, const int *members, int n, double tol)
{
    GArray *pos = g_array_new(FALSE, FALSE, sizeof(double));
    for (int k = 0; k < n; k++)
        g_array_append_val(pos, g_array_index(segs, line_seg, members[k]).pos);
    g_array_sort(pos, compare_double);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint k = 0; k < pos->len; k++) {
        double p = g_array_index(pos, double, k);
        if (out->len == 0 || p - g_array_index(out, double, out->len - 1) > tol)
            g_array_append_val(out, p);
    }
    g_array_free(pos, TRUE);
    return out;
}

/* Does a segment of SEGS (members) at POS cover most of [A0, A1]? */
static bool border_present(const GArray *segs, const int *members, int n, double pos, double a0,
                           double a1, double tol)
{
    double need = (a1 - a0) * 0.5;
    for (int k = 0; k < n; k++) {
        const line_seg *s = &g_array_index(segs, line_seg, members[k]);
        if (fabs(s->pos - pos) > tol)
            continue;
        double lo = MAX(s->a0, a0), hi = MIN(s->a1, a1);
        if (hi - lo >= need)
            return true;
    }
    return false;
}

static int position_index(const double *edges, int n, double v)
{
    /* the interval [edges[i], edges[i+1]) that holds V; -1 outside */
    if (v < edges[0] || v >= edges[n])
        return -1;
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (edges[mid] <= v)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

typedef struct {
    double cx, cy, h;
    guint index;
} glyph_ref;

static gint compare_by_cy(gconstpointer a, gconstpointer b)
{
    const glyph_ref *x = a, *y = b;
    if (x->cy != y->cy)
        return (x->cy > y->cy) - (x->cy < y->cy);
    return (x->cx > y->cx) - (x->cx < y->cx);
}

static gint compare_by_cx(gconstpointer a, gconstpointer b)
{
    const glyph_ref *x = a, *y = b;
    return (x->cx > y->cx) - (x->cx < y->cx);
}

/* Groups REFS (sorted by centre y) into lines: a glyph joins the line while
 * its centre lies within half an em of the line's mean centre.
 * Calls EMIT for each line, sorted by x. */
typedef void (*line_fn)(const kp_page *page, GArray *line, void *user);

static void group_lines(const kp_page *page, GArray *refs, line_fn emit, void *user)
{
    guint i = 0;
    GArray *line = g_array_new(FALSE, FALSE, sizeof(glyph_ref));
    while (i < refs->len) {
        g_array_set_size(line, 0);
        double sum = 0;
        guint j = i;
        while (j < refs->len) {
            const glyph_ref *r = &g_array_index(refs, glyph_ref, j);
            if (line->len && fabs(r->cy - sum / line->len) > 0.5 * r->h)
                break;
            g_array_append_val(line, *r);
            sum += r->cy;
            j++;
        }
        g_array_sort(line, compare_by_cx);
        emit(page, line, user);
        i = j;
    }
    g_array_free(line, TRUE);
}

/* Appends the glyphs of one line to OUT, dropping a glyph drawn twice at the
 * same place (fake bold) and putting a space where a gap is wider than a
 * third of an em (between words of Latin text). With SPLIT, a gap wider than
 * two ems starts a new cell instead. */
static void line_text(const kp_page *page, GArray *line, GPtrArray *cells, GArray *confidence,
                      bool split)
{
    GString *s = g_string_new(NULL);
    const kp_glyph *prev = NULL;
    float least = GRID_CERTAIN;
    for (guint k = 0; k < line->len; k++) {
        const glyph_ref *r = &g_array_index(line, glyph_ref, k);
        const kp_glyph *g = &g_array_index(page->glyphs, kp_glyph, r->index);
        if (prev) {
            if (g->c == prev->c && fabs(g->x0 - prev->x0) < 0.2 * r->h &&
                fabs(g->y0 - prev->y0) < 0.2 * r->h)
                continue;
            double gap = g->x0 - prev->x1;
            if (split && gap > 2.0 * r->h) { /* h is the page's em */
                g_ptr_array_add(cells, g_string_free(s, FALSE));
                g_array_append_val(confidence, least);
                s = g_string_new(NULL);
                least = GRID_CERTAIN;
            } else if (gap > r->h / 3.0) {
                g_string_append_c(s, ' ');
            }
        }
        g_string_append_unichar(s, g->c);
        if (g->ocr)
            least = MIN(least, g->confidence);
        prev = g;
    }
    g_ptr_array_add(cells, g_string_free(s, FALSE));
    g_array_append_val(confidence, least);
}

typedef struct {
    GString *text;
    float least;           /* OCR's least confidence in its characters */
} cell_acc;

static void cell_line(const kp_page *page, GArray *line, void *user)
{
    cell_acc *acc = user;
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GArray *confidence = g_array_new(FALSE, FALSE, sizeof(float));
    line_text(page, line, parts, confidence, false);
    if (acc->text->len)
        g_string_append_c(acc->text, ' '); /* a line break inside a cell is one space */
    g_string_append(acc->text, g_ptr_array_index(parts, 0));
    acc->least = MIN(acc->least, g_array_index(confidence, float, 0));
    g_ptr_array_free(parts, TRUE);
    g_array_free(confidence, TRUE);
}

typedef struct {
    GPtrArray *items;
} text_acc;

static void free_line(const kp_page *page, GArray *line, void *user)
{
    text_acc *acc = user;
    page_item *it = g_new0(page_item, 1);
    it->cells = g_ptr_array_new_with_free_func(g_free);
    it->confidence = g_array_new(FALSE, FALSE, sizeof(float));
    line_text(page, line, it->cells, it->confidence, true);
    double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
    glong chars = 0;
    GArray *heights = g_array_sized_new(FALSE, FALSE, sizeof(double), line->len);
    for (guint k = 0; k < line->len; k++) {
        const kp_glyph *g = &g_array_index(page->glyphs, kp_glyph, g_array_index(line, glyph_ref, k).index);
        x0 = MIN(x0, g->x0);
        y0 = MIN(y0, g->y0);
        x1 = MAX(x1, g->x1);
        y1 = MAX(y1, g->y1);
        double h = g->y1 - g->y0;
        g_array_append_val(heights, h);
        chars++;
    }
    g_array_sort(heights, compare_double);
    it->size = heights->len ? g_array_index(heights, double, heights->len / 2) : 0;
    g_array_free(heights, TRUE);
    it->top = y0;
    it->where.page = page->number;
    it->where.bbox[0] = x0;
    it->where.bbox[1] = y0;
    it->where.bbox[2] = x1;
    it->where.bbox[3] = y1;
    it->running = chars <= 12 && (y1 < 0.1 * page->height || y0 > 0.9 * page->height);
    g_ptr_array_add(acc->items, it);
}

static gint compare_items(gconstpointer a, gconstpointer b)
{
    const page_item *x = *(page_item *const *)a, *y = *(page_item *const *)b;
    return (x->top > y->top) - (x->top < y->top);
}

/* One table of the page: its lattice, merged cells and their text. */
typedef struct {
    GArray *xs, *ys;           /* double edges */
    int *owner;                /* lattice cell -> top-left lattice cell of its merge */
    GArray **glyphs;           /* per lattice cell: glyph_ref (only at owners) */
    bool *open_top, *open_bottom; /* per column: no border on the table's edge */
    bool continues;            /* goes on from the open table of the last page */
} lattice;

static void lattice_free(lattice *t)
{
    int n = (int)(t->xs->len - 1) * (int)(t->ys->len - 1);
    for (int i = 0; i < n; i++)
        if (t->glyphs[i])
            g_array_free(t->glyphs[i], TRUE);
    g_free(t->glyphs);
    g_free(t->owner);
    g_free(t->open_top);
    g_free(t->open_bottom);
    g_array_free(t->xs, TRUE);
    g_array_free(t->ys, TRUE);
}

static void lattice_merge(lattice *t, const GArray *hsegs, const int *hm, int hn,
                          const GArray *vsegs, const int *vm, int vn, double tol)
{
    int nc = (int)t->xs->len - 1, nr = (int)t->ys->len - 1;
    const double *xs = (const double *)t->xs->data, *ys = (const double *)t->ys->data;
    int *parent = g_new(int, nr * nc);
    for (int i = 0; i < nr * nc; i++)
        parent[i] = i;
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < nc; c++) {
            if (c + 1 < nc &&
                !border_present(vsegs, vm, vn, xs[c + 1], ys[r], ys[r + 1], tol))
                uf_union(parent, r * nc + c, r * nc + c + 1);
            if (r + 1 < nr &&
                !border_present(hsegs, hm, hn, ys[r + 1], xs[c], xs[c + 1], tol))
                uf_union(parent, r * nc + c, (r + 1) * nc + c);
        }
    /* the owner of a merged cell is its top-left lattice cell */
    t->owner = g_new(int, nr * nc);
    for (int i = 0; i < nr * nc; i++)
        t->owner[i] = uf_find(parent, i);
    g_free(parent);
    t->glyphs = g_new0(GArray *, nr * nc);
    t->open_top = g_new(bool, nc);
    t->open_bottom = g_new(bool, nc);
    for (int c = 0; c < nc; c++) {
        t->open_top[c] = !border_present(hsegs, hm, hn, ys[0], xs[c], xs[c + 1], tol);
        t->open_bottom[c] = !border_present(hsegs, hm, hn, ys[nr], xs[c], xs[c + 1], tol);
    }
}

static built_table *lattice_build_table(lattice *t, const kp_page *page)
{
    int nc = (int)t->xs->len - 1, nr = (int)t->ys->len - 1;
    const double *xs = (const double *)t->xs->data, *ys = (const double *)t->ys->data;
    built_table *bt = g_new0(built_table, 1);
    bt->page = page->number;
    bt->ncols = nc;
    bt->xs = g_memdup2(xs, sizeof(double) * (size_t)(nc + 1));
    bt->top = ys[0];
    bt->bottom = ys[nr];
    bt->open_bottom = g_memdup2(t->open_bottom, sizeof(bool) * (size_t)nc);
    bt->rows = g_ptr_array_new_with_free_func(out_row_free);
    for (int r = 0; r < nr; r++) {
        out_row *row = g_new0(out_row, 1);
        row->cells = g_ptr_array_new_with_free_func(g_free);
        row->confidence = g_array_new(FALSE, FALSE, sizeof(float));
        bool any = false;
        for (int c = 0; c < nc; c++) {
            int i = r * nc + c;
            GArray *gl = t->owner[i] == i ? t->glyphs[i] : NULL;
            char *text;
            cell_acc acc = {NULL, GRID_CERTAIN};
            if (gl && gl->len) {
                g_array_sort(gl, compare_by_cy);
                acc.text = g_string_new(NULL);
                group_lines(page, gl, cell_line, &acc);
                text = g_string_free(acc.text, FALSE);
            } else {
                text = g_strdup("");
            }
            any |= text[0] != '\0';
            g_ptr_array_add(row->cells, text);
            g_array_append_val(row->confidence, acc.least);
        }
        row->where.page = page->number;
        row->where.bbox[0] = xs[0];
        row->where.bbox[1] = ys[r];
        row->where.bbox[2] = xs[nc];
        row->where.bbox[3] = ys[r + 1];
        if (any)
            g_ptr_array_add(bt->rows, row);
        else
            out_row_free(row); /* a lattice row wholly covered by merges, or empty */
    }
    return bt;
}

/* ---- from pages to the grid -------------------------------------------- */

static void emit_blank(kp_layout *l, int page)
{
    kp_location w = {0};
    w.page = page;
    grid_add_line(l->grid, w);
}

static void emit_table(kp_layout *l, built_table *t)
{
    emit_blank(l, t->page);
    for (guint i = 0; i < t->rows->len; i++) {
        out_row *r = g_ptr_array_index(t->rows, i);
        kp_grid_line *line = grid_add_line(l->grid, r->where);
        for (guint c = 0; c < r->cells->len; c++)
            grid_line_add_read_cell(line, g_ptr_array_index(r->cells, c),
                                    g_array_index(r->confidence, float, c));
    }
    emit_blank(l, t->page);
}

static void emit_text(kp_layout *l, const page_item *it)
{
    kp_grid_line *line = grid_add_line(l->grid, it->where);
    line->size = it->size;
    for (guint c = 0; c < it->cells->len; c++)
        grid_line_add_read_cell(line, g_ptr_array_index(it->cells, c),
                                g_array_index(it->confidence, float, c));
}

static void flush_open(kp_layout *l)
{
    if (l->open) {
        emit_table(l, l->open);
        built_table_free(l->open);
        l->open = NULL;
    }
    for (guint i = 0; i < l->deferred->len; i++)
        emit_text(l, g_ptr_array_index(l->deferred, i));
    g_ptr_array_set_size(l->deferred, 0);
}

static bool same_columns(const built_table *a, const built_table *b, double tol)
{
    if (a->ncols != b->ncols)
        return false;
    for (int c = 0; c <= a->ncols; c++)
        if (fabs(a->xs[c] - b->xs[c]) > tol)
            return false;
    return true;
}

/* Is A (a row at the top of a continued table) the heading row B again? A
 * cell may carry more text than the heading's: the clipped twin of a merged
 * cell's text, which a printer draws on both pages it spans. */
static bool repeats_row(const out_row *a, const out_row *b)
{
    if (a->cells->len != b->cells->len)
        return false;
    bool any = false;
    for (guint c = 0; c < a->cells->len; c++) {
        const char *x = g_ptr_array_index(a->cells, c), *y = g_ptr_array_index(b->cells, c);
        if (!g_str_has_prefix(x, y))
            return false;
        any |= *y != '\0';
    }
    return any;
}

/* Joins NEXT (the first table of a page) to the open table: the heading rows
 * that a printer repeats on every page are dropped, and the text of a merged
 * cell that went on from the last page (drawn, clipped, on both) is kept
 * only once, in the row where the cell began. */
static void continue_open(kp_layout *l, built_table *next)
{
    guint skip = 0;
    while (skip < next->rows->len && skip < l->open->rows->len &&
           repeats_row(g_ptr_array_index(next->rows, skip), g_ptr_array_index(l->open->rows, skip)))
        skip++;
    if (skip < next->rows->len) {
        out_row *first = g_ptr_array_index(next->rows, skip);
        for (int c = 0; c < next->ncols && c < (int)first->cells->len; c++)
            if (l->open->open_bottom[c]) {
                g_free(g_ptr_array_index(first->cells, c));
                g_ptr_array_index(first->cells, c) = g_strdup("");
            }
    }
    for (guint i = 0; i < next->rows->len; i++) {
        out_row *r = g_ptr_array_index(next->rows, i);
        if (i < skip)
            out_row_free(r);
        else
            g_ptr_array_add(l->open->rows, r);
    }
    memcpy(l->open->open_bottom, next->open_bottom, sizeof(bool) * (size_t)next->ncols);
    g_ptr_array_set_free_func(next->rows, NULL);
    built_table_free(next);
}

static bool only_running(GPtrArray *items, guint from, guint to)
{
    for (guint i = from; i < to; i++) {
        page_item *it = g_ptr_array_index(items, i);
        if (it && !it->running)
            return false;
    }
    return true;
}

/* A figure printed wider than its cell is drawn across the border beside it,
 * and the glyph masks cut the border there (in each row where it happens;
 * what is left between two such rows may be too short to count). A vertical
 * line that ends inside a row (not at a horizontal line: a merged cell's
 * border ends at one) goes on to the next horizontal line when a glyph
 * crosses it in every row on the way. */
static bool glyph_across(const kp_page *page, double x, double y0, double y1)
{
    for (guint i = 0; i < page->glyphs->len; i++) {
        const kp_glyph *g = &g_array_index(page->glyphs, kp_glyph, i);
        if (!g_unichar_isspace(g->c) && g->x0 < x && g->x1 > x && g->y0 < y1 && g->y1 > y0)
            return true;
    }
    return false;
}

/* A horizontal line this long (in ems) or longer can be a row's border; a
 * large heading's strokes are shorter. */
#define ROW_LINE_EMS 4.0

/* The row borders crossing X, by position. */
static GArray *crossings(const GArray *hs, double x, double em, double tol)
{
    GArray *ys = g_array_new(FALSE, FALSE, sizeof(double));
    for (guint i = 0; i < hs->len; i++) {
        const line_seg *h = &g_array_index(hs, line_seg, i);
        if (h->a1 - h->a0 >= ROW_LINE_EMS * em && x >= h->a0 - tol && x <= h->a1 + tol)
            g_array_append_val(ys, h->pos);
    }
    g_array_sort(ys, compare_double);
    return ys;
}

/* From END (inside a row) towards DIR (+1 down, -1 up): the horizontal line
 * to reach, when text crosses X in every row on the way; else END. */
static double overflow_end(const GArray *ys, const kp_page *page, double x, double end, int dir,
                           double tol)
{
    for (guint i = 0; i < ys->len; i++)
        if (fabs(g_array_index(ys, double, i) - end) <= tol)
            return end; /* it ends at a horizontal line */
    double from = end;
    for (guint k = 0; k < ys->len; k++) {
        guint i = dir > 0 ? k : ys->len - 1 - k;
        double y = g_array_index(ys, double, i);
        if (dir > 0 ? y <= end : y >= end)
            continue;
        if (!glyph_across(page, x, MIN(from, y), MAX(from, y)))
            return end;
        if (i + 1 == ys->len || i == 0 || k + 1 == ys->len)
            return y; /* the table's edge */
        /* a row further on: go on only while its text crosses too */
        double next = g_array_index(ys, double, dir > 0 ? i + 1 : i - 1);
        if (!glyph_across(page, x, MIN(y, next), MAX(y, next)))
            return y;
        from = y;
    }
    return end;
}

static void extend_overflows(GArray *vs, const GArray *hs, const kp_page *page, double em,
                             double tol)
{
    for (guint i = 0; i < vs->len; i++) {
        line_seg *v = &g_array_index(vs, line_seg, i);
        GArray *ys = crossings(hs, v->pos, em, tol);
        /* only a border anchored to the grid: it meets or crosses a horizontal
         * line (a stray stub inside a cell meets none) */
        bool anchored = false;
        for (guint k = 0; k < ys->len && !anchored; k++) {
            double y = g_array_index(ys, double, k);
            anchored = y >= v->a0 - tol && y <= v->a1 + tol;
        }
        if (anchored && ys->len >= 2) {
            v->a1 = overflow_end(ys, page, v->pos, v->a1, 1, tol);
            v->a0 = overflow_end(ys, page, v->pos, v->a0, -1, tol);
        }
        g_array_free(ys, TRUE);
    }
    /* pieces of one line that now meet are one */
    for (guint i = 0; i + 1 < vs->len;) {
        line_seg *a = &g_array_index(vs, line_seg, i), *b = &g_array_index(vs, line_seg, i + 1);
        if (fabs(a->pos - b->pos) <= tol && b->a0 <= a->a1 + tol) {
            a->a1 = MAX(a->a1, b->a1);
            g_array_remove_index(vs, i + 1);
        } else {
            i++;
        }
    }
}

/* Glyphs closer than this (in ems) stand in one run of text: a figure that
 * runs on across a border is read in the cell it starts in. Between two
 * cells' texts there are the paddings of both. */
#define RUN_GAP_EMS 0.1

static GPtrArray *page_tables(const kp_page *page, double em, const built_table *open,
                              GPtrArray *items, GArray *free_refs)
{
    double tol = MAX(1.0, 0.25 * em);
    GArray *hraw = g_array_new(FALSE, FALSE, sizeof(line_seg));
    GArray *vraw = g_array_new(FALSE, FALSE, sizeof(line_seg));
    for (guint i = 0; page->rulings && i < page->rulings->len; i++) {
        const kp_ruling *r = &g_array_index(page->rulings, kp_ruling, i);
        line_seg s;
        if (r->x1 - r->x0 >= r->y1 - r->y0) {
            s = (line_seg){(r->y0 + r->y1) / 2, r->x0, r->x1};
            g_array_append_val(hraw, s);
        } else {
            s = (line_seg){(r->x0 + r->x1) / 2, r->y0, r->y1};
            g_array_append_val(vraw, s);
        }
    }
    GArray *hs = snap_segments(hraw, tol), *vs = snap_segments(vraw, tol);
    g_array_free(hraw, TRUE);
    g_array_free(vraw, TRUE);
    extend_overflows(vs, hs, page, em, tol);

    /* lines that touch belong to one table */
    int nh = (int)hs->len, nv = (int)vs->len;
    int *parent = g_new(int, nh + nv + 1);
    for (int i = 0; i < nh + nv; i++)
        parent[i] = i;
    for (int i = 0; i < nh; i++) {
        const line_seg *h = &g_array_index(hs, line_seg, i);
        for (int j = 0; j < nv; j++) {
            const line_seg *v = &g_array_index(vs, line_seg, j);
            if (v->pos >= h->a0 - tol && v->pos <= h->a1 + tol && h->pos >= v->a0 - tol &&
                h->pos <= v->a1 + tol)
                uf_union(parent, i, nh + j);
        }
    }
    GPtrArray *lattices = g_ptr_array_new();
    int *hm = g_new(int, nh + 1), *vm = g_new(int, nv + 1);
    for (int root = 0; root < nh + nv; root++) {
        if (uf_find(parent, root) != root)
            continue;
        int hn = 0, vn = 0;
        for (int i = 0; i < nh; i++)
            if (uf_find(parent, i) == root)
                hm[hn++] = i;
        for (int j = 0; j < nv; j++)
            if (uf_find(parent, nh + j) == root)
                vm[vn++] = j;
        if (hn < 2 || vn < 2)
            continue;
        lattice *t = g_new0(lattice, 1);
        t->xs = distinct_positions(vs, vm, vn, tol);
        t->ys = distinct_positions(hs, hm, hn, tol);
        if (t->xs->len < 2 || t->ys->len < 2 ||
            g_array_index(t->xs, double, t->xs->len - 1) - g_array_index(t->xs, double, 0) < em ||
            g_array_index(t->ys, double, t->ys->len - 1) - g_array_index(t->ys, double, 0) < em) {
            g_array_free(t->xs, TRUE);
            g_array_free(t->ys, TRUE);
            g_free(t);
            continue;
        }
        lattice_merge(t, hs, hm, hn, vs, vm, vn, tol);
        if (open && open->ncols == (int)t->xs->len - 1) {
            t->continues = true;
            for (int c = 0; c <= open->ncols; c++)
                t->continues &= fabs(open->xs[c] - g_array_index(t->xs, double, c)) <= 2 * tol;
        }
        g_ptr_array_add(lattices, t);
    }
    g_free(hm);
    g_free(vm);
    g_free(parent);
    g_array_free(hs, TRUE);
    g_array_free(vs, TRUE);

    /* every glyph to the cell that holds its centre, or to the free text */
    const kp_glyph *prev = NULL;
    lattice *prev_table = NULL;
    int prev_owner = -1, prev_row = -1;
    for (guint i = 0; i < page->glyphs->len; i++) {
        const kp_glyph *g = &g_array_index(page->glyphs, kp_glyph, i);
        if (g_unichar_isspace(g->c) || g->c == 0)
            continue;
        glyph_ref ref = {(g->x0 + g->x1) / 2, (g->y0 + g->y1) / 2, em, i};
        bool placed = false;
        /* on from the glyph before without a gap, across a border: the run
         * of text goes on in the cell it started in */
        bool runs_on = prev && prev_table && g->x0 - prev->x1 < RUN_GAP_EMS * em &&
                       g->x0 > prev->x0 && fabs(ref.cy - (prev->y0 + prev->y1) / 2) < 0.3 * em;
        for (guint k = 0; k < lattices->len && !placed; k++) {
            lattice *t = g_ptr_array_index(lattices, k);
            int nc = (int)t->xs->len - 1, nr = (int)t->ys->len - 1;
            int c = position_index((const double *)t->xs->data, nc, ref.cx);
            int r = position_index((const double *)t->ys->data, nr, ref.cy);
            if (c < 0 || r < 0)
                continue;
            int owner = t->owner[r * nc + c];
            if (runs_on && t == prev_table && r == prev_row && owner != prev_owner)
                owner = prev_owner;
            prev_table = t;
            prev_row = r;
            prev_owner = owner;
            if (!t->glyphs[owner])
                t->glyphs[owner] = g_array_new(FALSE, FALSE, sizeof(glyph_ref));
            g_array_append_val(t->glyphs[owner], ref);
            placed = true;
        }
        /* Just outside a table, under (or over) a column with no border on
         * that edge: the clipped text of a merged cell that a page break cut.
         * Below, it is the cell's own text; above, on the page that goes on,
         * it is the twin of text already read on the last page. */
        for (guint k = 0; k < lattices->len && !placed; k++) {
            lattice *t = g_ptr_array_index(lattices, k);
            int nc = (int)t->xs->len - 1, nr = (int)t->ys->len - 1;
            const double *ys = (const double *)t->ys->data;
            int c = position_index((const double *)t->xs->data, nc, ref.cx);
            if (c < 0)
                continue;
            if (t->open_bottom[c] && ref.cy >= ys[nr] && ref.cy < ys[nr] + 2 * em) {
                int owner = t->owner[(nr - 1) * nc + c];
                if (!t->glyphs[owner])
                    t->glyphs[owner] = g_array_new(FALSE, FALSE, sizeof(glyph_ref));
                g_array_append_val(t->glyphs[owner], ref);
                placed = true;
            } else if (t->continues && open->open_bottom[c] && ref.cy < ys[0] &&
                       ref.cy > ys[0] - 2 * em) {
                placed = true; /* dropped */
            }
        }
        if (!placed) {
            g_array_append_val(free_refs, ref);
            prev_table = NULL;
        }
        prev = g;
    }
    GPtrArray *tables = g_ptr_array_new();
    for (guint k = 0; k < lattices->len; k++) {
        lattice *t = g_ptr_array_index(lattices, k);
        built_table *bt = lattice_build_table(t, page);
        lattice_free(t);
        g_free(t);
        page_item *it = g_new0(page_item, 1);
        it->top = bt->top;
        it->table = bt;
        g_ptr_array_add(items, it);
        g_ptr_array_add(tables, bt);
    }
    g_ptr_array_free(lattices, TRUE);
    return tables;
}

void layout_add_page(kp_layout *l, const kp_page *page)
{
    double em = glyphs_em(page->glyphs);
    double tol = MAX(1.0, 0.25 * em);
    GPtrArray *items = g_ptr_array_new_with_free_func(page_item_free);
    GArray *free_refs = g_array_new(FALSE, FALSE, sizeof(glyph_ref));
    GPtrArray *tables = page_tables(page, em, l->open, items, free_refs);
    g_ptr_array_free(tables, TRUE);
    g_array_sort(free_refs, compare_by_cy);
    text_acc acc = {items};
    group_lines(page, free_refs, free_line, &acc);
    g_array_free(free_refs, TRUE);
    g_ptr_array_sort(items, compare_items);

    guint n = items->len, first_table = n, last_table = n;
    for (guint i = 0; i < n; i++)
        if (((page_item *)g_ptr_array_index(items, i))->table) {
            if (first_table == n)
                first_table = i;
            last_table = i;
        }

    guint start = 0;
    if (l->open) {
        page_item *first = first_table < n ? g_ptr_array_index(items, first_table) : NULL;
        if (first && only_running(items, 0, first_table) &&
            same_columns(l->open, first->table, 2 * tol)) {
            /* the table of the last page goes on here */
            for (guint i = 0; i < first_table; i++) {
                g_ptr_array_add(l->deferred, g_ptr_array_index(items, i));
                g_ptr_array_index(items, i) = NULL;
            }
            continue_open(l, first->table);
            first->table = NULL;
            start = first_table + 1;
        } else {
            flush_open(l);
        }
    }
    for (guint i = start; i < n; i++) {
        page_item *it = g_ptr_array_index(items, i);
        if (it->table) {
            flush_open(l);
            if (i == last_table && only_running(items, i + 1, n)) {
                l->open = it->table; /* it may go on on the next page */
                it->table = NULL;
                continue;
            }
            emit_table(l, it->table);
        } else if (l->open && it->running) {
            g_ptr_array_add(l->deferred, it); /* a page number beside an open table */
            g_ptr_array_index(items, i) = NULL;
        } else {
            flush_open(l);
            emit_text(l, it);
        }
    }
    g_ptr_array_set_free_func(items, NULL);
    for (guint i = 0; i < n; i++)
        if (g_ptr_array_index(items, i))
            page_item_free(g_ptr_array_index(items, i));
    g_ptr_array_free(items, TRUE);
}

kp_grid *layout_take(kp_layout *l)
{
    kp_grid *done = l->grid;
    l->grid = grid_new();
    return done;
}

kp_grid *layout_finish(kp_layout *l)
{
    flush_open(l);
    kp_grid *grid = l->grid;
    g_ptr_array_free(l->deferred, TRUE);
    g_free(l);
    return grid;
}
