/* kpipe — the command line. Each command wires the stages together:
 * input (text.c / pdf.c) → parse.c → json.c, and reports errors in one line. */
#include <getopt.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpipe/error.h"
#include "kpipe/json.h"
#include "kpipe/layout.h"
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
    "  text FILE [-o OUT]                 print the tables as read, tab-separated\n"
    "  check FILE... [--format F] [--strict]  check the figures and report\n"
    "  figure TEXT...                     show the Quantity the figure rules make of TEXT\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   write to FILE (replaced only once complete); default stdout\n"
    "      --pretty        indent the JSON for people (same keys, same order)\n"
    "      --format F      check: text (default), json, github or sarif\n"
    "      --strict        check: warnings fail too (exit 1)\n"
    "      --password PW   open an encrypted PDF with PW\n"
    "      --max-pages N   refuse a PDF of more than N pages\n"
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

/* Reads FILE (PDF or text) into a grid; NULL with ERR set. */
static kp_grid *grid_load(const char *file, const kp_pdf_options *pdf, kp_source *source,
                          kp_error *err)
{
    size_t len;
    char *data = file_read_all(file, &len, err);
    if (!data)
        return NULL;
    kp_grid *grid;
    if (pdf_sniff(data, len)) {
        grid = pdf_load(file, data, len, pdf, source, err);
    } else {
        char *utf8 = text_decode(data, len, file, err);
        grid = utf8 ? text_to_grid(utf8) : NULL;
        if (grid) {
            source->name = g_path_get_basename(file);
            sha256_hex(data, len, source->sha256);
        }
        g_free(utf8);
    }
    g_free(data);
    return grid;
}

/* Reads FILE into a document; NULL with ERR set. */
static kp_document *document_load(const char *file, const kp_pdf_options *pdf,
                                  const kp_rules *rules, kp_error *err)
{
    kp_source source = {0};
    kp_grid *grid = grid_load(file, pdf, &source, err);
    if (!grid)
        return NULL;
    kp_document *doc = parse_document(grid, rules, &source, file, err);
    g_free(source.name);
    grid_free(grid);
    if (doc)
        validate_document(doc);
    return doc;
}

/* Options shared by the commands that read documents. */
typedef struct {
    const char *out;
    const char *rules_dir;
    const char *format;
    bool pretty, strict;
    kp_pdf_options pdf;
    int first_arg;
} read_options;

enum { OPT_PRETTY = 256, OPT_RULES, OPT_PASSWORD, OPT_MAX_PAGES, OPT_FORMAT, OPT_STRICT };

/* Parses the options of COMMAND; returns -1 when it went on, else an exit
 * code. MANY: the command takes several FILEs. */
static int read_options_parse(const char *command, int argc, char **argv, read_options *o,
                              bool many)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"pretty", no_argument, NULL, OPT_PRETTY},
        {"rules", required_argument, NULL, OPT_RULES},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"max-pages", required_argument, NULL, OPT_MAX_PAGES},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case OPT_PRETTY: o->pretty = true; break;
        case OPT_FORMAT: o->format = optarg; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_RULES: o->rules_dir = optarg; break;
        case OPT_PASSWORD: o->pdf.password = optarg; break;
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
    if (many ? optind >= argc : optind != argc - 1)
        return usage_error(many ? "'%s' takes one or more input FILEs" : "'%s' takes one input FILE",
                           command);
    o->first_arg = optind;
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

static int cmd_extract(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("extract", argc, argv, &o, false);
    if (rc >= 0)
        return rc;
    const char *file = argv[o.first_arg];
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o.rules_dir, &err);
    kp_document *doc = rules ? document_load(file, &o.pdf, rules, &err) : NULL;
    if (doc) {
        json_t *json = document_to_json(doc);
        char *text = json_write(json, o.pretty);
        json_decref(json);
        if (!text)
            kp_error_set(&err, KP_EXIT_UNUSABLE, file, 0, 0, 0, "a figure is not a finite number");
        else
            output_write(o.out, text, strlen(text), &err); /* sets err on failure */
        g_free(text);
    }
    document_free(doc);
    rules_free(rules);
    return finish(&err);
}

/* kpipe text: the tables as kpipe reads them, in the seed's tab-separated
 * layout, so that a person can see what was read. */
static int cmd_text(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("text", argc, argv, &o, false);
    if (rc >= 0)
        return rc;
    const char *file = argv[o.first_arg];
    kp_error err = KP_ERROR_INIT;
    kp_source source = {0};
    kp_grid *grid = grid_load(file, &o.pdf, &source, &err);
    if (grid) {
        char *text = grid_to_text(grid);
        output_write(o.out, text, strlen(text), &err);
        g_free(text);
    }
    g_free(source.name);
    grid_free(grid);
    return finish(&err);
}

/* kpipe check: the diagnostics of each input, for people or for CI. */
static int cmd_check(int argc, char **argv)
{
    read_options o;
    int rc = read_options_parse("check", argc, argv, &o, true);
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
        kp_document *doc = document_load(inputs[i].file, &o.pdf, rules, &errors[i]);
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
    fflush(stdout);
    rules_free(rules);
    return status;
}

int main(int argc, char **argv)
{
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
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "text") == 0)
        return cmd_text(argc - 1, argv + 1);
    if (strcmp(cmd, "figure") == 0)
        return cmd_figure(argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}
