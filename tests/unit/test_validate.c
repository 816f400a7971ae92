/* The checks, each with its smallest failing and smallest passing case, and
 * the assessment of every seed row against values worked out by hand. */
#include "kp_test.h"

#include <math.h>

#include "kpipe/parse.h"
#include "kpipe/text.h"
#include "kpipe/validate.h"

/* The smallest clean document: one goal, one measure, two rows. */
static const char base[] =
    "第1期試験市まち・ひと・しごと創生総合戦略\n"
    "(令和2年度～令和3年度)\n"
    "\n"
    "【基本目標1】目標\t\n"
    "①施策\t指標A\n"
    "\t指標B\n"
    "\n"
    "【基本目標1】 目標\t\t\t\t重要業績評価指標 (KPI)\t基準値\t実績値\t\t目標値 (R3年度)\n"
    "No\t具体的施策\t事業名等\t主な取組内容等\t\t\tR2年度\tR3年度\t\n"
    "1\t① 施策\t事業A\t・取組\t指標A\t10人\t12人\t14人\t20人\n"
    "2\t① 施策\t事業B\t・取組\t指標B\t50%\t55%\t60%\t70%\n";

/* BASE with FROM (which must occur) replaced by TO. */
static char *variant(const char *from, const char *to)
{
    const char *at = strstr(base, from);
    if (!at)
        fail_msg("the base document has no「%s」", from);
    return g_strdup_printf("%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
}

static kp_document *checked(const char *text)
{
    kp_document *doc = kp_test_document_from_text(text);
    validate_document(doc);
    return doc;
}

static int count(const kp_document *doc, const char *code, kp_severity *severity)
{
    int n = 0;
    for (guint i = 0; i < doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        if (strcmp(d->code, code) == 0) {
            n++;
            if (severity)
                *severity = d->severity;
        }
    }
    return n;
}

/* FROM→BAD gives CODE (with SEVERITY, naming FIELD when not NULL), and
 * FROM→GOOD does not. */
static void case_of(const char *code, kp_severity severity, const char *field, const char *from,
                    const char *bad, const char *good)
{
    char *t = variant(from, bad);
    kp_document *doc = checked(t);
    kp_severity got = KP_SEV_INFO;
    if (count(doc, code, &got) == 0) {
        for (guint i = 0; i < doc->diagnostics->len; i++)
            print_message("  %s\n", ((kp_diagnostic *)g_ptr_array_index(doc->diagnostics, i))->message);
        fail_msg("%s: 「%s」 gave no diagnostic", code, bad);
    }
    assert_int_equal(got, severity);
    if (field) {
        bool named = false;
        for (guint i = 0; i < doc->diagnostics->len; i++) {
            const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
            named |= strcmp(d->code, code) == 0 && d->field && strcmp(d->field, field) == 0 &&
                     d->goal == 1 && d->row > 0 && d->line > 0;
        }
        assert_true(named);
    }
    document_free(doc);
    g_free(t);
    t = variant(from, good);
    doc = checked(t);
    if (count(doc, code, NULL) != 0)
        fail_msg("%s: 「%s」 gave a diagnostic", code, good);
    document_free(doc);
    g_free(t);
}

static void test_base_is_clean(void **state)
{
    (void)state;
    kp_document *doc = checked(base);
    for (guint i = 0; i < doc->diagnostics->len; i++)
        print_message("%s\n", ((kp_diagnostic *)g_ptr_array_index(doc->diagnostics, i))->message);
    assert_int_equal(doc->diagnostics->len, 0);
    document_free(doc);
}

static void test_malformed_figure(void **state)
{
    (void)state;
    case_of("malformed-figure", KP_SEV_ERROR, "baseline", "\t10人\t", "\t12.3.4人\t", "\t12.3人\t");
    case_of("malformed-figure", KP_SEV_ERROR, "actuals.2021", "\t14人\t", "\t4億3,0000万円\t",
            "\t15人\t");
    case_of("malformed-figure", KP_SEV_ERROR, "target", "\t20人\n", "\t△\n", "\t△2人\n");
}

static void test_unit_mismatch(void **state)
{
    (void)state;
    case_of("unit-mismatch", KP_SEV_ERROR, "actuals.2020", "\t12人\t", "\t12社\t", "\t0.0012万人\t");
}

static void test_unknown_unit(void **state)
{
    (void)state;
    case_of("unknown-unit", KP_SEV_WARNING, "actuals.2020", "\t12人\t", "\t12経営体\t", "\t12人\t");
}

static void test_year_columns(void **state)
{
    (void)state;
    case_of("year-columns", KP_SEV_ERROR, NULL, "\tR2年度\tR3年度\t", "\tR2年度\tR4年度\t",
            "\t令和2年度\t令和3年度\t");
    /* a column outside the plan period; fewer columns than the period has
     * years is an edition that prints the years up to its own */
    case_of("year-columns", KP_SEV_ERROR, NULL, "(令和2年度～令和3年度)", "(令和3年度～令和4年度)",
            "(令和2年度～令和4年度)");
}

static void test_summary_mismatch(void **state)
{
    (void)state;
    case_of("summary-mismatch", KP_SEV_WARNING, NULL, "①施策\t", "①施策の推進\t", "①施 策\t");
    case_of("summary-mismatch", KP_SEV_WARNING, NULL, "\t指標B\n", "\t指標C\n", "\t指標 B\n");
}

static void test_numbering(void **state)
{
    (void)state;
    case_of("numbering", KP_SEV_ERROR, NULL, "2\t① 施策\t事業B", "3\t① 施策\t事業B",
            "2\t① 施策\t事業B");
    case_of("numbering", KP_SEV_ERROR, NULL, "2\t① 施策\t事業B", "1\t① 施策\t事業B",
            "2\t① 施策\t事業B"); /* row 1 twice */
    case_of("numbering", KP_SEV_ERROR, NULL, "1\t① 施策\t事業A", "1\t② 施策\t事業A",
            "1\t① 施策\t事業A"); /* measure ② before ① */
    case_of("numbering", KP_SEV_ERROR, NULL, "【基本目標1】目標\t", "【基本目標3】目標\t",
            "【基本目標1】目標\t"); /* goals 1 and 3, no goal 2 */
}

static void test_cumulative_decrease(void **state)
{
    (void)state;
    case_of("cumulative-decrease", KP_SEV_WARNING, "actuals.2021", "\t12人\t14人\t20人\n",
            "\t12人\t-3人\t20人 (累計)\n", "\t12人\t3人\t20人 (累計)\n");
    case_of("cumulative-decrease", KP_SEV_WARNING, "actuals.2021", "\t12人\t14人\t",
            "\t12人(累計)\t11人(累計)\t", "\t12人(累計)\t14人(累計)\t");
}

static void test_percent_range(void **state)
{
    (void)state;
    case_of("percent-range", KP_SEV_WARNING, "actuals.2021", "\t60%\t", "\t120%\t", "\t100%\t");
}

static void test_outlier(void **state)
{
    (void)state;
    case_of("outlier", KP_SEV_WARNING, "actuals.2020", "\t12人\t", "\t1,200人\t", "\t99人\t");
}

static void test_relisted_unknown(void **state)
{
    (void)state;
    case_of("relisted-unknown", KP_SEV_WARNING, NULL, "\t事業B\t", "\t事業Z (再掲)\t",
            "\t事業A (再掲)\t");
}

static void test_missing_target_and_baseline(void **state)
{
    (void)state;
    case_of("missing-target", KP_SEV_INFO, "target", "\t20人\n", "\t\n", "\t20人\n");
    case_of("missing-baseline", KP_SEV_INFO, "baseline", "\t10人\t", "\t-\t", "\t0人\t");
}

/* ---- assessment of the seed, worked out by hand ----------------------- */

typedef struct {
    int goal, row;
    const char *direction;
    int latest_fy;          /* 0: latest is null */
    double latest;
    double progress;        /* NAN: null */
    const char *status;
} expected_assessment;

static void test_seed_assessment(void **state)
{
    (void)state;
    char *path = kp_test_path("fixtures/ebetsu-kpi-r4.txt");
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *grid = text_load(path, &src, &err);
    kp_document *doc = parse_document(grid, rules, &src, path, &err);
    grid_free(grid);
    g_free(path);
    validate_document(doc);
    /* elapsed share at FY2022 of the FY2020–2024 plan: 3/5 = 0.6; progress
     * is computed in decimal and rounded to 4 places, half away from zero */
    const expected_assessment cases[] = {
        {1, 1, "increase", 2022, 0, 0.0, "behind"},            /* 0 / 20, no baseline */
        {1, 3, "increase", 2022, 1580000, 2.875, "achieved"},  /* (158-135)/(143-135) 万人 */
        {1, 4, "increase", 2022, 28, -0.4667, "behind"},      /* (28-35)/(50-35), to 4 places */
        {1, 5, "increase", 2022, 0, 0.0, "behind"},            /* 累計: 0+0+0 of 5 */
        {1, 6, "increase", 0, 0, NAN, "no-data"},              /* no actuals */
        {1, 7, "increase", 2022, 240000000, -0.1667, "behind"}, /* (2.4-2.5)/(3.1-2.5) 億円 */
        {2, 1, "increase", 2022, 13, 2.6, "achieved"},         /* 累計: 2+2+9 = 13 of 5 */
        {2, 2, "increase", 2022, 387, -1.0545, "behind"},       /* -58/55 */
        {2, 3, "increase", 2022, 43595, 13.0358, "achieved"},  /* 33137/2542 */
        {2, 4, "maintain", 2022, 479, NAN, "behind"},          /* target = baseline: no share */
        {3, 1, "decrease", 2022, 61, 0.3646, "behind"},       /* (61-96)/(0-96) < 0.6 */
        {3, 2, "increase", 2022, 979, 0.4145, "behind"},      /* 206/497 */
        {3, 5, "increase", 2022, 135, 1.35, "achieved"},       /* no baseline: 135 / 100 */
        {4, 1, "increase", 2022, 66.2, 0.662, "on-track"},     /* 66.2/100 >= 0.6 */
        {4, 2, "increase", 2022, 89.2, 0.3333, "behind"},     /* 0.4/1.2 */
        {4, 3, "maintain", 2022, 251, NAN, "behind"},          /* below the kept level */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const expected_assessment *c = &cases[i];
        kp_goal *g = document_goal(doc, c->goal, false);
        kp_row *r = NULL;
        for (guint k = 0; k < g->rows->len; k++)
            if (((kp_row *)g_ptr_array_index(g->rows, k))->number == c->row)
                r = g_ptr_array_index(g->rows, k);
        assert_non_null(r);
        kp_assessment *a = r->assessment;
        if (!a)
            fail_msg("goal %d row %d has no assessment", c->goal, c->row);
        assert_string_equal(direction_name(a->direction), c->direction);
        assert_string_equal(status_name(a->status), c->status);
        if (c->latest_fy) {
            assert_true(a->has_latest);
            assert_int_equal(a->latest_fy, c->latest_fy);
            assert_float_equal(decimal_to_double(a->latest), c->latest, 1e-9);
        } else {
            assert_false(a->has_latest);
        }
        if (isnan(c->progress))
            assert_false(a->has_progress);
        else {
            assert_true(a->has_progress);
            assert_true(a->progress == c->progress); /* exactly: no binary noise */
        }
    }
    /* rows under a merged KPI with no target of their own: no assessment */
    assert_null(((kp_row *)g_ptr_array_index(document_goal(doc, 1, false)->rows, 1))->assessment);
    assert_null(((kp_row *)g_ptr_array_index(document_goal(doc, 3, false)->rows, 2))->assessment);
    document_free(doc);
}

static void test_check_table(void **state)
{
    (void)state;
    size_t n;
    const kp_check_info *c = validate_checks(&n);
    assert_int_equal(n, 21);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(c[i].summary);
        for (const char *p = c[i].code; *p; p++) /* stable, kebab-case */
            assert_true((*p >= 'a' && *p <= 'z') || *p == '-');
    }
}

/* Shares in decimal, rounded half away from zero: the values a clerk would
 * write, whatever the scale of the figures. */
static void test_decimal_ratio(void **state)
{
    (void)state;
    static const struct {
        kp_decimal num, den;
        const char *want; /* NULL: no ratio */
    } cases[] = {
        {{1, 0}, {3, 0}, "0.3333"},
        {{2, 0}, {3, 0}, "0.6667"},
        {{-1, 0}, {6, 0}, "-0.1667"},
        {{4, -1}, {12, -1}, "0.3333"},       /* 0.4 / 1.2 */
        {{1, 0}, {-8, 0}, "-0.125"},
        {{23, 4}, {8, 4}, "2.875"},          /* 230000 / 80000 */
        {{5, -5}, {1, 0}, "0.0001"},         /* 0.00005: half rounds away */
        {{1, 0}, {0, 0}, NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        kp_decimal out;
        bool ok = decimal_ratio(cases[i].num, cases[i].den, 4, &out);
        if (!cases[i].want) {
            assert_false(ok);
            continue;
        }
        assert_true(ok);
        char *text = decimal_to_string(out);
        assert_string_equal(text, cases[i].want);
        g_free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_is_clean),
        cmocka_unit_test(test_malformed_figure),
        cmocka_unit_test(test_unit_mismatch),
        cmocka_unit_test(test_unknown_unit),
        cmocka_unit_test(test_year_columns),
        cmocka_unit_test(test_summary_mismatch),
        cmocka_unit_test(test_numbering),
        cmocka_unit_test(test_cumulative_decrease),
        cmocka_unit_test(test_percent_range),
        cmocka_unit_test(test_outlier),
        cmocka_unit_test(test_relisted_unknown),
        cmocka_unit_test(test_missing_target_and_baseline),
        cmocka_unit_test(test_seed_assessment),
        cmocka_unit_test(test_decimal_ratio),
        cmocka_unit_test(test_check_table),
    };
    return cmocka_run_group_tests_name("validate", tests, rules_setup, rules_teardown);
}
