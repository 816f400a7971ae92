/* The parser on real inputs: the seed document (Ebetsu, FY2022 edition), the
 * other-city fixture in Heisei years, and the cell parsers alone. */
#include "kp_test.h"

#include <jansson.h>

#include "kpipe/json.h"
#include "kpipe/parse.h"
#include "kpipe/text.h"

static kp_row *row_of(kp_document *doc, int goal, int number)
{
    kp_goal *g = document_goal(doc, goal, false);
    assert_non_null(g);
    for (guint i = 0; i < g->rows->len; i++) {
        kp_row *r = g_ptr_array_index(g->rows, i);
        if (r->number == number)
            return r;
    }
    fail_msg("goal %d has no row %d", goal, number);
    return NULL;
}

static const kp_quantity *actual_of(const kp_row *r, int fy)
{
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *a = g_ptr_array_index(r->actuals, i);
        if (a->fy == fy)
            return a->quantity;
    }
    return NULL;
}

static void assert_value(const kp_quantity *q, const char *value, const char *unit)
{
    assert_non_null(q);
    assert_true(q->has_value);
    char *v = decimal_to_string(q->value);
    assert_string_equal(v, value);
    g_free(v);
    assert_string_equal(q->unit, unit);
}

static void test_seed_structure(void **state)
{
    (void)state;
    kp_document *doc = kp_test_document("fixtures/ebetsu-kpi-r4.txt");
    assert_string_equal(doc->title, "第2期江別市まち・ひと・しごと創生総合戦略");
    assert_string_equal(doc->municipality, "江別市");
    assert_true(doc->has_period);
    assert_int_equal(doc->first_fy, 2020);
    assert_int_equal(doc->last_fy, 2024);
    assert_int_equal(doc->fiscal_years->len, 5);
    assert_int_equal(g_array_index(doc->fiscal_years, int, 0), 2020);
    assert_int_equal(g_array_index(doc->fiscal_years, int, 4), 2024);

    assert_int_equal(doc->goals->len, 4);
    guint measures = 0, kpis = 0, rows = 0;
    static const int rows_per_goal[] = {7, 4, 6, 3};
    for (guint i = 0; i < doc->goals->len; i++) {
        kp_goal *g = g_ptr_array_index(doc->goals, i);
        assert_int_equal(g->number, (int)i + 1); /* ascending, though the list has 1,3,2,4 */
        assert_int_equal(g->rows->len, rows_per_goal[i]);
        measures += g->measures->len;
        rows += g->rows->len;
        for (guint m = 0; m < g->measures->len; m++)
            kpis += ((kp_measure *)g_ptr_array_index(g->measures, m))->kpis->len;
    }
    assert_int_equal(measures, 11);
    assert_int_equal(kpis, 16);
    assert_int_equal(rows, 20);

    kp_goal *g3 = document_goal(doc, 3, false);
    assert_string_equal(g3->title,
                        "若い世代の結婚・出産・子育ての希望をかなえる、誰もが活躍できる地域社会をつくる");
    kp_measure *m31 = goal_measure(g3, 1, false);
    /* the detail table's title wins; the summary's is kept for the checks */
    assert_string_equal(m31->title, "個々人の希望をかなえる少子化対策");
    assert_string_equal(m31->summary_title, "個々の希望をかなえる少子化対策");
    assert_string_equal(g_ptr_array_index(m31->kpis, 1), "放課後児童クラブ入会児童数");
    assert_int_equal(doc->diagnostics->len, 0);
    document_free(doc);
}

static void test_seed_figures(void **state)
{
    (void)state;
    kp_document *doc = kp_test_document("fixtures/ebetsu-kpi-r4.txt");
    kp_row *r;

    r = row_of(doc, 1, 3);
    assert_value(r->baseline, "1350000", "人");
    assert_string_equal(r->baseline->text, "135万人");
    assert_value(actual_of(r, 2022), "1580000", "人");
    assert_int_equal(r->target->fy, 2024);

    r = row_of(doc, 1, 7);
    assert_value(actual_of(r, 2021), "220000000", "円");
    assert_value(r->baseline, "250000000", "円");
    assert_int_equal(r->notes->len, 1);
    assert_string_equal(g_ptr_array_index(r->notes, 0),
                        "総合特区推進事業（令和3年度終了事業）から一部を移管");
    assert_int_equal(r->projects->len, 1);
    assert_string_equal(g_ptr_array_index(r->projects, 0), "海外市場販路開拓促進事業");

    r = row_of(doc, 1, 5);
    assert_value(r->target, "5", "製品");
    assert_true(r->target->cumulative);
    assert_int_equal(r->target->fy, 2024);

    r = row_of(doc, 1, 6);
    assert_int_equal(r->actuals->len, 0);
    assert_value(r->target, "14000", "人");

    r = row_of(doc, 1, 1);
    assert_non_null(r->baseline); /* "-": a figure cell meaning no figure */
    assert_false(r->baseline->has_value);
    assert_null(r->baseline->unit);
    assert_string_equal(r->baseline->text, "-");
    assert_int_equal(r->activities->len, 3);
    assert_string_equal(g_ptr_array_index(r->activities, 2), "実習生が実習の成果を発表する実習報告会の開催");

    r = row_of(doc, 1, 2);
    assert_true(r->kpi_inherited);
    assert_string_equal(r->kpi_name, "市内インターンシップ等への参加学生数");
    assert_null(r->target);

    r = row_of(doc, 2, 2);
    assert_true(r->relisted);
    assert_string_equal(g_ptr_array_index(r->projects, 0), "学生地域定着自治体連携事業");

    r = row_of(doc, 2, 1);
    assert_int_equal(r->projects->len, 0); /* "—" */
    assert_true(r->target->cumulative);

    r = row_of(doc, 3, 1);
    assert_value(r->target, "0", "人");
    assert_string_equal(g_ptr_array_index(r->projects, 0), "待機児童解消対策事業");

    for (int n = 3; n <= 4; n++) {
        r = row_of(doc, 3, n);
        assert_true(r->kpi_inherited);
        assert_string_equal(r->kpi_name, "放課後児童クラブ入会児童数");
        assert_null(r->baseline);
        assert_null(r->target);
        assert_int_equal(r->actuals->len, 0);
    }
    r = row_of(doc, 3, 4);
    assert_int_equal(r->projects->len, 2);
    assert_string_equal(g_ptr_array_index(r->projects, 1), "森の子児童クラブ");
    r = row_of(doc, 3, 3);
    assert_string_equal(g_ptr_array_index(r->projects, 0), "放課後児童クラブ運営費補助金");

    r = row_of(doc, 3, 6);
    assert_true(r->kpi_inherited);
    assert_string_equal(r->kpi_name, "江別市就労支援プログラム事業により就業できた人数");
    assert_int_equal(r->measure, 2);
    assert_int_equal(r->activities->len, 4);

    r = row_of(doc, 3, 2);
    assert_false(r->kpi_inherited);
    assert_string_equal(r->kpi_name, "放課後児童クラブ入会児童数"); /* "入会児 童数" joined */

    r = row_of(doc, 1, 4); /* named as the summary list prints it */
    assert_string_equal(r->kpi_name, "商談会・催事出展企業数（食を軸とした地場産品販路拡大事業）");

    r = row_of(doc, 4, 1);
    assert_value(actual_of(r, 2020), "55.9", "%");
    assert_int_equal(r->activities->len, 1);
    r = row_of(doc, 1, 3);
    assert_int_equal(r->projects->len, 2);
    assert_int_equal(r->where.line, 40);
    document_free(doc);
}

static void test_other_city_heisei(void **state)
{
    (void)state;
    kp_document *doc = kp_test_document("fixtures/hokushin-kpi-h30.txt");
    assert_string_equal(doc->municipality, "北辰市");
    assert_int_equal(doc->first_fy, 2015);
    assert_int_equal(doc->last_fy, 2019);
    assert_int_equal(g_array_index(doc->fiscal_years, int, 4), 2019); /* R元年度 */
    assert_int_equal(doc->goals->len, 3);
    assert_int_equal(doc->diagnostics->len, 0);
    kp_row *r;

    r = row_of(doc, 1, 1);
    assert_value(actual_of(r, 2016), "10.2", "ha"); /* full-width digits */
    assert_string_equal(actual_of(r, 2017)->qualifier, "approx");
    assert_true(r->target->cumulative);
    assert_int_equal(r->target->fy, 2019);
    assert_string_equal(r->kpi_name, "新規就農者の農地取得面積");

    r = row_of(doc, 1, 2);
    assert_value(r->baseline, "3200", "t");
    assert_false(actual_of(r, 2018)->has_value); /* 未集計 */
    assert_string_equal(actual_of(r, 2018)->text, "未集計");
    assert_string_equal(r->target->qualifier, "at-least");

    r = row_of(doc, 1, 3);
    assert_value(r->baseline, "112178000", "円"); /* 千円 */
    assert_value(actual_of(r, 2017), "135000000", "円"); /* 百万円 */

    r = row_of(doc, 1, 4);
    assert_value(actual_of(r, 2016), "5", "箇所");
    assert_value(actual_of(r, 2017), "4", "箇所"); /* か所 */
    assert_int_equal(r->projects->len, 2);

    r = row_of(doc, 1, 5);
    assert_value(r->baseline, "6500000000", "円");
    assert_value(actual_of(r, 2018), "7050000000", "円");

    r = row_of(doc, 1, 6);
    assert_value(actual_of(r, 2017), "16", "回");

    r = row_of(doc, 1, 7);
    assert_true(r->relisted);
    assert_true(r->kpi_inherited);

    r = row_of(doc, 2, 1);
    assert_value(r->baseline, "-320", "人"); /* △ */
    assert_value(actual_of(r, 2016), "-150", "人"); /* ▲ */
    assert_value(actual_of(r, 2017), "-45", "人");

    r = row_of(doc, 2, 2);
    assert_value(actual_of(r, 2015), "1.2", "倍");
    assert_false(actual_of(r, 2017)->has_value); /* 調査中 */

    r = row_of(doc, 3, 1);
    assert_value(r->baseline, "35.2", "%"); /* ％ */
    r = row_of(doc, 3, 2);
    assert_value(r->baseline, "18740", "人");
    assert_value(actual_of(r, 2015), "19200", "人");
    r = row_of(doc, 3, 3);
    assert_value(r->baseline, "1250", "ha");
    assert_value(r->target, "900", "ha");
    assert_string_equal(r->target->qualifier, "at-most");
    assert_int_equal(r->projects->len, 0);
    document_free(doc);
}

static void test_shift_jis_same_document(void **state)
{
    (void)state;
    kp_document *a = kp_test_document("fixtures/ebetsu-kpi-r4.txt");
    kp_document *b = kp_test_document("fixtures/ebetsu-kpi-r4.sjis.txt");
    json_t *ja = document_to_json(a), *jb = document_to_json(b);
    assert_true(json_equal(json_object_get(ja, "goals"), json_object_get(jb, "goals")));
    assert_true(json_equal(json_object_get(ja, "document"), json_object_get(jb, "document")));
    assert_string_not_equal(a->source.sha256, b->source.sha256);
    json_decref(ja);
    json_decref(jb);
    document_free(a);
    document_free(b);
}

static void test_project_cells(void **state)
{
    (void)state;
    static const struct {
        const char *cell;
        int count;
        const char *first, *second;
        bool relisted;
        int notes;
    } cases[] = {
        {"えべつ観光協会支援事業 観光振興計画推進事業", 2, "えべつ観光協会支援事業",
         "観光振興計画推進事業", false, 0},
        {"待機児童解消対策 事業", 1, "待機児童解消対策事業", NULL, false, 0},
        {"放課後児童クラブ 運営事業", 1, "放課後児童クラブ運営事業", NULL, false, 0},
        {"萩ヶ岡児童クラブ 森の子児童クラブ", 2, "萩ヶ岡児童クラブ", "森の子児童クラブ", false, 0},
        {"学生地域定着自治体連携事業 (再掲)", 1, "学生地域定着自治体連携事業", NULL, true, 0},
        {"移住支援事業【再掲】", 1, "移住支援事業", NULL, true, 0},
        {"—", 0, NULL, NULL, false, 0},
        {"-", 0, NULL, NULL, false, 0},
        {"", 0, NULL, NULL, false, 0},
        {"A事業 (B事業（令和3年度終了）から移管)", 1, "A事業", NULL, false, 1},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        kp_row *r = row_new();
        parse_projects(rules, cases[i].cell, r);
        if ((int)r->projects->len != cases[i].count)
            fail_msg("「%s」: %u projects, expected %d", cases[i].cell, r->projects->len,
                     cases[i].count);
        if (cases[i].first)
            assert_string_equal(g_ptr_array_index(r->projects, 0), cases[i].first);
        if (cases[i].second)
            assert_string_equal(g_ptr_array_index(r->projects, 1), cases[i].second);
        assert_int_equal(r->relisted, cases[i].relisted);
        assert_int_equal(r->notes->len, cases[i].notes);
        row_free(r);
    }
}

static void test_activity_cells(void **state)
{
    (void)state;
    kp_row *r = row_new();
    parse_activities(rules, "<ul><li>一つ目の 取組</li><li>二つ目</li></ul>", r);
    assert_int_equal(r->activities->len, 2);
    assert_string_equal(g_ptr_array_index(r->activities, 0), "一つ目の取組");
    row_free(r);

    r = row_new();
    parse_activities(rules, "・子育て支援員の養成、保育従事者確保のため の各種事業 ・商談会・物産展", r);
    assert_int_equal(r->activities->len, 2);
    assert_string_equal(g_ptr_array_index(r->activities, 0),
                        "子育て支援員の養成、保育従事者確保のための各種事業");
    assert_string_equal(g_ptr_array_index(r->activities, 1), "商談会・物産展"); /* mid-word ・ */
    row_free(r);

    r = row_new();
    parse_activities(rules, "", r);
    assert_int_equal(r->activities->len, 0);
    row_free(r);
}

static void test_circled(void **state)
{
    (void)state;
    assert_int_equal(circled_number(0x2460), 1);  /* ① */
    assert_int_equal(circled_number(0x2473), 20); /* ⑳ */
    assert_int_equal(circled_number(0x3251), 21); /* ㉑ */
    assert_int_equal(circled_number(0x32BF), 50); /* ㊿ */
    assert_int_equal(circled_number('1'), 0);
}

static void test_no_table(void **state)
{
    (void)state;
    kp_grid *grid = text_to_grid("just a title\n\nsome text\tand more\n");
    kp_source src = {0};
    src.name = g_strdup("x.txt");
    kp_error err = KP_ERROR_INIT;
    assert_null(parse_document(grid, rules, &src, "x.txt", &err));
    assert_int_equal(err.kind, KP_ERR_NO_TABLE);
    assert_string_equal(err.file, "x.txt");
    assert_non_null(strstr(err.message, "no KPI table"));
    kp_error_clear(&err);
    grid_free(grid);
}

static void test_malformed_cell_diagnostic(void **state)
{
    (void)state;
    kp_grid *grid = text_to_grid(
        "第1期試験市まち・ひと・しごと創生総合戦略\n"
        "【基本目標1】 t\t\t\t\tKPI\t基準値\t実績値\t\t目標値 (R6年度)\n"
        "No\t具体的施策\t事業名等\t主な取組内容等\t\t\tR2年度\tR3年度\t\n"
        "1\t① 施策\t事業\t・取組\t指標\t12.3.4人\t5経営体\t3人\t10人\n");
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = parse_document(grid, rules, &src, "m.txt", &err);
    assert_non_null(doc);
    assert_int_equal(doc->diagnostics->len, 2);
    kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, 0);
    assert_string_equal(d->code, "malformed-figure");
    assert_int_equal(d->severity, KP_SEV_ERROR);
    assert_int_equal(d->goal, 1);
    assert_int_equal(d->row, 1);
    assert_string_equal(d->field, "baseline");
    assert_int_equal(d->line, 4);
    d = g_ptr_array_index(doc->diagnostics, 1);
    assert_string_equal(d->code, "unknown-unit");
    assert_string_equal(d->field, "actuals.2020");
    kp_row *r = row_of(doc, 1, 1);
    assert_false(r->baseline->has_value);
    assert_int_equal(r->target->fy, 2024);
    document_free(doc);
    grid_free(grid);
}

/* A table counting KPIs per verdict per goal looks like a summary list but
 * is not one; a goal line that lists nothing under it is a heading. */
static void test_count_table_is_no_summary(void **state)
{
    (void)state;
    kp_document *doc = kp_test_document_from_text(
        "第1期試験市まち・ひと・しごと創生総合戦略\n"
        "【基本目標1】 t\n"
        "No\t具体的施策\t指標\t基準値\tR3実績\t目標値\t評価\n"
        "1\t① 施策\t指標A\t1人\t2人\t3人\t○\n"
        "\n"
        "基本目標\t◎\t○\t△\t計\n"
        "基本目標1\t0\t1\t0\t1\n"
        "基本目標2\t1\t0\t0\t1\n");
    assert_int_equal(doc->goals->len, 1);
    kp_goal *g = document_goal(doc, 1, false);
    assert_false(g->in_summary);
    assert_int_equal(g->rows->len, 1);
    document_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_structure),
        cmocka_unit_test(test_seed_figures),
        cmocka_unit_test(test_other_city_heisei),
        cmocka_unit_test(test_shift_jis_same_document),
        cmocka_unit_test(test_project_cells),
        cmocka_unit_test(test_activity_cells),
        cmocka_unit_test(test_circled),
        cmocka_unit_test(test_no_table),
        cmocka_unit_test(test_malformed_cell_diagnostic),
        cmocka_unit_test(test_count_table_is_no_summary),
    };
    return cmocka_run_group_tests_name("parse", tests, rules_setup, rules_teardown);
}
