/* kpipe — the command line. Each command wires the stages together:
 * input (text.c / pdf.c) → parse.c → json.c, and reports errors in one line. */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpipe/child.h"
#include "kpipe/csv.h"
#include "kpipe/diff.h"
#include "kpipe/error.h"
#include "kpipe/json.h"
#include "kpipe/kpipe.h"
#include "kpipe/limits.h"
#include "kpipe/output.h"
#include "kpipe/parse.h"
#include "kpipe/pdf.h"
#include "kpipe/quantity.h"
#include "kpipe/report.h"
#include "kpipe/rules.h"
#include "kpipe/text.h"
#include "kpipe/validate.h"

#ifndef KPIPE_VERSION
#define KPIPE_VERSION "0.1.0"
#endif
#ifndef KPIPE_RULES_DIR
#define KPIPE_RULES_DIR "/usr/local/share/kpipe/rules"
#endif

static const char usage_text[] =
    "Usage: kpipe COMMAND [OPTION]... [ARG]...\n"
    "Turn the KPI tables of Japanese municipal strategy documents into canonical data.\n"
    "\n"
    "Commands:\n"
    "  extract FILE [-o OUT] [--pretty]   read a KPI table (PDF or text), write kpi-json\n"
    "  extract FILE... [-d DIR] [-j N]    one output per input in DIR (default out/)\n"
    "  text FILE [-o OUT]                 print the tables as read, tab-separated\n"
    "  check FILE... [--format F] [--strict]  check the figures and report\n"
    "  diff OLD NEW [--format text|json] [--fail-on-revision]\n"
    "                                     what changed between two editions (PDF,\n"
    "                                     text or kpi-json)\n"
    "  figure TEXT...                     show the Quantity the figure rules make of TEXT\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   write to FILE (replaced only once complete); default stdout\n"
    "      --pretty        indent the JSON for people (same keys, same order)\n"
    "  -d, --dir DIR       extract: the folder for one output per input\n"
    "  -j, --jobs N        processes reading at a time: N files of a batch, or N\n"
    "                      parts of one PDF's pages (default: the number of cores)\n"
    "      --format F      extract: json (default) or csv; check: text (default),\n"
    "                      json, github or sarif; diff: text (default) or json\n"
    "      --bom           extract --format csv: begin with a UTF-8 byte-order mark\n"
    "      --keep-formulas extract --format csv: write cells beginning = + - @ as\n"
    "                      printed (by default they get a leading ' so that a\n"
    "                      spreadsheet does not run them as formulas)\n"
    "      --fail-on-revision  diff: exit 1 when a published figure was revised\n"
    "      --strict        check: warnings fail too (exit 1)\n"
    "      --password PW   open an encrypted PDF with PW\n"
    "      --max-pages N   refuse a PDF of more than N pages\n"
    "      --time-limit S  give up on a PDF still unread after S seconds (default 120)\n"
    "      --rules DIR     read the rules from DIR (default: $KPIPE_RULES, the rules/\n"
    "                      folder beside the program, or " KPIPE_RULES_DIR ")\n"
    "  -h, --help          show this help and exit\n"
    "      --version       show the version and exit\n"
    "\n"
    "Exit status: 0 output written (check: no error); 1 validation errors (check,\n"
    "or warnings with --strict; figure: a malformed figure); 2 input, rules, output\n"
    "path or usage unusable.\n";

static void report(const kp_error *err)
{
    char *line = kp_error_format(err);
    if (err->file)
        fprintf(stderr, "%s\n", line);
    else
        fprintf(stderr, "kpipe: %s\n", line);
    g_free(line);
}

static int usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "kpipe: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see kpipe --help)\n");
    return KP_EXIT_UNUSABLE;
}

/* The rules folder: --rules, $KPIPE_RULES, else the nearest rules/ (a build
 * tree) or share/kpipe/rules (an installed tree) in the program's folder or
 * one of its three parents, else the configured one. */
static char *rules_dir_find(const char *given)
{
    if (given)
        return g_strdup(given);
    const char *env = g_getenv("KPIPE_RULES");
    if (env && *env)
        return g_strdup(env);
    char *found = NULL;
    char *dir = NULL;
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe)
        dir = g_path_get_dirname(exe);
    for (int up = 0; dir && up < 4 && !found; up++) {
        const char *candidates[] = {"rules", "share/kpipe/rules"};
        for (size_t i = 0; i < G_N_ELEMENTS(candidates) && !found; i++) {
            char *probe = g_build_filename(dir, candidates[i], "figure.rules", NULL);
            if (g_file_test(probe, G_FILE_TEST_IS_REGULAR))
                found = g_build_filename(dir, candidates[i], NULL);
            g_free(probe);
        }
        char *parent = g_path_get_dirname(dir);
        g_free(dir);
        dir = parent;
    }
    g_free(dir);
    g_free(exe);
    return found ? found : g_strdup(KPIPE_RULES_DIR);
}

static kp_rules *load_rules(const char *given, kp_error *err)
{
    char *dir = rules_dir_find(given);
    kp_rules *rules = rules_load(dir, err);
    g_free(dir);
    if (rules && (!quantity_rules_check(rules, err) || !parse_rules_check(rules, err))) {
        rules_free(rules);
        return NULL;
    }
    return rules;
}

/* Options shared by the commands that read documents. */
typedef struct {
    const char *out;
    const char *out_dir;
    const char *rules_dir;
    const char *format;
    bool pretty, strict, bom, keep_formulas, fail_on_revision;
    int jobs;
    kp_pdf_options pdf;
    int first_arg;
} read_options;

enum {
    OPT_PRETTY = 256,
    OPT_RULES,
    OPT_PASSWORD,
    OPT_MAX_PAGES,
    OPT_FORMAT,
    OPT_STRICT,
    OPT_BOM,
    OPT_KEEP_FORMULAS,
    OPT_FAIL_ON_REVISION,
    OPT_TIME_LIMIT
};

/* Seconds one PDF may take unless --time-limit says otherwise: a budget
 * against hostile files in unattended runs, far above what a real plan
 * needs (a few hundredths of a second a page). */
#define DEFAULT_TIME_LIMIT 120.0

/* Parses the options of COMMAND; returns -1 when it went on, else an exit
 * code. The command takes from MIN to MAX FILEs (MAX 0: any number). */
static int read_options_parse(const char *command, int argc, char **argv, read_options *o,
                              int min, int max)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"pretty", no_argument, NULL, OPT_PRETTY},
        {"rules", required_argument, NULL, OPT_RULES},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"max-pages", required_argument, NULL, OPT_MAX_PAGES},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"bom", no_argument, NULL, OPT_BOM},
        {"keep-formulas", no_argument, NULL, OPT_KEEP_FORMULAS},
        {"fail-on-revision", no_argument, NULL, OPT_FAIL_ON_REVISION},
        {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
        {"dir", required_argument, NULL, 'd'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->pdf.time_limit = DEFAULT_TIME_LIMIT;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:d:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case OPT_PRETTY: o->pretty = true; break;
        case OPT_FORMAT: o->format = optarg; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_BOM: o->bom = true; break;
        case OPT_KEEP_FORMULAS: o->keep_formulas = true; break;
        case OPT_FAIL_ON_REVISION: o->fail_on_revision = true; break;
        case 'd': o->out_dir = optarg; break;
        case OPT_TIME_LIMIT: {
            char *end;
            double v = g_ascii_strtod(optarg, &end);
            if (*end || !(v >= 0) || v > 1e6)
                return usage_error("--time-limit takes seconds (0: none), not '%s'", optarg);
            o->pdf.time_limit = v;
            break;
        }
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > 256)
                return usage_error("-j takes a number of processes (1 to 256), not '%s'", optarg);
            o->jobs = (int)v;
            break;
        }
        case OPT_RULES: o->rules_dir = optarg; break;
        case OPT_PASSWORD:
            if (strlen(optarg) > KP_MAX_PASSWORD_BYTES) {
                char n[32];
                snprintf(n, sizeof n, "%zu", strlen(optarg));
                return usage_error("--password: at most 127 bytes (PDF passwords end there), not %s", n);
            }
            o->pdf.password = optarg;
            break;
        case OPT_MAX_PAGES: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > 1000000)
                return usage_error("--max-pages takes a whole number of pages, not '%s'", optarg);
            o->pdf.max_pages = (int)v;
            break;
        }
        case 'h': fputs(usage_text, stdout); return KP_EXIT_OK;
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    int files = argc - optind;
    if (files < min || (max && files > max))
        return usage_error(min == 2 && max == 2 ? "'%s' takes two inputs, OLD and NEW"
                           : max == 1           ? "'%s' takes one input FILE"
                                                : "'%s' takes one or more input FILEs",
                           command);
    o->first_arg = optind;
    if (!o->jobs)
        o->jobs = (int)g_get_num_processors();
    o->pdf.readers = o->jobs;
    return -1;
}

static int finish(kp_error *err)
{
    int status = KP_EXIT_OK;
    if (err->exit_code) {
        report(err);
        status = err->exit_code;
    }
    kp_error_clear(err);
    return status;
}

/* One document rendered as OPTIONS ask (kpi-json or CSV); newly allocated. */
static char *render_document(const kp_document *doc, const read_options *o, bool csv,
                             const char *file, kp_error *err)
{
    if (csv)
        return document_to_csv(doc, (o->bom ? KP_CSV_BOM : 0) |
                                        (o->keep_formulas ? KP_CSV_KEEP_FORMULAS : 0));
    json_t *json = document_to_json(doc);
    char *text = json_write(json, o->pretty);
    json_decref(json);
    if (!text)
        kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0, "a figure is not a finite number");
    return text;
}

/* One input of a batch, read in a child process of its own. */
typedef struct {
    const char *file;
    char *out;            /* output path */
    pid_t pid;
    int pipe;             /* the child's error line comes through it */
    GString *error;       /* what it said, if anything */
    bool failed;
    gint64 size;          /* bytes: how much work it is likely to be */
} batch_item;

/* Biggest first: a big file started last would leave the other cores idle
 * while it finishes. Ties keep the input order (the items are one array). */
static int batch_by_size(const void *a, const void *b)
{
    const batch_item *x = *(batch_item *const *)a, *y = *(batch_item *const *)b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return (x > y) - (x < y);
}

/* One line on stderr when DOC, written all the same, holds errors: a CI log
 * or a clerk sees at once that the figures need a look. */
static void summarise_errors(const char *file, const kp_document *doc)
{
    guint errors = 0;
    const kp_diagnostic *first = NULL;
    for (guint i = 0; i < doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        if (d->severity == KP_SEV_ERROR && !errors++)
            first = d;
    }
    if (!errors)
        return;
    char *line = g_strdup_printf("%s: warning: written, but it holds %u error%s (first, %s: %s); "
                                 "`kpipe check %s` lists them\n",
                                 file, errors, errors == 1 ? "" : "s", first->code, first->message,
                                 file);
    (void)fd_write_all(STDERR_FILENO, line, strlen(line)); /* one write: lines stay whole */
    g_free(line);
}

/* The child's work: read, render, write; an error line goes to FD. */
static int batch_child(batch_item *it, const read_options *o, const kp_rules *rules, bool csv,
                       int fd)
{
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = kp_document_load(it->file, &o->pdf, rules, NULL, &err);
    if (doc) {
        char *text = render_document(doc, o, csv, it->file, &err);
        if (text && output_write(it->out, text, strlen(text), &err))
            summarise_errors(it->file, doc);
        g_free(text);
        document_free(doc);
    }
    int status = KP_EXIT_OK;
    if (err.exit_code) {
        char *line = kp_error_format(&err);
        (void)fd_write_all(fd, line, strlen(line)); /* the parent reports its absence */
        g_free(line);
        status = KP_EXIT_UNUSABLE;
    }
    kp_error_clear(&err);
    return status;
}

/* Waits for one child of ITEMS to end and takes what it said. */
static void batch_reap(batch_item *items, int n)
{
    int status;
    pid_t pid;
    do
        pid = waitpid(-1, &status, 0);
    while (pid < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) {
        if (items[i].pid != pid || pid <= 0)
            continue;
        char buf[512];
        ssize_t got;
        while ((got = read(items[i].pipe, buf, sizeof buf)) > 0)
            g_string_append_len(items[i].error, buf, got);
        close(items[i].pipe);
        items[i].pid = 0;
        if (WIFSIGNALED(status)) {
            g_string_printf(items[i].error, "%s: error: kpipe stopped on this file (signal %d)",
                            items[i].file, WTERMSIG(status));
            items[i].failed = true;
        } else {
            items[i].failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        }
    }
}

/* Many inputs: one output each in DIR, named after the input; a bad input is
 * reported and skipped. Up to -j files are read at a time, each in a child
 * process: poppler keeps process-wide state that is not safe to share between
 * threads reading different documents, and a file that crashes poppler then
 * takes only its own child down. */
static int extract_batch(char **files, int n, const read_options *o, const kp_rules *rules,
                         bool csv)
{
    const char *dir = o->out_dir ? o->out_dir : "out";
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        fprintf(stderr, "%s: error: cannot make the output folder: %s\n", dir, g_strerror(errno));
        return KP_EXIT_UNUSABLE;
    }
    batch_item *items = g_new0(batch_item, n);
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    int status = KP_EXIT_OK;
    for (int i = 0; i < n; i++) {
        items[i].file = files[i];
        items[i].error = g_string_new(NULL);
        char *base = g_path_get_basename(files[i]);
        char *dot = strrchr(base, '.');
        if (dot && dot != base)
            *dot = '\0';
        char *name = g_strconcat(base, csv ? ".csv" : ".json", NULL);
        items[i].out = g_build_filename(dir, name, NULL);
        g_free(base);
        g_free(name);
        if (g_hash_table_contains(names, items[i].out)) {
            fprintf(stderr, "kpipe: error: two inputs would both be written to %s; rename one\n",
                    items[i].out);
            status = KP_EXIT_UNUSABLE;
        }
        g_hash_table_add(names, items[i].out);
    }
    g_hash_table_destroy(names);
    if (status == KP_EXIT_OK) {
        batch_item **order = g_new(batch_item *, n);
        for (int i = 0; i < n; i++) {
            GStatBuf st;
            items[i].size = g_stat(items[i].file, &st) == 0 ? (gint64)st.st_size : 0;
            order[i] = &items[i];
        }
        qsort(order, n, sizeof *order, batch_by_size);
        int jobs = o->jobs;
        /* cores left over by a short batch read its files' pages side by side */
        read_options per_file = *o;
        per_file.pdf.readers = jobs > n ? jobs / n : 1;
        o = &per_file;
        bool progress = isatty(STDERR_FILENO) && n > 1;
        int running = 0, done = 0;
        for (int i = 0; i < n || running > 0;) {
            if (i < n && running < jobs) {
                batch_item *it = order[i];
                int fds[2];
                if (pipe(fds) != 0) {
                    g_string_printf(it->error, "%s: error: cannot start a reader: %s",
                                    it->file, g_strerror(errno));
                    it->failed = true;
                    i++;
                    continue;
                }
                fflush(NULL);
                pid_t parent = getpid();
                pid_t pid = fork();
                if (pid == 0) {
                    close(fds[0]);
                    /* SIGTERM, not SIGKILL: it waits while an output is
                     * being written, so none is left half-written */
                    if (!child_ends_with_parent(parent, SIGTERM))
                        _exit(2);
                    _exit(batch_child(it, o, rules, csv, fds[1]));
                }
                close(fds[1]);
                if (pid < 0) {
                    close(fds[0]);
                    g_string_printf(it->error, "%s: error: cannot start a reader: %s",
                                    it->file, g_strerror(errno));
                    it->failed = true;
                } else {
                    it->pid = pid;
                    it->pipe = fds[0];
                    running++;
                }
                i++;
                continue;
            }
            batch_reap(items, n);
            running--;
            done++;
            if (progress)
                fprintf(stderr, "\r\033[Kkpipe: %d/%d files", done, n);
        }
        g_free(order);
        if (progress)
            fprintf(stderr, "\r\033[K");
        for (int i = 0; i < n; i++) /* in input order, whatever order they ended in */
            if (items[i].failed) {
                if (items[i].error->len)
                    fprintf(stderr, "%s\n", items[i].error->str);
                else
                    fprintf(stderr, "%s: error: not read\n", items[i].file);
                status = KP_EXIT_UNUSABLE;
            }
    }
    for (int i = 0; i < n; i++) {
        g_free(items[i].out);
        g_string_free(items[i].error, TRUE);
    }
    g_free(items);
    return status;
}

static int cmd_extract(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("extract", argc, argv, &o, 1, 0);
    if (rc >= 0)
        return rc;
    bool csv = false;
    if (o.format && strcmp(o.format, "csv") == 0)
        csv = true;
    else if (o.format && strcmp(o.format, "json") != 0)
        return usage_error("--format is json or csv, not '%s'", o.format);
    int n = argc - o.first_arg;
    if (n > 1 && o.out)
        return usage_error("%s", "-o names one output: with several inputs, use -d DIR");
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o.rules_dir, &err);
    if (!rules)
        return finish(&err);
    if (n > 1 || o.out_dir) {
        int status = extract_batch(argv + o.first_arg, n, &o, rules, csv);
        rules_free(rules);
        return status;
    }
    const char *file = argv[o.first_arg];
    kp_document *doc = kp_document_load(file, &o.pdf, rules, NULL, &err);
    if (doc) {
        char *text = render_document(doc, &o, csv, file, &err);
        if (text && output_write(o.out, text, strlen(text), &err)) /* sets err on failure */
            summarise_errors(file, doc);
        g_free(text);
    }
    document_free(doc);
    rules_free(rules);
    return finish(&err);
}

/* kpipe diff: what changed between two editions. */
static int cmd_diff(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("diff", argc, argv, &o, 2, 2);
    if (rc >= 0)
        return rc;
    bool json = false;
    if (o.format && strcmp(o.format, "json") == 0)
        json = true;
    else if (o.format && strcmp(o.format, "text") != 0)
        return usage_error("--format is text or json, not '%s'", o.format);
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o.rules_dir, &err);
    kp_document *old = rules ? kp_document_load_isolated(argv[o.first_arg], &o.pdf, rules, &err) : NULL;
    kp_document *new_ = old ? kp_document_load_isolated(argv[o.first_arg + 1], &o.pdf, rules, &err) : NULL;
    int status = KP_EXIT_OK;
    if (new_) {
        kp_diff *d = diff_documents(old, new_);
        char *text;
        if (json) {
            json_t *v = diff_to_json(d);
            text = json_write(v, o.pretty);
            json_decref(v);
        } else {
            text = diff_to_text(d);
        }
        if (output_write(o.out, text, strlen(text), &err) && o.fail_on_revision &&
            diff_count(d, KP_CHANGE_REVISED) > 0)
            status = KP_EXIT_INVALID;
        g_free(text);
        diff_free(d);
    }
    document_free(old);
    document_free(new_);
    rules_free(rules);
    return err.exit_code ? finish(&err) : status;
}

/* kpipe text: the tables as kpipe reads them, in the seed's tab-separated
 * layout, so that a person can see what was read. */
static int cmd_text(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("text", argc, argv, &o, 1, 1);
    if (rc >= 0)
        return rc;
    const char *file = argv[o.first_arg];
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o.rules_dir, &err);
    kp_source source = {0};
    kp_grid *grid = rules ? kp_grid_load(file, &o.pdf, &source, &err) : NULL;
    GArray *notes = g_array_new(FALSE, FALSE, sizeof(kp_table_note));
    /* parsed too, to show each table's column roles above it */
    kp_document *doc = grid ? parse_document_traced(grid, rules, &source, file, notes, &err) : NULL;
    if (doc) {
        const char **before = g_new0(const char *, grid->lines->len + 1);
        for (guint i = 0; i < notes->len; i++) {
            const kp_table_note *n = &g_array_index(notes, kp_table_note, i);
            if (n->line < grid->lines->len)
                before[n->line] = n->text;
        }
        char *text = grid_to_text(grid, before);
        output_write(o.out, text, strlen(text), &err);
        g_free(text);
        g_free(before);
    }
    for (guint i = 0; i < notes->len; i++)
        g_free(g_array_index(notes, kp_table_note, i).text);
    g_array_free(notes, TRUE);
    document_free(doc);
    g_free(source.name);
    grid_free(grid);
    rules_free(rules);
    return finish(&err);
}

/* kpipe check: the diagnostics of each input, for people or for CI. */
static int cmd_check(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("check", argc, argv, &o, 1, 0);
    if (rc >= 0)
        return rc;
    kp_report_format format = KP_REPORT_TEXT;
    if (o.format && !report_format_parse(o.format, &format))
        return usage_error("--format is text, json, github or sarif, not '%s'", o.format);
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o.rules_dir, &err);
    if (!rules)
        return finish(&err);
    int n = argc - o.first_arg;
    kp_checked *inputs = g_new0(kp_checked, n);
    kp_error *errors = g_new0(kp_error, n);
    bool unusable = false, failed = false;
    for (int i = 0; i < n; i++) {
        inputs[i].file = argv[o.first_arg + i];
        inputs[i].error = &errors[i];
        kp_document *doc = kp_document_load_isolated(inputs[i].file, &o.pdf, rules, &errors[i]);
        inputs[i].doc = doc;
        if (!doc) {
            unusable = true;
            continue;
        }
        int counts[3];
        report_count(doc, counts);
        failed |= counts[KP_SEV_ERROR] > 0 || (o.strict && counts[KP_SEV_WARNING] > 0);
    }
    bool color = format == KP_REPORT_TEXT && !o.out && isatty(STDOUT_FILENO) &&
                 !g_getenv("NO_COLOR");
    char *report = report_render(inputs, (size_t)n, format, color, KPIPE_VERSION);
    int status = unusable ? KP_EXIT_UNUSABLE : failed ? KP_EXIT_INVALID : KP_EXIT_OK;
    if (!output_write(o.out, report, strlen(report), &err))
        status = finish(&err);
    g_free(report);
    for (int i = 0; i < n; i++) {
        document_free((kp_document *)inputs[i].doc);
        kp_error_clear(&errors[i]);
    }
    g_free(inputs);
    g_free(errors);
    rules_free(rules);
    return status;
}

static int cmd_figure(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rules_dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rules_dir = optarg; break;
        case 'h': fputs(usage_text, stdout); return KP_EXIT_OK;
        default: return usage_error("%s", "bad option for 'figure'");
        }
    }
    if (optind >= argc)
        return usage_error("%s", "'figure' takes at least one TEXT");
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(rules_dir, &err);
    if (!rules) {
        report(&err);
        kp_error_clear(&err);
        return KP_EXIT_UNUSABLE;
    }
    int status = KP_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (!g_utf8_validate(argv[i], -1, NULL)) {
            fprintf(stderr, "kpipe: error: argument %d is not valid UTF-8\n", i - optind + 1);
            status = KP_EXIT_UNUSABLE;
            continue;
        }
        kp_figure_check check;
        kp_quantity *q = quantity_parse(rules, argv[i], &check);
        json_t *json = quantity_to_json(q, false);
        char *text = json_write(json, false);
        printf("%s\n", text);
        g_free(text);
        json_decref(json);
        if (check.status == KP_FIGURE_MALFORMED) {
            fprintf(stderr, "figure「%s」: error: %s [malformed-figure]\n", argv[i], check.reason);
            if (status == KP_EXIT_OK)
                status = KP_EXIT_INVALID;
        } else if (check.status == KP_FIGURE_UNKNOWN_UNIT) {
            fprintf(stderr, "figure「%s」: warning: %s [unknown-unit]\n", argv[i], check.reason);
        }
        quantity_free(q);
    }
    rules_free(rules);
    if (fflush(stdout) != 0 || ferror(stdout)) { /* a full disk, a closed pipe */
        fprintf(stderr, "kpipe: error: cannot write output: %s\n", g_strerror(errno));
        return KP_EXIT_UNUSABLE;
    }
    return status;
}

/* poppler reports what it repairs on the "Poppler" log domain; kpipe's own
 * errors say what matters, so these are not printed. */
static void quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                      gpointer user)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)user;
}

int main(int argc, char **argv)
{
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK, quiet_log, NULL);
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return KP_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("kpipe %s\n", KPIPE_VERSION);
        return KP_EXIT_OK;
    }
    if (strcmp(cmd, "extract") == 0)
        return cmd_extract(argc - 1, argv + 1);
    if (strcmp(cmd, "diff") == 0)
        return cmd_diff(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "text") == 0)
        return cmd_text(argc - 1, argv + 1);
    if (strcmp(cmd, "figure") == 0)
        return cmd_figure(argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}
