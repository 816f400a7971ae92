/* Figures: the spec's notations, through the project's own rules. */
#include "kp_test.h"

#include "kpipe/quantity.h"

typedef struct {
    const char *cell;
    const char *value;      /* decimal text, NULL for a null value */
    const char *unit;
    bool cumulative;
    const char *qualifier;
    const char *note;
    kp_figure_status status;
} figure_case;

static void check_case(const figure_case *c)
{
    kp_figure_check check;
    kp_quantity *q = quantity_parse(rules, c->cell, &check);
    assert_non_null(q);
    if (check.status != c->status)
        fail_msg("「%s」: status %d, expected %d (%s)", c->cell, check.status, c->status,
                 check.reason);
    if (c->value) {
        if (!q->has_value)
            fail_msg("「%s」: no value, expected %s", c->cell, c->value);
        char *v = decimal_to_string(q->value);
        if (strcmp(v, c->value) != 0)
            fail_msg("「%s」: value %s, expected %s", c->cell, v, c->value);
        g_free(v);
    } else {
        if (q->has_value)
            fail_msg("「%s」: has a value, expected null", c->cell);
    }
    if (c->unit)
        assert_string_equal(q->unit, c->unit);
    else
        assert_null(q->unit);
    assert_int_equal(q->cumulative, c->cumulative);
    if (c->qualifier)
        assert_string_equal(q->qualifier, c->qualifier);
    else
        assert_null(q->qualifier);
    if (c->note)
        assert_string_equal(q->note, c->note);
    else
        assert_null(q->note);
    quantity_free(q);
}

#define OK KP_FIGURE_OK
#define BAD KP_FIGURE_MALFORMED
#define UNK KP_FIGURE_UNKNOWN_UNIT

static void test_scale_words(void **state)
{
    (void)state;
    const figure_case cases[] = {
        {"135万人", "1350000", "人", false, NULL, NULL, OK},
        {"2.2億円", "220000000", "円", false, NULL, NULL, OK},
        {"112,178千円", "112178000", "円", false, NULL, NULL, OK},
        {"6,500百万円", "6500000000", "円", false, NULL, NULL, OK},
        {"1万8740人", "18740", "人", false, NULL, NULL, OK},
        {"4億3,000万円", "430000000", "円", false, NULL, NULL, OK},
        {"2万1千人", "21000", "人", false, NULL, NULL, OK},
        {"0.5万人", "5000", "人", false, NULL, NULL, OK},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_case(&cases[i]);
}

static void test_digits_signs_units(void **state)
{
    (void)state;
    const figure_case cases[] = {
        {"55.9%", "55.9", "%", false, NULL, NULL, OK},
        {"７８．０％", "78", "%", false, NULL, NULL, OK},
        {"１２，３４５ｔ", "12345", "t", false, NULL, NULL, OK},
        {"△320", "-320", NULL, false, NULL, NULL, OK},
        {"▲3,703人", "-3703", "人", false, NULL, NULL, OK},
        {"-45人", "-45", "人", false, NULL, NULL, OK},
        {"1,250 ha", "1250", "ha", false, NULL, NULL, OK}, /* a wrap inside the cell */
        {"152,30 0千円", "152300000", "円", false, NULL, NULL, OK},
        {"4か所", "4", "箇所", false, NULL, NULL, OK},
        {"1.5倍", "1.5", "倍", false, NULL, NULL, OK},
        {"0製品", "0", "製品", false, NULL, NULL, OK},
        {"12回", "12", "回", false, NULL, NULL, OK},
        {"122経営体", "122", "経営体", false, NULL, NULL, UNK},
        {"1.4人/年", "1.4", "人/年", false, NULL, NULL, UNK},
        {"5.5‰", "5.5", "‰", false, NULL, NULL, OK},         /* per mille: listed */
        {"500人※1", "500", "人", false, NULL, NULL, OK},    /* a footnote mark */
        {"100件 R6年度予測 110件", "100", "件", false, NULL, "R6年度予測110件", OK},
        {"33,503t-CO2以下", "33503", "t-CO2", false, "at-most", NULL, OK}, /* a digit after a letter */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_case(&cases[i]);
}

static void test_markers(void **state)
{
    (void)state;
    const figure_case cases[] = {
        {"5製品 (累計)", "5", "製品", true, NULL, NULL, OK},
        {"5社（累計）", "5", "社", true, NULL, NULL, OK},
        {"累計120人", "120", "人", true, NULL, NULL, OK},
        {"7,077人 (速報値)", "7077", "人", false, NULL, "速報値", OK},
        {"5,377人(2019)", "5377", "人", false, NULL, "2019", OK},
        {"320人（26年度）", "320", "人", false, NULL, "26年度", OK},
        {"約1,000人", "1000", "人", false, "approx", NULL, OK},
        {"100人程度", "100", "人", false, "approx", NULL, OK},
        {"3,500t以上", "3500", "t", false, "at-least", NULL, OK},
        {"300ha以下", "300", "ha", false, "at-most", NULL, OK},
        {"10件未満", "10", "件", false, "below", NULL, OK},
        {"93%超", "93", "%", false, "over", NULL, OK},
        {"延べ2,000人", "2000", "人", false, "total", NULL, OK},
        {"約1,000人以上", "1000", "人", false, "approx", NULL, OK},
        {"1,200人(平成27~32年度 累計)", "1200", "人", true, NULL, "平成27~32年度累計", OK},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_case(&cases[i]);
}

static void test_no_figure_and_malformed(void **state)
{
    (void)state;
    const figure_case cases[] = {
        {"-", NULL, NULL, false, NULL, NULL, OK},
        {"—", NULL, NULL, false, NULL, NULL, OK},
        {"―", NULL, NULL, false, NULL, NULL, OK},
        {"－", NULL, NULL, false, NULL, NULL, OK},
        {"ー", NULL, NULL, false, NULL, NULL, OK},
        {"未集計", NULL, NULL, false, NULL, NULL, OK},
        {"集計中", NULL, NULL, false, NULL, NULL, OK},
        {"調査中", NULL, NULL, false, NULL, NULL, OK},
        {"△", NULL, NULL, false, NULL, NULL, BAD},
        {"12.3.4人", NULL, NULL, false, NULL, NULL, BAD},
        {"4億3,0000万円", NULL, NULL, false, NULL, NULL, BAD},
        {"約 割", NULL, NULL, false, "approx", NULL, BAD},
        {"9007199254740993人", NULL, NULL, false, NULL, NULL, BAD},
        {"99999999999999999999999人", NULL, NULL, false, NULL, NULL, BAD},
        {"1億億億億円", NULL, NULL, false, NULL, NULL, BAD},
        {"人", NULL, NULL, false, NULL, NULL, BAD},
        {"9007199254740992人", "9007199254740992", "人", false, NULL, NULL, OK},
        {"-9007199254740992", "-9007199254740992", NULL, false, NULL, NULL, OK},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        check_case(&cases[i]);
}

static void test_blank_and_text(void **state)
{
    (void)state;
    kp_figure_check check;
    assert_null(quantity_parse(rules, "", &check));
    assert_null(quantity_parse(rules, " \t\xe3\x80\x80", &check)); /* U+3000 too */
    kp_quantity *q = quantity_parse(rules, "5製品 (累計)", &check);
    assert_string_equal(q->text, "5製品(累計)"); /* wrap whitespace removed */
    quantity_free(q);
}

static void test_fiscal_years(void **state)
{
    (void)state;
    assert_int_equal(fiscal_year_parse(rules, "R2年度", true), 2020);
    assert_int_equal(fiscal_year_parse(rules, "令和2年度", true), 2020);
    assert_int_equal(fiscal_year_parse(rules, "R元年度", true), 2019);
    assert_int_equal(fiscal_year_parse(rules, "令和元年度", true), 2019);
    assert_int_equal(fiscal_year_parse(rules, "H27年度", true), 2015);
    assert_int_equal(fiscal_year_parse(rules, "平成27年度", true), 2015);
    assert_int_equal(fiscal_year_parse(rules, "平成32年度", true), 2020);
    assert_int_equal(fiscal_year_parse(rules, "2020年度", true), 2020);
    assert_int_equal(fiscal_year_parse(rules, "Ｒ６年度", true), 2024);
    assert_int_equal(fiscal_year_parse(rules, "目標値 (R6年度)", false), 2024);
    assert_int_equal(fiscal_year_parse(rules, "目標値 (R6年度)", true), 0);
    assert_int_equal(fiscal_year_parse(rules, "実績値", false), 0);
}

static void test_decimals(void **state)
{
    (void)state;
    kp_decimal a = {22, -1};
    assert_true(decimal_mul_int(&a, 100000000));
    decimal_normalize(&a);
    assert_int_equal(a.coef, 220000000);
    assert_int_equal(a.exp, 0);
    kp_decimal b = {559, -1};
    char *s = decimal_to_string(b);
    assert_string_equal(s, "55.9");
    g_free(s);
    assert_true(decimal_to_double(b) == 55.9);
    kp_decimal c = {-5, -3};
    s = decimal_to_string(c);
    assert_string_equal(s, "-0.005");
    g_free(s);
    assert_int_equal(decimal_compare(b, (kp_decimal){56, 0}), -1);
    assert_int_equal(decimal_compare((kp_decimal){5600, -2}, (kp_decimal){56, 0}), 0);
    kp_decimal big = {INT64_MAX, 0};
    assert_false(decimal_mul_int(&big, 10));
    assert_false(decimal_in_range((kp_decimal){(int64_t)1 << 53 | 1, 0}));
    assert_true(decimal_in_range((kp_decimal){(int64_t)1 << 53, 0}));
}

static void test_rules_check(void **state)
{
    (void)state;
    kp_error err = KP_ERROR_INIT;
    assert_true(quantity_rules_check(rules, &err));
    assert_int_equal(err.kind, KP_ERR_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_words),
        cmocka_unit_test(test_digits_signs_units),
        cmocka_unit_test(test_markers),
        cmocka_unit_test(test_no_figure_and_malformed),
        cmocka_unit_test(test_blank_and_text),
        cmocka_unit_test(test_fiscal_years),
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_rules_check),
    };
    return cmocka_run_group_tests_name("quantity", tests, rules_setup, rules_teardown);
}
