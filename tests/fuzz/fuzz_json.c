/* Fuzzes the canonical JSON writer: any JSON value is written in both forms,
 * each must read back to the same value, and writing the canonical form
 * again must give the same bytes. Also fuzzes the kpi-json reader. */
#include <math.h>
#include <string.h>

#include "fuzz_common.h"
#include "kpipe/diff.h"
#include "kpipe/json.h"

/* Equal as JSON values, numbers compared as the doubles readers hold. */
static int same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b) ||
               (isnan(json_number_value(a)) && isnan(json_number_value(b)));
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v) {
            json_t *w = json_object_get(b, k);
            if (!w || !same(v, w))
                return 0;
        }
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (v) {
        for (int pretty = 0; pretty < 2; pretty++) {
            char *text = json_write(v, pretty);
            if (!text)
                continue; /* only NaN or infinity, which jansson does not make */
            json_t *back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
            if (!back || !same(v, back))
                abort();
            char *again = json_write(back, pretty);
            if (!again || strcmp(again, text) != 0)
                abort(); /* canonical: the same value, the same bytes */
            g_free(again);
            json_decref(back);
            g_free(text);
        }
        json_decref(v);
    }
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = document_from_json((const char *)data, size, "fuzz.json", &err);
    if (doc) {
        json_t *j = document_to_json(doc);
        g_free(json_write(j, false));
        json_decref(j);
        kp_diff *d = diff_documents(doc, doc);
        if (d->changes->len != 0)
            abort(); /* a document never differs from itself */
        diff_free(d);
        document_free(doc);
    }
    kp_error_clear(&err);
    return 0;
}
