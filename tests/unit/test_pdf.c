/* PDF input: every fixture PDF reads to the same document as the text of
 * the same document (all but where things are), tables that cross pages are
 * one table, and unusable PDFs get a clear error. */
#include "kp_test.h"

#include <glib/gstdio.h>
#include <jansson.h>
#include <sys/resource.h>

#include "kpipe/json.h"
#include "kpipe/parse.h"
#include "kpipe/pdf.h"
#include "kpipe/text.h"

/* Reads FIXTURE (PDF or text); NULL with ERR set. */
static kp_grid *grid_read(const char *fixture, const char *password, kp_ocr_mode ocr,
                          kp_source *src, kp_error *err)
{
    char *path = kp_test_path(fixture);
    size_t len;
    char *data = file_read_all(path, &len, err);
    kp_grid *grid = NULL;
    if (data && pdf_sniff(data, len)) {
        kp_pdf_options o = {.password = password, .ocr = ocr};
        grid = pdf_load(path, data, len, &o, src, err);
    } else if (data) {
        grid = text_load(path, src, err);
    }
    g_free(data);
    g_free(path);
    return grid;
}

static kp_grid *grid_of(const char *fixture, const char *password, kp_source *src, kp_error *err)
{
    return grid_read(fixture, password, KP_OCR_AUTO, src, err);
}

static kp_document *doc_of(const char *fixture)
{
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *grid = grid_of(fixture, NULL, &src, &err);
    if (!grid)
        fail_msg("%s: %s", fixture, err.message);
    kp_document *doc = parse_document(grid, rules, &src, fixture, &err);
    if (!doc)
        fail_msg("%s: %s", fixture, err.message);
    grid_free(grid);
    return doc;
}

/* Removes what says where things are: "source", and a diagnostic's page
 * and line. */
static void strip_places(json_t *v)
{
    if (json_is_object(v)) {
        json_object_del(v, "source");
        json_object_del(v, "page");
        json_object_del(v, "line");
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m)
            strip_places(m);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            strip_places(json_array_get(v, i));
    }
}

static void assert_same_document(const char *text_fixture, const char *pdf_fixture)
{
    kp_document *a = doc_of(text_fixture), *b = doc_of(pdf_fixture);
    assert_true(b->source.is_pdf);
    assert_true(b->source.pages > 1);
    json_t *ja = document_to_json(a), *jb = document_to_json(b);
    strip_places(ja);
    strip_places(jb);
    if (!json_equal(ja, jb)) {
        char *x = json_write(ja, true), *y = json_write(jb, true);
        g_file_set_contents("/tmp/kpipe-text.json", x, -1, NULL);
        g_file_set_contents("/tmp/kpipe-pdf.json", y, -1, NULL);
        g_free(x);
        g_free(y);
        fail_msg("%s and %s differ (see /tmp/kpipe-text.json, /tmp/kpipe-pdf.json)", text_fixture,
                 pdf_fixture);
    }
    json_decref(ja);
    json_decref(jb);
    document_free(a);
    document_free(b);
}

static void test_seed_calc(void **state)
{
    (void)state;
    assert_same_document("fixtures/ebetsu-kpi-r4.txt", "fixtures/ebetsu-kpi-r4.calc.pdf");
}

static void test_seed_chromium(void **state)
{
    (void)state;
    assert_same_document("fixtures/ebetsu-kpi-r4.txt", "fixtures/ebetsu-kpi-r4.chromium.pdf");
}

static void test_next_edition_calc(void **state)
{
    (void)state;
    assert_same_document("fixtures/ebetsu-kpi-r5.txt", "fixtures/ebetsu-kpi-r5.calc.pdf");
}

static void test_other_city_calc(void **state)
{
    (void)state;
    assert_same_document("fixtures/hokushin-kpi-h30.txt", "fixtures/hokushin-kpi-h30.calc.pdf");
}

static void test_other_city_chromium(void **state)
{
    (void)state;
    assert_same_document("fixtures/hokushin-kpi-h30.txt", "fixtures/hokushin-kpi-h30.chromium.pdf");
}

/* The seed printed with radicals in place of kanji (⾧ for 長, ⻝ for 食):
 * read as the seed itself. */
static void test_radicals_read_as_kanji(void **state)
{
    (void)state;
    assert_same_document("fixtures/ebetsu-kpi-r4.txt", "fixtures/ebetsu-kpi-r4.radicals.chromium.pdf");
}

static int heading_lines(const kp_grid *grid)
{
    int n = 0;
    for (guint i = 0; i < grid->lines->len; i++)
        n += strcmp(grid_cell(g_ptr_array_index(grid->lines, i), 0), "No") == 0;
    return n;
}

/* Goal 1 of the other city runs over three pages under a repeated heading,
 * with merged cells cut by the page breaks. */
static void test_table_across_pages(void **state)
{
    (void)state;
    const char *pdfs[] = {"fixtures/hokushin-kpi-h30.calc.pdf", "fixtures/hokushin-kpi-h30.chromium.pdf"};
    for (size_t f = 0; f < G_N_ELEMENTS(pdfs); f++) {
        kp_source src = {0};
        kp_error err = KP_ERROR_INIT;
        kp_grid *grid = grid_of(pdfs[f], NULL, &src, &err);
        assert_non_null(grid);
        assert_int_equal(heading_lines(grid), 3); /* one per goal: repeats dropped */
        kp_document *doc = parse_document(grid, rules, &src, pdfs[f], &err);
        kp_goal *g = document_goal(doc, 1, false);
        assert_int_equal(g->rows->len, 7);
        int first_page = ((kp_row *)g_ptr_array_index(g->rows, 0))->where.page;
        int last_page = ((kp_row *)g_ptr_array_index(g->rows, 6))->where.page;
        assert_true(last_page > first_page); /* the table did cross a page */
        for (guint i = 0; i < g->rows->len; i++) {
            kp_row *r = g_ptr_array_index(g->rows, i);
            assert_int_equal(r->number, (int)i + 1);
            assert_true(r->where.bbox[0] < r->where.bbox[2]);
            assert_true(r->where.bbox[1] < r->where.bbox[3]);
            assert_true(i == 0 || r->where.page > ((kp_row *)g_ptr_array_index(g->rows, i - 1))->where.page ||
                        r->where.bbox[1] >= ((kp_row *)g_ptr_array_index(g->rows, i - 1))->where.bbox[3] - 1);
        }
        kp_row *r7 = g_ptr_array_index(g->rows, 6);
        assert_true(r7->kpi_inherited); /* merged over rows 6–7 and cut by a page break */
        document_free(doc);
        grid_free(grid);
    }
}

static void test_several_tables_a_page(void **state)
{
    (void)state;
    kp_document *doc = doc_of("fixtures/ebetsu-kpi-r4.chromium.pdf");
    bool shared = false;
    for (guint a = 0; a < doc->goals->len; a++)
        for (guint b = a + 1; b < doc->goals->len; b++) {
            kp_goal *ga = g_ptr_array_index(doc->goals, a), *gb = g_ptr_array_index(doc->goals, b);
            kp_row *last = g_ptr_array_index(ga->rows, ga->rows->len - 1);
            kp_row *first = g_ptr_array_index(gb->rows, 0);
            shared |= last->where.page == first->where.page;
        }
    assert_true(shared);
    document_free(doc);
}

static void expect_error_read(const char *fixture, const char *password, kp_ocr_mode ocr,
                              kp_error_kind kind, const char *message)
{
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *grid = grid_read(fixture, password, ocr, &src, &err);
    kp_document *doc = NULL;
    if (grid) {
        doc = parse_document(grid, rules, &src, fixture, &err);
        grid_free(grid);
    }
    assert_null(doc);
    assert_int_equal(err.kind, kind); /* a kind a caller can act on (OCR on no-text) */
    assert_non_null(err.file);
    assert_true(g_str_has_suffix(err.file, strrchr(fixture, '/') + 1));
    if (!strstr(err.message, message))
        fail_msg("%s: \"%s\" does not say \"%s\"", fixture, err.message, message);
    kp_error_clear(&err);
    g_free(src.name);
}

static void expect_error(const char *fixture, const char *password, kp_error_kind kind,
                         const char *message)
{
    expect_error_read(fixture, password, KP_OCR_AUTO, kind, message);
}

static void test_unusable_pdfs(void **state)
{
    (void)state;
    expect_error("fixtures/bad/encrypted.pdf", NULL, KP_ERR_ENCRYPTED, "give its password with --password");
    expect_error("fixtures/bad/encrypted.pdf", "wrong", KP_ERR_ENCRYPTED, "password given does not open it");
    /* without OCR (--ocr never), as it was before kpipe had OCR */
    expect_error_read("fixtures/bad/no-text.pdf", NULL, KP_OCR_NEVER, KP_ERR_NO_TEXT,
                      "OCR is needed");
    expect_error("fixtures/bad/no-table.pdf", NULL, KP_ERR_NO_TABLE, "no KPI table found");
    expect_error_read("fixtures/bad/no-tounicode.calc.pdf", NULL, KP_OCR_NEVER, KP_ERR_NO_TEXT,
                      "none of its 2954 characters is Japanese (its text begins \"»¼½JK");
    expect_error_read("fixtures/bad/no-tounicode.chromium.pdf", NULL, KP_OCR_NEVER,
                      KP_ERR_NO_TEXT,
                      "only 311 of its 3983 characters are Japanese and 1091 have no Unicode mapping");
    /* a scan too coarse for OCR is refused, not guessed at */
    expect_error("fixtures/scans/minato-a.calc.100dpi.pdf", NULL, KP_ERR_NO_TEXT,
                 "a scan of 100 dpi, too coarse to read by OCR");

    kp_document *doc;
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *grid = grid_of("fixtures/bad/encrypted.pdf", "kpipe", &src, &err);
    assert_non_null(grid);
    doc = parse_document(grid, rules, &src, "encrypted.pdf", &err);
    assert_int_equal(doc->goals->len, 4);
    document_free(doc);
    grid_free(grid);
}

static void test_damaged_and_too_long(void **state)
{
    (void)state;
    char *path = kp_test_path("fixtures/ebetsu-kpi-r4.calc.pdf");
    size_t len, cut_len;
    kp_error err = KP_ERROR_INIT;
    char *data = file_read_all(path, &len, &err);
    char *dir = g_dir_make_tmp("kpipe-pdf-XXXXXX", NULL);
    char *cut = g_build_filename(dir, "truncated.pdf", NULL);
    assert_true(g_file_set_contents(cut, data, (gssize)(len / 8), NULL));
    kp_pdf_options o = {0};
    kp_source src = {0};
    char *part = file_read_all(cut, &cut_len, &err);
    assert_null(pdf_load(cut, part, cut_len, &o, &src, &err));
    assert_int_equal(err.kind, KP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "not a readable PDF"));
    assert_string_equal(err.file, cut);
    kp_error_clear(&err);

    o.max_pages = 2;
    assert_null(pdf_load(path, data, len, &o, &src, &err));
    assert_non_null(strstr(err.message, "more than --max-pages 2"));
    kp_error_clear(&err);
    g_unlink(cut);
    g_rmdir(dir);
    g_free(part);
    g_free(cut);
    g_free(dir);
    g_free(data);
    g_free(path);
}

/* Processor time used by this process's reaped children, in µs. */
static long long children_time(void)
{
    struct rusage u;
    getrusage(RUSAGE_CHILDREN, &u);
    return (long long)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000 + u.ru_utime.tv_usec +
           u.ru_stime.tv_usec;
}

/* The fixture PDFs joined by qpdf, COPIES times over, into a file in DIR. */
static char *joined_fixtures(const char *dir, int copies)
{
    const char *pdfs[] = {"fixtures/ebetsu-kpi-r4.calc.pdf", "fixtures/ebetsu-kpi-r4.chromium.pdf",
                          "fixtures/ebetsu-kpi-r5.calc.pdf", "fixtures/hokushin-kpi-h30.calc.pdf",
                          "fixtures/hokushin-kpi-h30.chromium.pdf"};
    char *out = g_build_filename(dir, "joined.pdf", NULL);
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, g_strdup("qpdf"));
    g_ptr_array_add(argv, g_strdup("--empty"));
    g_ptr_array_add(argv, g_strdup("--pages"));
    for (int c = 0; c < copies; c++)
        for (size_t f = 0; f < G_N_ELEMENTS(pdfs); f++)
            g_ptr_array_add(argv, kp_test_path(pdfs[f]));
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup(out));
    g_ptr_array_add(argv, NULL);
    int status = -1;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                      NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL))
        fail_msg("qpdf could not join the fixtures (make test-deps installs qpdf)");
    g_ptr_array_free(argv, TRUE);
    return out;
}

/* Reads PATH with READERS reader processes into its grid text; SRC filled. */
static char *grid_text_with(const char *path, int readers, kp_source *src)
{
    size_t len;
    kp_error err = KP_ERROR_INIT;
    char *data = file_read_all(path, &len, &err);
    assert_non_null(data);
    kp_pdf_options o = {.readers = readers};
    kp_grid *grid = pdf_load(path, data, len, &o, src, &err);
    if (!grid)
        fail_msg("%s with %d readers: %s", path, readers, err.message);
    char *text = grid_to_text(grid, NULL);
    grid_free(grid);
    g_free(data);
    return text;
}

/* Pages read side by side in reader processes give the grid read in this
 * process, byte for byte, however many readers share them; a short document
 * is read by one reader (so that the time limit can stop it), never here. */
static void test_readers_agree(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("kpipe-pdf-XXXXXX", NULL);
    char *joined = joined_fixtures(dir, 2); /* 54 pages */
    char *short_pdf = kp_test_path("fixtures/hokushin-kpi-h30.chromium.pdf");
    struct {
        const char *path;
        int readers;
        bool forks;
    } cases[] = {{joined, 2, true}, {joined, 3, true}, {joined, 7, true}, {short_pdf, 2, true}};
    for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
        kp_source here = {0}, side = {0};
        long long before = children_time();
        char *want = grid_text_with(cases[c].path, 0, &here);
        assert_true(children_time() == before); /* no readers: read in this process */
        before = children_time();
        char *got = grid_text_with(cases[c].path, cases[c].readers, &side);
        if (cases[c].forks != (children_time() > before))
            fail_msg("%s, %d readers: read %s", cases[c].path, cases[c].readers,
                     cases[c].forks ? "in this process" : "by readers");
        assert_string_equal(got, want);
        assert_int_equal(side.pages, here.pages);
        assert_string_equal(side.sha256, here.sha256);
        if (cases[c].path == joined)
            assert_int_equal(here.pages, 54);
        g_free(want);
        g_free(got);
        g_free(here.name);
        g_free(side.name);
    }
    g_unlink(joined);
    g_rmdir(dir);
    g_free(joined);
    g_free(short_pdf);
    g_free(dir);
}

/* A file still unread when the time limit passes is an error on the page
 * it stopped at, whether pages are read here or by readers. */
static void test_time_limit(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("kpipe-pdf-XXXXXX", NULL);
    char *path = joined_fixtures(dir, 1); /* 27 pages: enough for readers */
    size_t len;
    kp_error err = KP_ERROR_INIT;
    char *data = file_read_all(path, &len, &err);
    for (int readers = 1; readers <= 2; readers++) {
        kp_pdf_options o = {.time_limit = 1e-9, .readers = readers};
        kp_source src = {0};
        assert_null(pdf_load(path, data, len, &o, &src, &err));
        assert_int_equal(err.kind, KP_ERR_LIMIT);
        assert_int_equal(err.page, 1);
        assert_string_equal(err.message, "still unread after the time limit of 1e-09 s (--time-limit)");
        kp_error_clear(&err);
    }
    g_unlink(path);
    g_rmdir(dir);
    g_free(data);
    g_free(path);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_calc),
        cmocka_unit_test(test_seed_chromium),
        cmocka_unit_test(test_next_edition_calc),
        cmocka_unit_test(test_other_city_calc),
        cmocka_unit_test(test_other_city_chromium),
        cmocka_unit_test(test_radicals_read_as_kanji),
        cmocka_unit_test(test_table_across_pages),
        cmocka_unit_test(test_several_tables_a_page),
        cmocka_unit_test(test_unusable_pdfs),
        cmocka_unit_test(test_damaged_and_too_long),
        cmocka_unit_test(test_readers_agree),
        cmocka_unit_test(test_time_limit),
    };
    return cmocka_run_group_tests_name("pdf", tests, rules_setup, rules_teardown);
}
