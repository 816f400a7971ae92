/* kpipe — check reports (see include/kpipe/report.h). */
#include "kpipe/report.h"

#include <glib.h>
#include <jansson.h>
#include <string.h>

#include "kpipe/json.h"
#include "kpipe/validate.h"

#include "i18n.h"

bool report_format_parse(const char *name, kp_report_format *format)
{
    static const struct {
        const char *name;
        kp_report_format format;
    } names[] = {{"text", KP_REPORT_TEXT},
                 {"json", KP_REPORT_JSON},
                 {"github", KP_REPORT_GITHUB},
                 {"sarif", KP_REPORT_SARIF}};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(name, names[i].name) == 0) {
            *format = names[i].format;
            return true;
        }
    return false;
}

void report_count(const kp_document *doc, int counts[3])
{
    counts[0] = counts[1] = counts[2] = 0;
    for (guint i = 0; doc && i < doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        if (!d->accepted) /* accepted findings fail nothing */
            counts[d->severity]++;
    }
}

/* Findings of DOC a baseline accepted. */
static int count_accepted(const kp_document *doc)
{
    int n = 0;
    for (guint i = 0; doc && i < doc->diagnostics->len; i++)
        n += ((const kp_diagnostic *)g_ptr_array_index(doc->diagnostics, i))->accepted;
    return n;
}

/* ---- text ----------------------------------------------------------------- */

static void location(GString *out, const char *file, int page, int line)
{
    g_string_append(out, file);
    if (line > 0)
        g_string_append_printf(out, ":%d", line);
    else if (page > 0)
        g_string_append_printf(out, ":page %d", page);
}

static const char *const severity_colour[] = {"\033[1;31m", "\033[1;33m", "\033[1;36m"};

static void render_text(GString *out, const kp_checked *in, size_t n, bool color)
{
    int totals[3] = {0, 0, 0}, unusable = 0, accepted = 0;
    for (size_t f = 0; f < n; f++) {
        if (!in[f].doc) {
            char *line = kp_error_format(in[f].error);
            g_string_append_printf(out, "%s%s%s\n", color ? "\033[1;31m" : "", line,
                                   color ? "\033[0m" : "");
            g_free(line);
            unusable++;
            continue;
        }
        const GPtrArray *diags = in[f].doc->diagnostics;
        for (guint i = 0; i < diags->len; i++) {
            const kp_diagnostic *d = g_ptr_array_index(diags, i);
            if (color)
                g_string_append(out, "\033[1m");
            location(out, in[f].file, d->page, d->line);
            g_string_append_printf(out, ":%s %s%s:%s %s [%s]%s\n", color ? "\033[0m" : "",
                                   color ? severity_colour[d->severity] : "",
                                   severity_name(d->severity), color ? "\033[0m" : "", d->message,
                                   d->code, d->accepted ? _(" (accepted)") : "");
            if (d->accepted)
                accepted++;
            else
                totals[d->severity]++;
        }
    }
    char *errors = g_strdup_printf(ngettext("%d error", "%d errors", totals[0]), totals[0]);
    char *warnings = g_strdup_printf(ngettext("%d warning", "%d warnings", totals[1]), totals[1]);
    char *infos = g_strdup_printf(ngettext("%d info", "%d info", totals[2]), totals[2]);
    char *files = g_strdup_printf(ngettext("%zu file", "%zu files", n), n);
    /* TRANSLATORS: errors, warnings, info, files: "1 error, 2 warnings, 3 info in 1 file" */
    g_string_append_printf(out, _("%s, %s, %s in %s"), errors, warnings, infos, files);
    g_free(errors);
    g_free(warnings);
    g_free(infos);
    g_free(files);
    if (accepted)
        g_string_append_printf(out, _("; %d accepted (--baseline)"), accepted);
    if (unusable)
        g_string_append_printf(out, _(" (%d unusable)"), unusable);
    g_string_append_c(out, '\n');
}

/* ---- GitHub workflow commands ---------------------------------------------- */

static void github_escape(GString *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': g_string_append(out, "%25"); break;
        case '\r': g_string_append(out, "%0D"); break;
        case '\n': g_string_append(out, "%0A"); break;
        case ':': g_string_append(out, property ? "%3A" : ":"); break;
        case ',': g_string_append(out, property ? "%2C" : ","); break;
        default: g_string_append_c(out, *s);
        }
    }
}

static void render_github(GString *out, const kp_checked *in, size_t n)
{
    static const char *const command[] = {"error", "warning", "notice"};
    for (size_t f = 0; f < n; f++) {
        if (!in[f].doc) {
            g_string_append(out, "::error file=");
            github_escape(out, in[f].file, true);
            g_string_append(out, ",title=kpipe unusable-input::");
            github_escape(out, in[f].error->message, false);
            g_string_append_c(out, '\n');
            continue;
        }
        const GPtrArray *diags = in[f].doc->diagnostics;
        for (guint i = 0; i < diags->len; i++) {
            const kp_diagnostic *d = g_ptr_array_index(diags, i);
            if (d->accepted) /* known and accepted: no annotation */
                continue;
            g_string_append_printf(out, "::%s file=", command[d->severity]);
            github_escape(out, in[f].file, true);
            if (d->line > 0)
                g_string_append_printf(out, ",line=%d", d->line);
            g_string_append(out, ",title=kpipe ");
            github_escape(out, d->code, true);
            g_string_append(out, "::");
            if (d->page > 0 && d->line <= 0)
                g_string_append_printf(out, "page %d: ", d->page);
            github_escape(out, d->message, false);
            g_string_append_c(out, '\n');
        }
    }
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *render_json(const kp_checked *in, size_t n)
{
    json_t *files = json_array();
    for (size_t f = 0; f < n; f++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(in[f].file));
        if (!in[f].doc) {
            json_object_set_new(o, "usable", json_false());
            json_object_set_new(o, "error", json_string(in[f].error->message));
            json_array_append_new(files, o);
            continue;
        }
        json_object_set_new(o, "usable", json_true());
        json_t *diags = json_array();
        for (guint i = 0; i < in[f].doc->diagnostics->len; i++) {
            const kp_diagnostic *d = g_ptr_array_index(in[f].doc->diagnostics, i);
            json_t *j = diagnostic_to_json(d);
            if (d->accepted)
                json_object_set_new(j, "accepted", json_true());
            json_array_append_new(diags, j);
        }
        json_object_set_new(o, "diagnostics", diags);
        int c[3];
        report_count(in[f].doc, c);
        json_object_set_new(o, "counts", json_pack("{s:i,s:i,s:i,s:i}", "error", c[0], "warning",
                                                   c[1], "info", c[2], "accepted",
                                                   count_accepted(in[f].doc)));
        json_array_append_new(files, o);
    }
    return json_pack("{s:s,s:o}", "format", "kpi-check/1", "files", files);
}

/* ---- SARIF 2.1.0 ----------------------------------------------------------- */

static const char *const sarif_level[] = {"error", "warning", "note"};

/* A relative path as a URI reference; an absolute one as a file: URI. */
static char *artifact_uri(const char *file)
{
    char *escaped = g_uri_escape_string(file, "/", FALSE);
    char *uri = g_path_is_absolute(file) ? g_strconcat("file://", escaped, NULL) : g_strdup(escaped);
    g_free(escaped);
    return uri;
}

static json_t *sarif_location(const char *file, int line)
{
    char *uri = artifact_uri(file);
    json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
    g_free(uri);
    if (line > 0)
        json_object_set_new(phys, "region", json_pack("{s:i}", "startLine", line));
    return json_pack("{s:o}", "physicalLocation", phys);
}

static json_t *render_sarif(const kp_checked *in, size_t n, const char *version)
{
    size_t nchecks;
    const kp_check_info *checks = validate_checks(&nchecks);
    json_t *rules = json_array();
    for (size_t i = 0; i < nchecks; i++)
        json_array_append_new(
            rules, json_pack("{s:s,s:{s:s},s:{s:s}}", "id", checks[i].code, "shortDescription",
                             "text", checks[i].summary, "defaultConfiguration", "level",
                             sarif_level[checks[i].severity]));
    json_t *results = json_array(), *notes = json_array();
    bool ok = true;
    for (size_t f = 0; f < n; f++) {
        if (!in[f].doc) {
            ok = false;
            json_t *locs = json_array();
            json_array_append_new(locs, sarif_location(in[f].file, in[f].error->line));
            json_array_append_new(notes, json_pack("{s:s,s:{s:s},s:o}", "level", "error", "message",
                                                   "text", in[f].error->message, "locations", locs));
            continue;
        }
        for (guint i = 0; i < in[f].doc->diagnostics->len; i++) {
            const kp_diagnostic *d = g_ptr_array_index(in[f].doc->diagnostics, i);
            json_t *r = json_pack("{s:s,s:s,s:{s:s}}", "ruleId", d->code, "level",
                                  sarif_level[d->severity], "message", "text", d->message);
            for (size_t k = 0; k < nchecks; k++)
                if (strcmp(checks[k].code, d->code) == 0)
                    json_object_set_new(r, "ruleIndex", json_integer((json_int_t)k));
            json_t *locs = json_array();
            json_array_append_new(locs, sarif_location(in[f].file, d->line));
            json_object_set_new(r, "locations", locs);
            json_t *props = json_object();
            if (d->goal)
                json_object_set_new(props, "goal", json_integer(d->goal));
            if (d->row)
                json_object_set_new(props, "row", json_integer(d->row));
            if (d->field)
                json_object_set_new(props, "field", json_string(d->field));
            if (d->page)
                json_object_set_new(props, "page", json_integer(d->page));
            json_object_set_new(r, "properties", props);
            if (d->accepted) /* in the baseline: SARIF's own word for it */
                json_object_set_new(r, "baselineState", json_string("unchanged"));
            json_array_append_new(results, r);
        }
    }
    json_t *invocation = json_pack("{s:b}", "executionSuccessful", ok);
    if (json_array_size(notes))
        json_object_set_new(invocation, "toolExecutionNotifications", notes);
    else
        json_decref(notes);
    json_t *driver = json_pack("{s:s,s:s,s:o}", "name", "kpipe", "version", version, "rules", rules);
    json_t *run = json_pack("{s:{s:o},s:o,s:[o]}", "tool", "driver", driver, "results", results,
                            "invocations", invocation);
    return json_pack("{s:s,s:s,s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                     "version", "2.1.0", "runs", run);
}

char *report_render(const kp_checked *inputs, size_t n, kp_report_format format, bool color,
                    const char *version)
{
    GString *out = g_string_new(NULL);
    json_t *json = NULL;
    switch (format) {
    case KP_REPORT_TEXT: render_text(out, inputs, n, color); break;
    case KP_REPORT_GITHUB: render_github(out, inputs, n); break;
    case KP_REPORT_JSON: json = render_json(inputs, n); break;
    case KP_REPORT_SARIF: json = render_sarif(inputs, n, version); break;
    }
    if (json) {
        char *text = json_write(json, format == KP_REPORT_SARIF);
        g_string_append(out, text);
        if (format != KP_REPORT_SARIF)
            g_string_append_c(out, '\n');
        g_free(text);
        json_decref(json);
    }
    return g_string_free(out, FALSE);
}
