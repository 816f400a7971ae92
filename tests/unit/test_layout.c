/* Table rebuilding on synthetic pages: rulings from pixels, merged cells,
 * text placement, and a table joined across pages — geometry only, no PDF. */
#include "kp_test.h"

#include <stdint.h>

#include "kpipe/layout.h"

#define W 200
#define H 100

static void draw_h(uint32_t *img, int y, int x0, int x1)
{
    for (int x = x0; x <= x1; x++)
        img[y * W + x] = 0x000000;
}

static void draw_v(uint32_t *img, int x, int y0, int y1)
{
    for (int y = y0; y <= y1; y++)
        img[y * W + x] = 0x000000;
}

static void test_rulings_from_pixels(void **state)
{
    (void)state;
    uint32_t *img = g_new(uint32_t, W * H);
    for (int i = 0; i < W * H; i++)
        img[i] = 0xFFFFFF;
    draw_h(img, 10, 10, 190);
    draw_h(img, 11, 10, 190); /* a 2-pixel border is one ruling */
    draw_v(img, 10, 10, 90);
    draw_h(img, 50, 20, 22);  /* a short stroke: text, not a border */
    for (int y = 60; y < 90; y++) /* a filled area: no ruling */
        draw_h(img, y, 100, 180);
    GArray *r = rulings_from_image((unsigned char *)img, W, H, W * 4, 1.0, NULL, 0, 0);
    int horizontal = 0, vertical = 0;
    for (guint i = 0; i < r->len; i++) {
        kp_ruling *x = &g_array_index(r, kp_ruling, i);
        if (x->x1 - x->x0 > x->y1 - x->y0) {
            horizontal++;
            assert_float_equal(x->y0, 11.0, 0.01);
            assert_float_equal(x->x0, 10.0, 0.01);
            assert_float_equal(x->x1, 191.0, 0.01);
        } else {
            vertical++;
            assert_float_equal(x->x0, 10.5, 0.01);
            assert_float_equal(x->y1, 91.0, 0.01);
        }
    }
    assert_int_equal(horizontal, 1);
    assert_int_equal(vertical, 1);
    g_array_free(r, TRUE);

    /* a glyph's middle is masked: a stroke inside it is not a border */
    GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
    kp_glyph g = {.c = 0x5927, .x0 = 40, .y0 = 20, .x1 = 60, .y1 = 40}; /* 大, 20 pt wide */
    g_array_append_val(glyphs, g);
    for (int i = 0; i < W * H; i++)
        img[i] = 0xFFFFFF;
    draw_h(img, 30, 43, 57);
    r = rulings_from_image((unsigned char *)img, W, H, W * 4, 1.0, glyphs, 0, 0);
    assert_int_equal(r->len, 0);
    g_array_free(r, TRUE);
    g_array_free(glyphs, TRUE);
    g_free(img);
}

static void add_ruling(kp_page *p, double x0, double y0, double x1, double y1)
{
    kp_ruling r = {x0, y0, x1, y1};
    g_array_append_val(p->rulings, r);
}

/* Glyphs for TEXT, 10 pt a character, starting at (X, Y) top-left. */
static void add_text(kp_page *p, double x, double y, const char *text)
{
    for (const char *s = text; *s; s = g_utf8_next_char(s)) {
        kp_glyph g = {.c = g_utf8_get_char(s), .x0 = x, .y0 = y, .x1 = x + 10, .y1 = y + 14};
        g_array_append_val(p->glyphs, g);
        x += 10;
    }
}

static kp_page *page_new(int number)
{
    kp_page *p = g_new0(kp_page, 1);
    p->number = number;
    p->width = 600;
    p->height = 400;
    p->glyphs = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
    p->rulings = g_array_new(FALSE, FALSE, sizeof(kp_ruling));
    return p;
}

static void page_free(kp_page *p)
{
    g_array_free(p->glyphs, TRUE);
    g_array_free(p->rulings, TRUE);
    g_free(p);
}

/* A 3-column table at (100, Y): heading row 見出 | 数値 (merged over two
 * columns), then rows; with HEAD false the heading is left out. */
static void table_page(kp_page *p, double y, bool head, const char *const *rows, int nrows)
{
    double top = y;
    int lines = nrows + (head ? 1 : 0);
    for (int i = 0; i <= lines; i++)
        add_ruling(p, 100, top + 30 * i, 400, top + 30 * i);
    add_ruling(p, 100, top, 100, top + 30 * lines);
    add_ruling(p, 400, top, 400, top + 30 * lines);
    add_ruling(p, 200, top, 200, top + 30 * lines);
    /* the border between columns 2 and 3 stops under the heading */
    add_ruling(p, 300, top + (head ? 30 : 0), 300, top + 30 * lines);
    if (head) {
        add_text(p, 110, top + 8, "見出");
        add_text(p, 290, top + 8, "数値"); /* centred over the merged cell */
        top += 30;
    }
    for (int i = 0; i < nrows; i++) {
        char **cells = g_strsplit(rows[i], "|", 3);
        add_text(p, 110, top + 30 * i + 8, cells[0]);
        add_text(p, 210, top + 30 * i + 8, cells[1]);
        add_text(p, 310, top + 30 * i + 8, cells[2]);
        g_strfreev(cells);
    }
}

static GPtrArray *grid_rows(const kp_grid *grid)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < grid->lines->len; i++) {
        const kp_grid_line *l = g_ptr_array_index(grid->lines, i);
        if (l->cells->len == 0)
            continue;
        GString *s = g_string_new(NULL);
        for (guint c = 0; c < l->cells->len; c++)
            g_string_append_printf(s, "%s%s", c ? "|" : "", (char *)g_ptr_array_index(l->cells, c));
        g_ptr_array_add(out, g_string_free(s, FALSE));
    }
    return out;
}

static void test_merged_cells_and_pages(void **state)
{
    (void)state;
    kp_layout *layout = layout_new();

    kp_page *p1 = page_new(1);
    add_text(p1, 100, 20, "表題");
    const char *rows1[] = {"一|1人|2人", "二|3人|4人"};
    table_page(p1, 250, true, rows1, 2); /* ends near the page's foot */
    add_text(p1, 290, 380, "1");          /* a page number */
    layout_add_page(layout, p1);
    page_free(p1);

    kp_page *p2 = page_new(2);
    const char *rows2[] = {"三|5人|6人"};
    table_page(p2, 40, true, rows2, 1);   /* the same columns, heading repeated */
    add_text(p2, 100, 300, "注記");       /* text after the table ends it */
    layout_add_page(layout, p2);
    page_free(p2);

    kp_grid *grid = layout_finish(layout);
    GPtrArray *rows = grid_rows(grid);
    const char *expected[] = {"表題", "見出|数値|", "一|1人|2人", "二|3人|4人", "三|5人|6人", "1", "注記"};
    if (rows->len != G_N_ELEMENTS(expected)) {
        for (guint i = 0; i < rows->len; i++)
            print_message("%s\n", (char *)g_ptr_array_index(rows, i));
        fail_msg("%u lines, expected %zu", rows->len, G_N_ELEMENTS(expected));
    }
    for (guint i = 0; i < rows->len; i++)
        assert_string_equal(g_ptr_array_index(rows, i), expected[i]);
    /* the joined row keeps its own page and box */
    for (guint i = 0; i < grid->lines->len; i++) {
        kp_grid_line *l = g_ptr_array_index(grid->lines, i);
        if (l->cells->len && strcmp(grid_cell(l, 0), "三") == 0) {
            assert_int_equal(l->where.page, 2);
            assert_float_equal(l->where.bbox[1], 70, 0.5);
            assert_float_equal(l->where.bbox[3], 100, 0.5);
        }
    }
    g_ptr_array_free(rows, TRUE);
    grid_free(grid);
}

static void test_wrapped_cell_lines(void **state)
{
    (void)state;
    kp_layout *layout = layout_new();
    kp_page *p = page_new(1);
    add_ruling(p, 100, 100, 300, 100);
    add_ruling(p, 100, 160, 300, 160);
    add_ruling(p, 100, 100, 100, 160);
    add_ruling(p, 200, 100, 200, 160);
    add_ruling(p, 300, 100, 300, 160);
    add_text(p, 105, 105, "少子");  /* a cell's text on two lines */
    add_text(p, 105, 125, "化対策");
    add_text(p, 205, 105, "AB");
    add_text(p, 235, 105, "CD");    /* a gap of 1 em: a space */
    add_text(p, 205, 105, "");
    kp_glyph twin = g_array_index(p->glyphs, kp_glyph, 0); /* fake bold: drawn twice */
    twin.x0 += 0.3;
    twin.x1 += 0.3;
    g_array_append_val(p->glyphs, twin);
    layout_add_page(layout, p);
    page_free(p);
    kp_grid *grid = layout_finish(layout);
    GPtrArray *rows = grid_rows(grid);
    assert_int_equal(rows->len, 1);
    assert_string_equal(g_ptr_array_index(rows, 0), "少子 化対策|AB CD");
    g_ptr_array_free(rows, TRUE);
    grid_free(grid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rulings_from_pixels),
        cmocka_unit_test(test_merged_cells_and_pages),
        cmocka_unit_test(test_wrapped_cell_lines),
    };
    return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
