/* kpipe — error values. */
#include "kpipe/error.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

void kp_error_clear(kp_error *err)
{
    if (!err)
        return;
    g_free(err->file);
    g_free(err->message);
    *err = (kp_error)KP_ERROR_INIT;
}

void kp_error_set(kp_error *err, kp_error_kind kind, const char *file, int page,
                  int line, int column, const char *fmt, ...)
{
    if (!err)
        return;
    kp_error_clear(err);
    va_list ap;
    va_start(ap, fmt);
    err->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    err->kind = kind;
    err->file = g_strdup(file);
    err->page = page;
    err->line = line;
    err->column = column;
}

char *kp_error_format(const kp_error *err)
{
    GString *s = g_string_new(NULL);
    if (err->file) {
        g_string_append(s, err->file);
        if (err->page > 0)
            g_string_append_printf(s, ":page %d", err->page);
        if (err->line > 0) {
            g_string_append_printf(s, ":%d", err->line);
            if (err->column > 0)
                g_string_append_printf(s, ":%d", err->column);
        }
        g_string_append(s, ": ");
    }
    g_string_append(s, "error: ");
    g_string_append(s, err->message ? err->message : "unknown error");
    return g_string_free(s, FALSE);
}

const char *kp_error_kind_name(kp_error_kind kind)
{
    static const char *const names[] = {"none",   "usage",  "read",    "format",   "encrypted",
                                        "no-text", "no-table", "page-box", "limit", "reader",
                                        "rules",  "output", "database"};
    return (size_t)kind < sizeof names / sizeof *names ? names[kind] : "unknown";
}
