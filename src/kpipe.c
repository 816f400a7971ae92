/* kpipe — the front door (see include/kpipe/kpipe.h): input → grid → parse →
 * validate, in that order and nowhere else. */
#include "kpipe/kpipe.h"

#include <string.h>

#include "kpipe/json.h"
#include "kpipe/text.h"
#include "kpipe/validate.h"

kp_grid *kp_grid_from_data(const char *file, const char *data, size_t len,
                           const kp_pdf_options *pdf, kp_source *source, kp_error *err)
{
    return pdf_sniff(data, len) ? pdf_load(file, data, len, pdf, source, err)
                                : text_read(file, data, len, source, err);
}

kp_grid *kp_grid_load(const char *file, const kp_pdf_options *pdf, kp_source *source,
                      kp_error *err)
{
    size_t len;
    char *data = file_read_all(file, &len, err);
    if (!data)
        return NULL;
    kp_grid *grid = kp_grid_from_data(file, data, len, pdf, source, err);
    g_free(data);
    return grid;
}

/* Is DATA kpi-json (an object, first of all)? */
static bool looks_like_json(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    return i < len && data[i] == '{';
}

kp_document *kp_document_load(const char *file, const kp_pdf_options *pdf, const kp_rules *rules,
                              GArray *notes, kp_error *err)
{
    size_t len;
    char *data = file_read_all(file, &len, err);
    if (!data)
        return NULL;
    if (looks_like_json(data, len) && !pdf_sniff(data, len)) {
        size_t bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        kp_document *doc = document_from_json(data + bom, len - bom, file, err);
        g_free(data);
        return doc;
    }
    kp_source source = {0};
    kp_grid *grid = kp_grid_from_data(file, data, len, pdf, &source, err);
    g_free(data);
    if (!grid)
        return NULL;
    kp_document *doc = parse_document_traced(grid, rules, &source, file, notes, err);
    g_free(source.name);
    grid_free(grid);
    if (doc)
        validate_document(doc);
    return doc;
}
