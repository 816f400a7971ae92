/* Text input: encodings, errors naming the line, tab-separated grids, and
 * the cell-text helpers of layout.c. */
#include "kp_test.h"

#include "kpipe/celltext.h"
#include "kpipe/grid.h"
#include "kpipe/text.h"

static void test_utf8_and_bom(void **state)
{
    (void)state;
    kp_error err = KP_ERROR_INIT;
    char *t = text_decode("\xEF\xBB\xBF江別\n", 10, "f.txt", &err);
    assert_string_equal(t, "江別\n");
    g_free(t);
}

static void test_shift_jis(void **state)
{
    (void)state;
    /* 江別市 in CP932 */
    const char sjis[] = "\x8d\x5d\x95\xca\x8e\x73\t\x87\x40\n"; /* 江別市 TAB ① */
    kp_error err = KP_ERROR_INIT;
    char *t = text_decode(sjis, sizeof sjis - 1, "f.txt", &err);
    assert_non_null(t);
    assert_string_equal(t, "江別市\t①\n");
    g_free(t);
}

static void test_neither_encoding(void **state)
{
    (void)state;
    kp_error err = KP_ERROR_INIT;
    /* valid first two lines, then a byte no encoding allows (0xFF) */
    const char bad[] = "ok\nalso ok\nab\xff\xfe\n";
    assert_null(text_decode(bad, sizeof bad - 1, "bad.txt", &err));
    assert_int_equal(err.kind, KP_ERR_FORMAT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    char *line = kp_error_format(&err);
    assert_string_equal(line, "bad.txt:3:3: error: neither UTF-8 nor Shift_JIS text (byte 0xFF)");
    g_free(line);
    kp_error_clear(&err);

    const char bin[] = "a\nb\0c";
    assert_null(text_decode(bin, sizeof bin - 1, "bin.dat", &err));
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "NUL"));
    kp_error_clear(&err);
}

static void test_grid(void **state)
{
    (void)state;
    kp_grid *g = text_to_grid("a\tb\r\n\n\tc\t\n");
    assert_int_equal(g->lines->len, 3);
    kp_grid_line *l0 = g_ptr_array_index(g->lines, 0);
    assert_int_equal(l0->cells->len, 2);
    assert_string_equal(grid_cell(l0, 1), "b"); /* CR of CRLF dropped */
    assert_int_equal(l0->where.line, 1);
    kp_grid_line *l2 = g_ptr_array_index(g->lines, 2);
    assert_int_equal(l2->cells->len, 3);
    assert_string_equal(grid_cell(l2, 1), "c");
    assert_string_equal(grid_cell(l2, 7), "");
    assert_int_equal(l2->where.line, 3);
    char *back = grid_to_text(g, NULL);
    assert_string_equal(back, "a\tb\n\n\tc\t\n");
    g_free(back);
    grid_free(g);
}

static void test_unwrap(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"少 子化対策", "少子化対策"},
        {"入会児 童数", "入会児童数"},
        {"江別まちなか仕事 プラザ事業", "江別まちなか仕事プラザ事業"},
        {"商談会・催事出展企業数 (食を軸とした)", "商談会・催事出展企業数(食を軸とした)"},
        {"  E-リズム普及事業  ", "E-リズム普及事業"},
        {"PR  video\u3000files", "PR video files"},
        {"障がい者、 外国人", "障がい者、外国人"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *u = cell_unwrap(cases[i][0]);
        assert_string_equal(u, cases[i][1]);
        g_free(u);
    }
    char *k = cell_key("商談会・催事出展企業数 （食を軸とした）");
    char *k2 = cell_key("商談会・催事出展企業数(食を軸とした)");
    assert_string_equal(k, k2);
    g_free(k);
    g_free(k2);
}

/* Text pulled out of a PDF whose fonts named radicals for kanji (⾧ for 長,
 * ⻝ for 食) reads as the kanji, as the PDF itself does. */
static void test_radicals(void **state)
{
    (void)state;
    kp_grid *grid = text_to_grid("⾧期\t⻝品⺠間\t⼈⼝\tA⻑B\n⺀\t⻤\n");
    kp_grid_line *l1 = g_ptr_array_index(grid->lines, 0), *l2 = g_ptr_array_index(grid->lines, 1);
    assert_string_equal(grid_cell(l1, 0), "長期");
    assert_string_equal(grid_cell(l1, 1), "食品民間");
    assert_string_equal(grid_cell(l1, 2), "人口");
    assert_string_equal(grid_cell(l1, 3), "A長B");
    assert_string_equal(grid_cell(l2, 0), "⺀"); /* not in the table: kept as it is */
    assert_string_equal(grid_cell(l2, 1), "⻤");
    grid_free(grid);
}

static void test_load_file(void **state)
{
    (void)state;
    char *path = kp_test_path("fixtures/ebetsu-kpi-r4.txt");
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *g = text_load(path, &src, &err);
    assert_non_null(g);
    assert_string_equal(src.name, "ebetsu-kpi-r4.txt");
    assert_int_equal(strlen(src.sha256), 64);
    assert_false(src.is_pdf);
    grid_free(g);
    g_free(src.name);
    g_free(path);

    assert_null(text_load("/nonexistent/x.txt", &src, &err));
    assert_int_equal(err.kind, KP_ERR_READ);
    assert_string_equal(err.file, "/nonexistent/x.txt");
    kp_error_clear(&err);
}

/* NFKC in pieces gives GLib's NFKC of the whole: half-width kana with their
 * voiced marks (ｶﾞ → ガ) are never cut apart, on text far longer than a piece. */
static void test_nfkc_in_pieces(void **state)
{
    (void)state;
    GString *s = g_string_new(NULL);
    for (int i = 0; i < 2000; i++)
        g_string_append(s, i % 3 ? "ｶﾞｷﾞ１２３ＡＢ　か\xe3\x82\x99漢字" : "ﾊﾟ①㈱");
    char *whole = g_utf8_normalize(s->str, -1, G_NORMALIZE_NFKC);
    char *pieces = cell_nfkc(s->str);
    assert_string_equal(pieces, whole);
    assert_non_null(strstr(pieces, "ガギ123AB が漢字"));
    g_free(whole);
    g_free(pieces);
    g_string_free(s, TRUE);
}

/* Names OCR read are matched to the summary list by edit distance on
 * their keys (NFKC, spaces removed). */
static void test_key_distance(void **state)
{
    (void)state;
    assert_int_equal(cell_key_distance("観光入込客数", "観光 入込客数", 3), 0);
    assert_int_equal(cell_key_distance("観光入込客数", "観光入込才数", 3), 1);
    assert_int_equal(cell_key_distance("ＫＰＩ", "KPL", 3), 1); /* width folded first */
    assert_int_equal(cell_key_distance("移住相談件数", "移住相談件数の対前年比", 6), 5);
    assert_int_equal(cell_key_distance("移住相談件数", "移住相談件数の対前年比", 2), 3); /* MOST + 1 */
    assert_int_equal(cell_key_distance("", "出生数", 5), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfkc_in_pieces),   cmocka_unit_test(test_key_distance),
        cmocka_unit_test(test_utf8_and_bom),     cmocka_unit_test(test_shift_jis),
        cmocka_unit_test(test_neither_encoding), cmocka_unit_test(test_grid),
        cmocka_unit_test(test_unwrap),           cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_radicals),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
