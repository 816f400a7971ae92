/* Shared set-up for kpipe's cmocka tests. */
#ifndef KP_TEST_H
#define KP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "kpipe/error.h"
#include "kpipe/parse.h"
#include "kpipe/rules.h"
#include "kpipe/text.h"

/* A path inside the source tree. Newly allocated. */
static inline char *kp_test_path(const char *rel)
{
    return g_build_filename(KP_SOURCE_DIR, rel, NULL);
}

/* The project's own rules; the test fails when they do not load. */
static inline kp_rules *kp_test_rules(void)
{
    char *dir = kp_test_path("rules");
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = rules_load(dir, &err);
    if (!rules)
        fail_msg("rules did not load: %s", err.message);
    g_free(dir);
    kp_error_clear(&err);
    return rules;
}

/* The rules a test group shares: loaded by rules_setup, freed by
 * rules_teardown (cmocka group fixtures). */
__attribute__((unused)) static kp_rules *rules;

__attribute__((unused)) static int rules_setup(void **state)
{
    (void)state;
    rules = kp_test_rules();
    return 0;
}

__attribute__((unused)) static int rules_teardown(void **state)
{
    (void)state;
    rules_free(rules);
    return 0;
}

/* TEXT (in the seed's layout), parsed (not checked). */
__attribute__((unused)) static kp_document *kp_test_document_from_text(const char *text)
{
    kp_grid *grid = text_to_grid(text);
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = parse_document(grid, rules, &src, "t.txt", &err);
    if (!doc)
        fail_msg("%s", err.message);
    grid_free(grid);
    return doc;
}

/* A fixture's text, parsed (not checked); the test fails when it does not. */
__attribute__((unused)) static kp_document *kp_test_document(const char *fixture)
{
    char *path = kp_test_path(fixture);
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *grid = text_load(path, &src, &err);
    if (!grid)
        fail_msg("%s: %s", fixture, err.message);
    kp_document *doc = parse_document(grid, rules, &src, path, &err);
    if (!doc)
        fail_msg("%s: %s", fixture, err.message);
    grid_free(grid);
    g_free(path);
    return doc;
}

#endif
