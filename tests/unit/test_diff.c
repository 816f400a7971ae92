/* Edition diffs: the next year's edition of the seed, renamed KPIs and
 * renumbered rows, and kpi-json read back. */
#include "kp_test.h"

#include <jansson.h>

#include "kpipe/diff.h"
#include "kpipe/json.h"
#include "kpipe/parse.h"
#include "kpipe/text.h"
#include "kpipe/validate.h"

static char *fixture_text(const char *name)
{
    char *path = kp_test_path(name);
    char *text = NULL;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_free(path);
    return text;
}

static char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("no「%s」to replace", from);
    return g_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static void test_next_edition(void **state)
{
    (void)state;
    char *a = fixture_text("fixtures/ebetsu-kpi-r4.txt"), *b = fixture_text("fixtures/ebetsu-kpi-r5.txt");
    kp_document *old = kp_test_document_from_text(a), *new_ = kp_test_document_from_text(b);
    kp_diff *d = diff_documents(old, new_);
    assert_int_equal(d->changes->len, 19);
    assert_int_equal(diff_count(d, KP_CHANGE_REVISED), 2);
    assert_int_equal(diff_count(d, KP_CHANGE_ADDED), 17);
    int revised = 0;
    for (guint i = 0; i < d->changes->len; i++) {
        kp_change *c = g_ptr_array_index(d->changes, i);
        if (c->kind == KP_CHANGE_ADDED)
            assert_string_equal(c->field, "actuals.2023");
        if (c->kind != KP_CHANGE_REVISED)
            continue;
        revised++;
        if (c->goal == 1) {
            assert_int_equal(c->row, 3);
            assert_string_equal(c->field, "actuals.2022");
            assert_string_equal(c->old->text, "158万人");
            assert_string_equal(c->new_->text, "162万人");
        } else {
            assert_int_equal(c->goal, 2);
            assert_int_equal(c->row, 3);
            assert_string_equal(c->field, "actuals.2021");
        }
    }
    assert_int_equal(revised, 2);
    /* ordered by goal, row, field */
    for (guint i = 1; i < d->changes->len; i++) {
        kp_change *p = g_ptr_array_index(d->changes, i - 1), *c = g_ptr_array_index(d->changes, i);
        assert_true(p->goal < c->goal || (p->goal == c->goal && p->row <= c->row));
    }
    char *text = diff_to_text(d);
    /* revisions come first in the report for people */
    assert_true(strstr(text, "Revised") < strstr(text, "Added"));
    g_free(text);
    diff_free(d);
    document_free(old);
    document_free(new_);
    g_free(a);
    g_free(b);
}

static void test_rename_and_renumber(void **state)
{
    (void)state;
    char *a = fixture_text("fixtures/hokushin-kpi-h30.txt");
    /* goal 2: a new row 1 pushes the old rows down; goal 3 row 1's KPI renamed */
    char *b1 = replaced(a, "1\t① 移住・定住の促進\t移住支援事業",
                        "1\t① 移住・定住の促進\t新事業\t・新しい取組\t新しい指標\t1件\t2件\t3件\t4件\t5件\t\t10件\n"
                        "2\t① 移住・定住の促進\t移住支援事業");
    char *b2 = replaced(b1, "2\t① 移住・定住の促進\t移住相談窓口事業", "3\t① 移住・定住の促進\t移住相談窓口事業");
    char *b = replaced(b2, "\t特定健診受診率\t", "\t特定健康診査受診率\t");
    kp_document *old = kp_test_document_from_text(a), *new_ = kp_test_document_from_text(b);
    kp_diff *d = diff_documents(old, new_);
    assert_int_equal(diff_count(d, KP_CHANGE_ROW_REMOVED), 0);
    assert_int_equal(diff_count(d, KP_CHANGE_ROW_ADDED), 1);
    assert_int_equal(diff_count(d, KP_CHANGE_MOVED), 2);
    assert_int_equal(diff_count(d, KP_CHANGE_RENAMED), 1);
    assert_int_equal(diff_count(d, KP_CHANGE_REVISED), 0);
    for (guint i = 0; i < d->changes->len; i++) {
        kp_change *c = g_ptr_array_index(d->changes, i);
        if (c->kind == KP_CHANGE_RENAMED) {
            assert_int_equal(c->goal, 3);
            assert_int_equal(c->row, 1);
            assert_string_equal(c->old_kpi, "特定健診受診率");
            assert_string_equal(c->kpi, "特定健康診査受診率");
        }
        if (c->kind == KP_CHANGE_MOVED && strcmp(c->kpi, "転入超過数") == 0) {
            assert_int_equal(c->old_row, 1);
            assert_int_equal(c->row, 2);
        }
        if (c->kind == KP_CHANGE_ROW_ADDED)
            assert_string_equal(c->kpi, "新しい指標");
    }
    assert_int_equal(d->changes->len, 4); /* nothing else changed */
    diff_free(d);
    document_free(old);
    document_free(new_);
    g_free(a);
    g_free(b1);
    g_free(b2);
    g_free(b);
}

static void test_kpi_json_read_back(void **state)
{
    (void)state;
    char *a = fixture_text("fixtures/ebetsu-kpi-r4.txt");
    kp_document *doc = kp_test_document_from_text(a);
    validate_document(doc);
    json_t *j = document_to_json(doc);
    char *text = json_write(j, false);
    kp_error err = KP_ERROR_INIT;
    kp_document *back = document_from_json(text, strlen(text), "r4.json", &err);
    assert_non_null(back);
    kp_diff *d = diff_documents(doc, back);
    assert_int_equal(d->changes->len, 0);
    /* and it writes the same bytes again, but for the recomputed parts */
    validate_document(back); /* the same checks on the same figures */
    json_t *j2 = document_to_json(back);
    json_object_set(j2, "diagnostics", json_object_get(j, "diagnostics"));
    char *again = json_write(j2, false);
    assert_string_equal(again, text);
    g_free(again);
    json_decref(j2);
    diff_free(d);
    document_free(back);

    assert_null(document_from_json("{\"format\":\"other\"}", 18, "x.json", &err));
    assert_non_null(strstr(err.message, "not kpi-json/1"));
    kp_error_clear(&err);
    assert_null(document_from_json("{\n\"a\": [1,\n", 11, "y.json", &err));
    assert_int_equal(err.line, 3);
    kp_error_clear(&err);
    g_free(text);
    json_decref(j);
    document_free(doc);
    g_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_edition),
        cmocka_unit_test(test_rename_and_renumber),
        cmocka_unit_test(test_kpi_json_read_back),
    };
    return cmocka_run_group_tests_name("diff", tests, rules_setup, rules_teardown);
}
