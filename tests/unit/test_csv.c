/* The tidy CSV: RFC 4180 and UTF-8, read back field by field. */
#include "kp_test.h"

#include "kpipe/csv.h"
#include "kpipe/parse.h"
#include "kpipe/text.h"

/* A strict RFC 4180 reader: records end in CRLF, quoted fields double their
 * quotes. Returns the records (GPtrArray of GPtrArray of char *), or NULL
 * when the text breaks the format. */
static GPtrArray *rfc4180_read(const char *s)
{
    GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    while (*s) {
        GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(records, fields);
        for (;;) {
            GString *f = g_string_new(NULL);
            if (*s == '"') {
                s++;
                for (;;) {
                    if (!*s)
                        goto broken;
                    if (*s == '"' && s[1] == '"') {
                        g_string_append_c(f, '"');
                        s += 2;
                    } else if (*s == '"') {
                        s++;
                        break;
                    } else {
                        g_string_append_c(f, *s++);
                    }
                }
            } else {
                while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                    if (*s == '"')
                        goto broken;
                    g_string_append_c(f, *s++);
                }
            }
            g_ptr_array_add(fields, g_string_free(f, FALSE));
            if (*s == ',') {
                s++;
                continue;
            }
            if (s[0] == '\r' && s[1] == '\n') {
                s += 2;
                break;
            }
            goto broken_nofree;
        broken:
            g_string_free(f, TRUE);
        broken_nofree:
            g_ptr_array_free(records, TRUE);
            return NULL;
        }
    }
    return records;
}

static void test_seed_csv(void **state)
{
    (void)state;
    kp_document *doc = kp_test_document("fixtures/ebetsu-kpi-r4.txt");
    char *csv = document_to_csv(doc, 0);
    assert_true(g_utf8_validate(csv, -1, NULL));
    GPtrArray *records = rfc4180_read(csv);
    assert_non_null(records);
    GPtrArray *head = g_ptr_array_index(records, 0);
    const char *names[] = {"goal", "measure", "row",  "kpi",        "kind",     "fy",
                           "value", "unit",   "text", "cumulative", "qualifier"};
    assert_int_equal(head->len, 11);
    for (guint i = 0; i < 11; i++)
        assert_string_equal(g_ptr_array_index(head, i), names[i]);
    int figures = 0;
    for (guint g = 0; g < doc->goals->len; g++) {
        kp_goal *goal = g_ptr_array_index(doc->goals, g);
        for (guint r = 0; r < goal->rows->len; r++) {
            kp_row *row = g_ptr_array_index(goal->rows, r);
            figures += (row->baseline != NULL) + (int)row->actuals->len + (row->target != NULL);
        }
    }
    assert_int_equal(records->len, (guint)figures + 1);
    bool seen = false;
    for (guint i = 1; i < records->len; i++) {
        GPtrArray *f = g_ptr_array_index(records, i);
        assert_int_equal(f->len, 11);
        if (strcmp(g_ptr_array_index(f, 0), "1") == 0 && strcmp(g_ptr_array_index(f, 2), "7") == 0 &&
            strcmp(g_ptr_array_index(f, 5), "2021") == 0) {
            assert_string_equal(g_ptr_array_index(f, 3), "食品の輸出額");
            assert_string_equal(g_ptr_array_index(f, 4), "actual");
            assert_string_equal(g_ptr_array_index(f, 6), "220000000");
            assert_string_equal(g_ptr_array_index(f, 7), "円");
            assert_string_equal(g_ptr_array_index(f, 8), "2.2億円");
            seen = true;
        }
    }
    assert_true(seen);
    g_ptr_array_free(records, TRUE);
    g_free(csv);

    csv = document_to_csv(doc, KP_CSV_BOM);
    assert_memory_equal(csv, "\xEF\xBB\xBFgoal,", 8);
    g_free(csv);
    document_free(doc);
}

static void test_quoting(void **state)
{
    (void)state;
    kp_grid *grid = text_to_grid(
        "【基本目標1】 t\t\t\t\tKPI\t基準値\t実績値\t\t目標値 (R6年度)\n"
        "No\t具体的施策\t事業名等\t主な取組内容等\t\t\tR2年度\tR3年度\t\n"
        "1\t① 施策\t事業\t・取組\t指標, \"引用\" つき\t1,000人\t5人\t3人\t10人(累計)\n");
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = parse_document(grid, rules, &src, "q.txt", &err);
    char *csv = document_to_csv(doc, 0);
    assert_non_null(strstr(csv, "\"指標, \"\"引用\"\"つき\""));
    assert_non_null(strstr(csv, ",\"1,000人\","));
    GPtrArray *records = rfc4180_read(csv);
    assert_non_null(records);
    GPtrArray *target = g_ptr_array_index(records, records->len - 1);
    assert_string_equal(g_ptr_array_index(target, 3), "指標, \"引用\"つき");
    assert_string_equal(g_ptr_array_index(target, 4), "target");
    assert_string_equal(g_ptr_array_index(target, 5), "2024");
    assert_string_equal(g_ptr_array_index(target, 9), "true");
    g_ptr_array_free(records, TRUE);
    g_free(csv);
    document_free(doc);
    grid_free(grid);
    /* the reader itself refuses what is not RFC 4180 */
    assert_null(rfc4180_read("a,b\n"));
    assert_null(rfc4180_read("a,\"b\r\n"));
}

/* Cells a spreadsheet would run as formulas get a leading '; numbers and
 * the no-figure dash do not; KP_CSV_KEEP_FORMULAS keeps them as printed. */
static void test_formula_cells(void **state)
{
    (void)state;
    kp_document *doc = kp_test_document_from_text(
        "第1期試験市まち・ひと・しごと創生総合戦略\n"
        "【基本目標1】 t\n"
        "No\t具体的施策\t指標\t基準値\tR3実績\t目標値\n"
        "1\t① 施策\t=HYPERLINK(\"http://x\")\t-45人\t-\t@SUM(1)\n");
    char *csv = document_to_csv(doc, 0);
    assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
    assert_non_null(strstr(csv, ",-45,人,'-45人,")); /* the value a number, the text guarded */
    assert_non_null(strstr(csv, ",actual,2021,,,-,")); /* the no-figure dash as it is */
    assert_non_null(strstr(csv, ",'@SUM(1),"));
    g_free(csv);
    csv = document_to_csv(doc, KP_CSV_KEEP_FORMULAS);
    assert_non_null(strstr(csv, ",\"=HYPERLINK(\"\"http://x\"\")\","));
    assert_null(strstr(csv, "'@SUM"));
    g_free(csv);
    document_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_cells),
        cmocka_unit_test(test_seed_csv),
        cmocka_unit_test(test_quoting),
    };
    return cmocka_run_group_tests_name("csv", tests, rules_setup, rules_teardown);
}
