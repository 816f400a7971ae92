/* The layout families, tests as data: each tests/layouts/NAME.expect names
 * its inputs (PDFs of one table printed by different producers) and lists
 * what a careful reader takes from the printed page, as kpi-json pointers
 * and their values, and counts of diagnostics by code:
 *
 *     input fixtures/families/minato-a.calc.pdf fixtures/families/minato-a.writer.pdf
 *     /goals/0/rows/2/baseline/value 1204000
 *     count malformed-figure 0
 *
 * Every input is read through the front door (kpipe.h), as the CLI reads it,
 * and must give every value listed. One cmocka test per (file, input). */
#include "kp_test.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "kpipe/json.h"
#include "kpipe/kpipe.h"

typedef struct {
    char *expect;   /* path of the .expect file */
    char *input;    /* path of one of its inputs */
} layout_case;

/* The value at POINTER (RFC 6901, no escapes needed here) in ROOT, or NULL. */
static json_t *pointer_get(json_t *root, const char *pointer)
{
    char **parts = g_strsplit(pointer + 1, "/", -1);
    json_t *v = root;
    for (char **p = parts; *p && v; p++) {
        if (json_is_array(v)) {
            char *end;
            long i = strtol(*p, &end, 10);
            v = *end ? NULL : json_array_get(v, (size_t)i);
        } else {
            v = json_object_get(v, *p);
        }
    }
    g_strfreev(parts);
    return v;
}

static int count_code(json_t *root, const char *code)
{
    int n = 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(root, "diagnostics"), i, d) {
        const char *c = json_string_value(json_object_get(d, "code"));
        n += c && strcmp(c, code) == 0;
    }
    return n;
}

/* Checks one line of the .expect file against ROOT; false (with a message
 * printed) when it does not hold. */
static bool check_line(json_t *root, const char *where, const char *line)
{
    if (g_str_has_prefix(line, "count ")) {
        char **w = g_strsplit(line + 6, " ", 2);
        int want = w[0] && w[1] ? atoi(w[1]) : -1, got = w[0] ? count_code(root, w[0]) : -1;
        bool ok = want == got;
        if (!ok)
            print_error("%s: %s diagnostics: %d, expected %d\n", where, w[0], got, want);
        g_strfreev(w);
        return ok;
    }
    const char *space = strchr(line, ' ');
    if (line[0] != '/' || !space) {
        print_error("%s: not a pointer line: %s\n", where, line);
        return false;
    }
    char *pointer = g_strndup(line, (gsize)(space - line));
    json_error_t jerr;
    json_t *want = json_loads(space + 1, JSON_DECODE_ANY, &jerr);
    json_t *got = pointer_get(root, pointer);
    char *want_text = want ? json_write(want, false) : g_strdup("(not JSON)");
    char *got_text = got ? json_write(got, false) : g_strdup("(absent)");
    bool ok = want && got && strcmp(want_text, got_text) == 0;
    if (!ok)
        print_error("%s: %s is %s, expected %s\n", where, pointer, got_text, want_text);
    g_free(want_text);
    g_free(got_text);
    json_decref(want);
    g_free(pointer);
    return ok;
}

static void test_layout_case(void **state)
{
    const layout_case *c = *state;
    char *text = NULL;
    assert_true(g_file_get_contents(c->expect, &text, NULL, NULL));
    kp_pdf_options pdf = {0};
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = kp_document_load(c->input, &pdf, rules, NULL, &err);
    if (!doc)
        fail_msg("%s: %s", c->input, err.message);
    json_t *root = document_to_json(doc);
    char **lines = g_strsplit(text, "\n", -1);
    int failed = 0;
    for (int i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        if (!*line || line[0] == '#' || g_str_has_prefix(line, "input "))
            continue;
        char *where = g_strdup_printf("%s:%d (%s)", c->expect, i + 1, c->input);
        failed += !check_line(root, where, line);
        g_free(where);
    }
    g_strfreev(lines);
    json_decref(root);
    document_free(doc);
    g_free(text);
    if (failed)
        fail_msg("%s: %d expectations of %s do not hold", c->input, failed, c->expect);
}

/* Every (expect file, input) pair of tests/layouts, in name order. */
static GArray *layout_cases(void)
{
    GArray *cases = g_array_new(FALSE, FALSE, sizeof(layout_case));
    char *dir = kp_test_path("tests/layouts");
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *n; d && (n = g_dir_read_name(d));)
        if (g_str_has_suffix(n, ".expect"))
            g_ptr_array_add(names, g_strdup(n));
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
        char *text = NULL;
        g_file_get_contents(path, &text, NULL, NULL);
        char **lines = g_strsplit(text ? text : "", "\n", -1);
        for (int l = 0; lines[l]; l++) {
            if (!g_str_has_prefix(lines[l], "input "))
                continue;
            char **inputs = g_strsplit(g_strstrip(lines[l] + 6), " ", -1);
            for (char **in = inputs; *in; in++)
                if (**in) {
                    layout_case c = {g_strdup(path), kp_test_path(*in)};
                    g_array_append_val(cases, c);
                }
            g_strfreev(inputs);
        }
        g_strfreev(lines);
        g_free(text);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
    g_free(dir);
    return cases;
}

int main(void)
{
    GArray *cases = layout_cases();
    struct CMUnitTest *tests = g_new0(struct CMUnitTest, cases->len + 1);
    for (guint i = 0; i < cases->len; i++) {
        layout_case *c = &g_array_index(cases, layout_case, i);
        tests[i].name = c->input + strlen(KP_SOURCE_DIR) + 1;
        tests[i].test_func = test_layout_case;
        tests[i].initial_state = c;
    }
    int failed = cases->len ? _cmocka_run_group_tests("layouts", tests, cases->len, rules_setup,
                                                      rules_teardown)
                            : 1; /* no case found is a failure, not a pass */
    for (guint i = 0; i < cases->len; i++) {
        g_free(g_array_index(cases, layout_case, i).expect);
        g_free(g_array_index(cases, layout_case, i).input);
    }
    g_array_free(cases, TRUE);
    g_free(tests);
    return failed;
}
