/* Shared by kpipe's fuzz harnesses: the project's rules, loaded once. */
#ifndef KP_FUZZ_COMMON_H
#define KP_FUZZ_COMMON_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kpipe/error.h"
#include "kpipe/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline const kp_rules *fuzz_rules(void)
{
    static kp_rules *rules; /* loaded once, read-only afterwards */
    if (!rules) {
        char *dir = g_build_filename(KP_SOURCE_DIR, "rules", NULL);
        kp_error err = KP_ERROR_INIT;
        rules = rules_load(dir, &err);
        if (!rules)
            abort();
        g_free(dir);
    }
    return rules;
}

#endif
