/* Fuzzes the text reader and everything after it: decoding, the grid, the
 * parser, the checks, and the JSON and CSV writers. */
#include "fuzz_common.h"
#include "kpipe/csv.h"
#include "kpipe/json.h"
#include "kpipe/parse.h"
#include "kpipe/text.h"
#include "kpipe/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kp_error err = KP_ERROR_INIT;
    char *utf8 = text_decode((const char *)data, size, "fuzz.txt", &err);
    if (utf8) {
        kp_grid *grid = text_to_grid(utf8);
        kp_source src = {0};
        kp_document *doc = parse_document(grid, fuzz_rules(), &src, "fuzz.txt", &err);
        if (doc) {
            validate_document(doc);
            json_t *j = document_to_json(doc);
            char *text = json_write(j, true);
            if (!text)
                abort();
            g_free(text);
            json_decref(j);
            g_free(document_to_csv(doc, KP_CSV_BOM));
            document_free(doc);
        } else if (err.kind == KP_ERR_NONE) {
            abort(); /* a failure always says why */
        }
        g_free(grid_to_text(grid, NULL));
        grid_free(grid);
        g_free(utf8);
    }
    kp_error_clear(&err);
    return 0;
}
