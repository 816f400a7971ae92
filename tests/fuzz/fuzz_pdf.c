/* Fuzzes PDF input through poppler and the table rebuilding: the input is
 * written to a file (poppler opens files by URI) and read as kpipe does. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "kpipe/parse.h"
#include "kpipe/pdf.h"
#include "kpipe/validate.h"

static void quiet(const gchar *d, GLogLevelFlags l, const gchar *m, gpointer u)
{
    (void)d, (void)l, (void)m, (void)u;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    if (!path) {
        g_log_set_handler("Poppler", G_LOG_LEVEL_MASK, quiet, NULL);
        path = g_strdup_printf("%s/kpipe-fuzz-%d.pdf", g_get_tmp_dir(), (int)getpid());
    }
    if (!g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
        return 0;
    kp_pdf_options o = {.max_pages = 20, .time_limit = 10.0}; /* read here: no forks under the fuzzer */
    kp_source src = {0};
    kp_error err = KP_ERROR_INIT;
    kp_grid *grid = pdf_load(path, (const char *)data, size, &o, &src, &err);
    if (grid) {
        kp_document *doc = parse_document(grid, fuzz_rules(), &src, path, &err);
        if (doc) {
            validate_document(doc);
            document_free(doc);
        }
        g_free(src.name);
        grid_free(grid);
    } else if (err.kind == KP_ERR_NONE) {
        abort();
    }
    kp_error_clear(&err);
    g_unlink(path);
    return 0;
}
