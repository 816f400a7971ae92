/* Fuzzes the rule loader: the input is split at NUL bytes into up to four
 * rule files (figure, scale, unit, structure), compiled, and tried. */
#include <string.h>

#include "fuzz_common.h"
#include "kpipe/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"figure.rules", "scale.rules", "unit.rules",
                                        "structure.rules"};
    const char *texts[4] = {"", "", "", ""};
    char *copy = g_malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';
    size_t n = 0;
    for (char *p = copy; n < 4 && p <= copy + size; p += strlen(p) + 1)
        texts[n++] = p;
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = rules_load_texts(names, texts, n, &err);
    if (rules) {
        if (quantity_rules_check(rules, &err)) {
            kp_figure_check check;
            quantity_free(quantity_parse(rules, "4億3,000万円 (累計)", &check));
        }
        size_t count;
        const kp_rule *const *rs = rules_set(rules, "structure", &count);
        for (size_t i = 0; i < count; i++) {
            kp_match m;
            if (rule_match(rules, rs[i], "【基本目標1】 しごと", strlen("【基本目標1】 しごと"), 0, 0,
                           &m) == 1)
                kp_match_free(&m);
        }
        rules_free(rules);
    } else if (err.kind == KP_ERR_NONE || !err.message) {
        abort(); /* a refused rule file always says where and why */
    }
    kp_error_clear(&err);
    g_free(copy);
    return 0;
}
