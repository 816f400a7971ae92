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
#include "kpipe/rules.h"

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

#endif
