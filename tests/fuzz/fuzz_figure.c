/* Fuzzes the figure parser: any cell text, through the project's rules. */
#include <string.h>

#include "fuzz_common.h"
#include "kpipe/json.h"
#include "kpipe/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cell = g_strndup((const char *)data, size);
    if (g_utf8_validate(cell, -1, NULL)) { /* cells are validated UTF-8 by then */
        kp_figure_check check;
        kp_quantity *q = quantity_parse(fuzz_rules(), cell, &check);
        if (q) {
            if (q->has_value && !decimal_in_range(q->value))
                abort(); /* a value beyond ±2^53 must have been refused */
            json_t *j = quantity_to_json(q, true);
            char *text = json_write(j, false);
            if (!text)
                abort();
            g_free(text);
            json_decref(j);
        }
        quantity_free(q);
        (void)fiscal_year_parse(fuzz_rules(), cell, false);
    }
    g_free(cell);
    return 0;
}
