/* The spool: a document read with its rows and diagnostics parked in a
 * temporary file writes the same kpi-json as one held in memory, for every
 * fixture PDF; rows and diagnostics come back from their bytes as they
 * went in; bytes that were not written so are refused, not read. */
#include "kp_test.h"

#include "kpipe/json.h"
#include "kpipe/kpipe.h"
#include "kpipe/spool.h"

/* FIXTURE's kpi-json, read in memory or spooled. */
static char *json_of(const char *fixture, bool spooled)
{
    char *path = kp_test_path(fixture);
    kp_pdf_options pdf = {.readers = 1, .ocr = KP_OCR_AUTO};
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = spooled ? kp_document_load_spooled(path, &pdf, rules, &err)
                               : kp_document_load(path, &pdf, rules, NULL, &err);
    if (!doc)
        fail_msg("%s: %s", fixture, err.message);
    if (spooled && !doc->spool)
        fail_msg("%s: no temporary file for the spool", fixture);
    char *text = document_json_text(doc, false);
    document_free(doc);
    g_free(path);
    return text;
}

static void same_json_in_memory_and_spooled(const char *folder)
{
    char *dir = kp_test_path(folder);
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    int pdfs = 0;
    for (const char *name; (name = g_dir_read_name(d));) {
        if (!g_str_has_suffix(name, ".pdf"))
            continue;
        char *fixture = g_build_filename(folder, name, NULL);
        char *held = json_of(fixture, false), *spooled = json_of(fixture, true);
        if (strcmp(held, spooled) != 0)
            fail_msg("%s: the spooled document writes other kpi-json", fixture);
        g_free(held);
        g_free(spooled);
        g_free(fixture);
        pdfs++;
    }
    g_dir_close(d);
    g_free(dir);
    assert_true(pdfs >= 5);
}

static void test_fixtures_spooled(void **state)
{
    (void)state;
    same_json_in_memory_and_spooled("fixtures");
}

static void test_families_spooled(void **state)
{
    (void)state;
    same_json_in_memory_and_spooled("fixtures/families");
}

/* An OCR'd document keeps its diagnostics in memory (its checks look
 * back at them), its rows still parked. */
static void test_scan_spooled(void **state)
{
    (void)state;
    const char *scan = "fixtures/scans/kikyo-yeartargets.calc.200dpi.pdf";
    char *held = json_of(scan, false), *spooled = json_of(scan, true);
    assert_string_equal(held, spooled);
    assert_non_null(strstr(held, "\"code\":\"ocr\"")); /* (read by OCR indeed) */
    g_free(held);
    g_free(spooled);
}

static GByteArray *packed_row(const kp_row *r)
{
    GByteArray *b = g_byte_array_new();
    row_pack(r, b);
    return b;
}

/* Every row of D: unpacked and packed again, the same bytes; every
 * shorter prefix of them refused. Counts rows and evaluations. */
static void rows_round_trip(const kp_document *d, int *rows, int *evaluations)
{
    for (guint gi = 0; gi < d->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(d->goals, gi);
        for (guint ri = 0; ri < g->rows->len; ri++, (*rows)++) {
            const kp_row *r = g_ptr_array_index(g->rows, ri);
            *evaluations += (int)r->evaluations->len;
            GByteArray *once = packed_row(r);
            kp_row *back = row_unpack(once->data, once->len);
            assert_non_null(back);
            assert_int_equal(back->number, r->number);
            assert_string_equal(back->kpi_name ? back->kpi_name : "", r->kpi_name ? r->kpi_name : "");
            GByteArray *twice = packed_row(back);
            assert_int_equal(twice->len, once->len);
            assert_memory_equal(twice->data, once->data, once->len);
            for (guint cut = 0; cut < once->len; cut += 7)
                assert_null(row_unpack(once->data, cut));
            row_free(back);
            g_byte_array_free(once, TRUE);
            g_byte_array_free(twice, TRUE);
        }
    }
}

/* Every diagnostic of D back from its bytes; one byte short is refused. */
static void diagnostics_round_trip(const kp_document *d)
{
    assert_true(d->diagnostics->len > 0);
    for (guint i = 0; i < d->diagnostics->len; i++) {
        const kp_diagnostic *x = g_ptr_array_index(d->diagnostics, i);
        GByteArray *b = g_byte_array_new();
        diagnostic_pack(x, b);
        kp_diagnostic *back = diagnostic_unpack(b->data, b->len);
        assert_non_null(back);
        assert_string_equal(back->code, x->code);
        assert_string_equal(back->message, x->message);
        assert_int_equal(back->row, x->row);
        assert_null(diagnostic_unpack(b->data, b->len - 1));
        diagnostic_free(back);
        g_byte_array_free(b, TRUE);
    }
}

static void test_pack_round_trip(void **state)
{
    (void)state;
    static const char *const fixtures[] = {"fixtures/ebetsu-kpi-r4.calc.pdf",
                                           "fixtures/families/kitahama-verdicts.calc.pdf"};
    int rows = 0, evaluations = 0;
    for (size_t f = 0; f < G_N_ELEMENTS(fixtures); f++) {
        char *path = kp_test_path(fixtures[f]);
        kp_pdf_options pdf = {.readers = 1, .ocr = KP_OCR_NEVER};
        kp_error err = KP_ERROR_INIT;
        kp_document *doc = kp_document_load(path, &pdf, rules, NULL, &err);
        assert_non_null(doc);
        rows_round_trip(doc, &rows, &evaluations);
        diagnostics_round_trip(doc);
        document_free(doc);
        g_free(path);
    }
    assert_true(rows >= 20);
    assert_true(evaluations >= 3); /* (verdicts, with their meanings, went through) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_round_trip),
        cmocka_unit_test(test_fixtures_spooled),
        cmocka_unit_test(test_families_spooled),
        cmocka_unit_test(test_scan_spooled),
    };
    return cmocka_run_group_tests(tests, rules_setup, rules_teardown);
}
