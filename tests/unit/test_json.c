/* The canonical writer against RFC 8785's own examples. */
#include "kp_test.h"

#include <jansson.h>

#include "kpipe/json.h"

static double from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* RFC 8785 Appendix B: IEEE 754 bit patterns and their JSON text. */
static void test_number_samples(void **state)
{
    (void)state;
    static const struct {
        uint64_t bits;
        const char *text;
    } samples[] = {
        {0x0000000000000000u, "0"},
        {0x8000000000000000u, "0"},
        {0x0000000000000001u, "5e-324"},
        {0x8000000000000001u, "-5e-324"},
        {0x7fefffffffffffffu, "1.7976931348623157e+308"},
        {0xffefffffffffffffu, "-1.7976931348623157e+308"},
        {0x4340000000000000u, "9007199254740992"},
        {0xc340000000000000u, "-9007199254740992"},
        {0x4430000000000000u, "295147905179352830000"},
        {0x44b52d02c7e14af5u, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6u, "1e+23"},
        {0x44b52d02c7e14af7u, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4eu, "999999999999999700000"},
        {0x444b1ae4d6e2ef4fu, "999999999999999900000"},
        {0x444b1ae4d6e2ef50u, "1e+21"},
        {0x3eb0c6f7a0b5ed8cu, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8du, "0.000001"},
        {0x41b3de4355555553u, "333333333.3333332"},
        {0x41b3de4355555554u, "333333333.33333325"},
        {0x41b3de4355555555u, "333333333.3333333"},
        {0x41b3de4355555556u, "333333333.3333334"},
        {0x41b3de4355555557u, "333333333.33333343"},
        {0xbecbf647612f3696u, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959u, "1424953923781206.2"},
    };
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        char out[40];
        assert_true(jcs_number(from_bits(samples[i].bits), out));
        assert_string_equal(out, samples[i].text);
    }
    char out[40];
    assert_false(jcs_number(from_bits(0x7fffffffffffffffu), out)); /* NaN */
    assert_false(jcs_number(from_bits(0x7ff0000000000000u), out)); /* Infinity */
}

static char *canonical_of(const char *json_text)
{
    json_error_t jerr;
    json_t *v = json_loads(json_text, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr);
    if (!v)
        fail_msg("test input does not parse: %s", jerr.text);
    char *out = json_write(v, false);
    json_decref(v);
    return out;
}

/* RFC 8785 section 3.2.2: numbers, string escapes and literals. */
static void test_rfc_example(void **state)
{
    (void)state;
    char *out = canonical_of(
        "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
        "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
        "  \"literals\": [null, true, false]\n}");
    assert_string_equal(out, "{\"literals\":[null,true,false],"
                             "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                             "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    g_free(out);
}

/* RFC 8785 section 3.2.3: keys sorted by UTF-16 code units. */
static void test_key_order(void **state)
{
    (void)state;
    char *out = canonical_of("{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\","
                             " \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\","
                             " \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
                             " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}");
    assert_string_equal(out, "{\"\\r\":\"Carriage Return\",\"1\":\"One\","
                             "\"\xc2\x80\":\"Control\","
                             "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
                             "\"\xe2\x82\xac\":\"Euro Sign\","
                             "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
                             "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
    g_free(out);
    /* a supplementary kanji (U+20BB7) sorts before a full-width form (U+FF10),
     * unlike in code-point order */
    assert_true(jcs_key_compare("\xf0\xa0\xae\xb7", "\xef\xbc\x90") < 0);
    assert_true(jcs_key_compare("a", "ab") < 0);
    assert_int_equal(jcs_key_compare("江別", "江別"), 0);
}

static void test_pretty(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:[i,f],s:{},s:[],s:s}", "b", 1, 0.5, "a", "c", "d", "江別");
    char *out = json_write(v, true);
    assert_string_equal(out, "{\n  \"a\": {},\n  \"b\": [\n    1,\n    0.5\n  ],\n  \"c\": [],\n"
                             "  \"d\": \"江別\"\n}\n");
    g_free(out);
    json_decref(v);
}

static void test_control_escapes(void **state)
{
    (void)state;
    json_t *v = json_string("\x01\x1f\x7f\b\f\t");
    char *out = json_write(v, false);
    assert_string_equal(out, "\"\\u0001\\u001f\x7f\\b\\f\\t\"");
    g_free(out);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_samples), cmocka_unit_test(test_rfc_example),
        cmocka_unit_test(test_key_order),      cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_control_escapes),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
