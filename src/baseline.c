/* kpipe — accepted findings (see include/kpipe/baseline.h). */
#include "kpipe/baseline.h"

#include <glib.h>
#include <jansson.h>
#include <string.h>

#include "kpipe/files.h"
#include "kpipe/limits.h"
#include "kpipe/validate.h"

struct kp_baseline {
    GHashTable *files; /* stem of a file's name → GHashTable of finding keys */
};

/* "ebetsu-kpi-r4" of "2022/ebetsu-kpi-r4.calc.pdf": a document extracted
 * again, or checked as text, keeps its stem. Newly allocated. */
static char *name_stem(const char *file)
{
    char *stem = g_path_get_basename(file);
    char *dot = strchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    return stem;
}

/* The key of one finding: what it is and which row and figure it is about,
 * never where on the page. Newly allocated. */
static char *finding_key(const char *code, int goal, int row, const char *field,
                         const char *message)
{
    bool anchored = goal > 0 || row > 0 || field;
    return g_strdup_printf("%s\x1f%d\x1f%d\x1f%s\x1f%s", code, goal, row, field ? field : "",
                           anchored ? "" : message);
}

static int int_of(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= KP_MAX_NUMBER
               ? (int)json_integer_value(v)
               : 0;
}

/* The keys of one file's findings in the report. */
static GHashTable *file_findings(const json_t *diagnostics)
{
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    size_t i;
    const json_t *d;
    json_array_foreach(diagnostics, i, d) {
        const char *code = json_string_value(json_object_get(d, "code"));
        const char *message = json_string_value(json_object_get(d, "message"));
        const char *field = json_string_value(json_object_get(d, "field"));
        if (code && message)
            g_hash_table_add(keys, finding_key(code, int_of(d, "goal"), int_of(d, "row"), field,
                                               message));
    }
    return keys;
}

kp_baseline *baseline_load(const char *file, kp_error *err)
{
    if (!file_is_readable(file, KP_MAX_INPUT_BYTES, err))
        return NULL;
    json_error_t jerr;
    json_t *root = json_load_file(file, 0, &jerr);
    if (!root) {
        kp_error_set(err, KP_ERR_FORMAT, file, jerr.line > 0 ? jerr.line : 0, 0, 0,
                     "not a baseline: %s", jerr.text);
        return NULL;
    }
    const char *format = json_string_value(json_object_get(root, "format"));
    json_t *files = json_object_get(root, "files");
    if (!format || strcmp(format, "kpi-check/1") != 0 || !json_is_array(files)) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0,
                     "not a baseline: give a report written by kpipe check --format json");
        json_decref(root);
        return NULL;
    }
    kp_baseline *b = g_new0(kp_baseline, 1);
    b->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)g_hash_table_destroy);
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        json_t *diagnostics = json_object_get(f, "diagnostics");
        if (name && json_is_array(diagnostics))
            g_hash_table_replace(b->files, name_stem(name), file_findings(diagnostics));
    }
    json_decref(root);
    return b;
}

void baseline_free(kp_baseline *baseline)
{
    if (!baseline)
        return;
    g_hash_table_destroy(baseline->files);
    g_free(baseline);
}

void baseline_apply(const kp_baseline *baseline, kp_document *doc, const char *file)
{
    char *stem = name_stem(file);
    GHashTable *keys = g_hash_table_lookup(baseline->files, stem);
    g_free(stem);
    if (!keys && g_hash_table_size(baseline->files) == 1) {
        GHashTableIter it;
        g_hash_table_iter_init(&it, baseline->files);
        g_hash_table_iter_next(&it, NULL, (gpointer *)&keys);
    }
    for (guint i = 0; keys && i < doc->diagnostics->len; i++) {
        kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        char *key = finding_key(d->code, d->goal, d->row, d->field, d->message);
        d->accepted = g_hash_table_contains(keys, key);
        g_free(key);
    }
}

static bool code_in(const char *code, const char *codes)
{
    gchar **list = g_strsplit(codes, ",", -1);
    bool found = false;
    for (gchar **c = list; *c && !found; c++)
        found = strcmp(g_strstrip(*c), code) == 0;
    g_strfreev(list);
    return found;
}

bool codes_known(const char *codes, kp_error *err)
{
    size_t n;
    const kp_check_info *checks = validate_checks(&n);
    gchar **list = g_strsplit(codes, ",", -1);
    bool ok = true;
    for (gchar **c = list; *c && ok; c++) {
        const char *code = g_strstrip(*c);
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(checks[i].code, code) == 0;
        if (!known) {
            GString *all = g_string_new(NULL);
            for (size_t i = 0; i < n; i++)
                g_string_append_printf(all, "%s%s", i ? ", " : "", checks[i].code);
            kp_error_set(err, KP_ERR_USAGE, NULL, 0, 0, 0,
                         "--ignore: no check has the code '%s' (the codes: %s)", code, all->str);
            g_string_free(all, TRUE);
            ok = false;
        }
    }
    g_strfreev(list);
    return ok;
}

void diagnostics_drop(kp_document *doc, const char *codes)
{
    for (guint i = doc->diagnostics->len; i-- > 0;) {
        kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        if (code_in(d->code, codes))
            g_ptr_array_remove_index(doc->diagnostics, i); /* (the array frees it) */
    }
}
