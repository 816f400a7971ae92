/* Rule files: loading, {{references}}, and errors that point at the pattern. */
#include "kp_test.h"

#include <glib/gstdio.h>

/* Writes FILES (name, content pairs, NULL-terminated) into a new folder. */
static char *rules_dir_with(const char *const *files)
{
    char *dir = g_dir_make_tmp("kpipe-rules-XXXXXX", NULL);
    assert_non_null(dir);
    for (size_t i = 0; files[i]; i += 2) {
        char *path = g_build_filename(dir, files[i], NULL);
        assert_true(g_file_set_contents(path, files[i + 1], -1, NULL));
        g_free(path);
    }
    return dir;
}

static void remove_dir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;
    while (d && (e = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, e, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
}

static kp_error load_error(const char *const *files, char **dir_out)
{
    char *dir = rules_dir_with(files);
    kp_error err = KP_ERROR_INIT;
    kp_rules *loaded = rules_load(dir, &err);
    assert_null(loaded);
    assert_int_equal(err.kind, KP_ERR_RULES);
    *dir_out = dir;
    return err;
}

static void test_project_rules_load(void **state)
{
    (void)state;
    kp_rules *loaded = kp_test_rules();
    const kp_rule *goal = rules_find(loaded, "structure", "goal");
    assert_non_null(goal);
    assert_true(g_str_has_suffix(goal->file, "structure.rules"));
    size_t n;
    rules_set(loaded, "scale", &n);
    assert_int_equal(n, 5);
    rules_free(loaded);
}

static void test_broken_pattern_position(void **state)
{
    (void)state;
    /* line 3; the pattern starts at column 9, and PCRE2 finds the missing
     * ')' at the pattern's end, 4 characters in */
    const char *files[] = {"a.rules", "# comment\n\nbroken  ab(c\n", NULL};
    char *dir;
    kp_error err = load_error(files, &dir);
    assert_true(g_str_has_suffix(err.file, "a.rules"));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 13);
    assert_non_null(strstr(err.message, "missing closing parenthesis"));
    char *line = kp_error_format(&err);
    char *want = g_strdup_printf("%s/a.rules:3:13: error: ", dir);
    assert_true(g_str_has_prefix(line, want));
    g_free(want);
    g_free(line);
    kp_error_clear(&err);
    remove_dir(dir);
}

static void test_column_counts_characters(void **state)
{
    (void)state;
    /* Japanese before the error: the column counts characters, not bytes */
    const char *files[] = {"j.rules", "名前 江別[\n", NULL};
    char *dir;
    kp_error err = load_error(files, &dir);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 7); /* "名前 " is 3 characters, "江別[" 3 more */
    kp_error_clear(&err);
    remove_dir(dir);
}

static void test_error_after_reference(void **state)
{
    (void)state;
    /* the error stands after an expanded {{ref}}: still the rule's own column */
    const char *files[] = {"x.rules", "d \\d+\nn {{d}}x)\n", NULL};
    char *dir;
    kp_error err = load_error(files, &dir);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 9); /* the ')' */
    kp_error_clear(&err);
    remove_dir(dir);
}

static void test_unknown_reference(void **state)
{
    (void)state;
    const char *files[] = {"x.rules", "n ab{{nothing}}\n", NULL};
    char *dir;
    kp_error err = load_error(files, &dir);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "nothing"));
    kp_error_clear(&err);
    remove_dir(dir);
}

static void test_missing_pattern_and_cycle(void **state)
{
    (void)state;
    const char *files[] = {"x.rules", "lonely\n", NULL};
    char *dir;
    kp_error err = load_error(files, &dir);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "no pattern"));
    kp_error_clear(&err);
    remove_dir(dir);

    const char *cyc[] = {"x.rules", "a {{b}}\nb {{a}}\n", NULL};
    err = load_error(cyc, &dir);
    assert_non_null(strstr(err.message, "itself"));
    kp_error_clear(&err);
    remove_dir(dir);
}

static void test_references_and_sets(void **state)
{
    (void)state;
    const char *files[] = {"num.rules", "digits \\d+\nfig {{digits}}{{unit}}\n", "unit.rules",
                           "人 人\n社 社\n", NULL};
    char *dir = rules_dir_with(files);
    kp_error err = KP_ERROR_INIT;
    kp_rules *loaded = rules_load(dir, &err);
    assert_non_null(loaded);
    assert_non_null(rules_search(loaded, "num", "fig", "12社", KP_MATCH_WHOLE, NULL));
    assert_null(rules_search(loaded, "num", "fig", "12件", KP_MATCH_WHOLE, NULL));
    kp_match m;
    const kp_rule *u = rules_search(loaded, "unit", NULL, "社", KP_MATCH_WHOLE, &m);
    assert_non_null(u);
    assert_string_equal(u->name, "社");
    char *whole = kp_match_dup(&m, 0);
    assert_string_equal(whole, "社");
    g_free(whole);
    kp_match_free(&m);
    rules_free(loaded);
    remove_dir(dir);
}

static void test_no_rules_folder(void **state)
{
    (void)state;
    kp_error err = KP_ERROR_INIT;
    assert_null(rules_load("/nonexistent/kpipe-rules", &err));
    assert_int_equal(err.kind, KP_ERR_RULES);
    assert_string_equal(err.file, "/nonexistent/kpipe-rules");
    kp_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_project_rules_load),
        cmocka_unit_test(test_broken_pattern_position),
        cmocka_unit_test(test_column_counts_characters),
        cmocka_unit_test(test_error_after_reference),
        cmocka_unit_test(test_unknown_reference),
        cmocka_unit_test(test_missing_pattern_and_cycle),
        cmocka_unit_test(test_references_and_sets),
        cmocka_unit_test(test_no_rules_folder),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
