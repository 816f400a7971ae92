/* kpipe — the command line. Each command wires the stages together:
 * input (text.c / pdf.c) → parse.c → json.c, and reports errors in one line. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpipe/baseline.h"
#include "kpipe/child.h"
#include "kpipe/csv.h"
#include "kpipe/diff.h"
#include "kpipe/error.h"
#include "kpipe/html.h"
#include "kpipe/files.h"
#include "kpipe/json.h"
#include "kpipe/kpipe.h"
#include "kpipe/limits.h"
#include "kpipe/output.h"
#include "kpipe/parse.h"
#include "kpipe/pdf.h"
#include "kpipe/quantity.h"
#include "kpipe/report.h"
#include "kpipe/rules.h"
#include "kpipe/spool.h"
#include "kpipe/store.h"
#include "kpipe/text.h"
#include "kpipe/validate.h"

#include "i18n.h"

#ifndef KPIPE_VERSION
#define KPIPE_VERSION "0.1.0"
#endif
#ifndef KPIPE_RULES_DIR
#define KPIPE_RULES_DIR "/usr/local/share/kpipe/rules"
#endif

/* Documented exit codes (README "Exit codes"): the library reports kinds of
 * error, and this is the one place that turns them into exit codes. */
enum {
    KP_EXIT_OK = 0,       /* output written, no error found */
    KP_EXIT_INVALID = 1,  /* validation errors, where a command checks */
    KP_EXIT_UNUSABLE = 2  /* input, rules, output path or usage unusable */
};

static int exit_code_of(kp_error_kind kind)
{
    /* every kind of error leaves nothing usable: one code, documented as
     * such; the kind is there for callers that handle some of them */
    return kind == KP_ERR_NONE ? KP_EXIT_OK : KP_EXIT_UNUSABLE;
}

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

/* A folder beside the program: BUILT (in a build tree) or INSTALLED (under
 * an installed prefix), in the program's folder or one of its three parents,
 * that holds PROBE. Newly allocated; NULL when there is none. */
static char *beside_program(const char *built, const char *installed, const char *probe)
{
    char *found = NULL;
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *dir = exe ? g_path_get_dirname(exe) : NULL;
    for (int up = 0; dir && up < 4 && !found; up++) {
        const char *candidates[] = {built, installed};
        for (size_t i = 0; i < G_N_ELEMENTS(candidates) && !found; i++) {
            char *path = g_build_filename(dir, candidates[i], probe, NULL);
            if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
                found = g_build_filename(dir, candidates[i], NULL);
            g_free(path);
        }
        char *parent = g_path_get_dirname(dir);
        g_free(dir);
        dir = parent;
    }
    g_free(dir);
    g_free(exe);
    return found;
}

/* The rules folder: --rules, $KPIPE_RULES, else the nearest rules/ (a build
 * tree) or share/kpipe/rules (an installed tree) beside the program, else
 * the configured one. */
static char *rules_dir_find(const char *given)
{
    if (given)
        return g_strdup(given);
    const char *env = g_getenv("KPIPE_RULES");
    if (env && *env)
        return g_strdup(env);
    char *found = beside_program("rules", "share/kpipe/rules", "figure.rules");
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

/* ---- the message language -------------------------------------------------
 * Catalogues are looked for beside the program, as the rules are: locale/
 * in a build tree, share/locale in an installed one. */

/* Messages in LANG ("ja", "en"), or, for NULL, in the language the
 * environment asks for. gettext honours $LANGUAGE only outside the C
 * locale, and a machine may lack ja_JP.UTF-8: C.UTF-8 serves then (only
 * LC_MESSAGES and LC_CTYPE change: numbers are never written otherwise). */
static void messages_language(const char *lang)
{
    setlocale(LC_CTYPE, "");
    const char *now = setlocale(LC_MESSAGES, "");
    if (!now || strcmp(now, "C") == 0 || strcmp(now, "POSIX") == 0)
        setlocale(LC_MESSAGES, "C.UTF-8");
    const char *asked = g_getenv("LANGUAGE");
    if (!lang && !(asked && *asked)) {
        const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
        lang = "en";
        for (size_t i = 0; i < G_N_ELEMENTS(vars); i++) {
            const char *v = g_getenv(vars[i]);
            if (v && *v) {
                lang = g_str_has_prefix(v, "ja") ? "ja" : "en";
                break;
            }
        }
    }
    if (lang)
        g_setenv("LANGUAGE", lang, TRUE);
    char *dir = beside_program("locale", "share/locale", "ja/LC_MESSAGES/" KP_TEXT_DOMAIN ".mo");
    if (dir)
        bindtextdomain(KP_TEXT_DOMAIN, dir);
    bind_textdomain_codeset(KP_TEXT_DOMAIN, "UTF-8");
    g_free(dir);
}

/* ---- commands and options, as data -----------------------------------------
 * A command or an option is one row: its name, what it takes, the commands an
 * option applies to and its help. Parsing, each command's --help and the
 * check that an option applies to the command all read these rows. */

enum {
    CMD_EXTRACT = 1 << 0,
    CMD_TEXT = 1 << 1,
    CMD_CHECK = 1 << 2,
    CMD_DIFF = 1 << 3,
    CMD_FIGURE = 1 << 4,
    CMD_INGEST = 1 << 5,
    CMD_HISTORY = 1 << 6,
    CMD_EXPORT = 1 << 7,
    CMD_REPORT = 1 << 8,
    CMD_READING = CMD_EXTRACT | CMD_TEXT | CMD_CHECK | CMD_DIFF | CMD_INGEST | CMD_REPORT,
    CMD_DATABASE = CMD_INGEST | CMD_HISTORY | CMD_EXPORT,
    CMD_ALL = CMD_READING | CMD_FIGURE | CMD_HISTORY | CMD_EXPORT,
};

enum {
    OPT_PRETTY = 256,
    OPT_RULES,
    OPT_PASSWORD,
    OPT_PASSWORD_FILE,
    OPT_MAX_PAGES,
    OPT_FORMAT,
    OPT_STRICT,
    OPT_IGNORE,
    OPT_BASELINE,
    OPT_BOM,
    OPT_KEEP_FORMULAS,
    OPT_FAIL_ON_REVISION,
    OPT_EXIT_CODE,
    OPT_COLOR,
    OPT_TIME_LIMIT,
    OPT_OCR,
    OPT_LANG,
    OPT_DB,
    OPT_MUNICIPALITY,
    OPT_GOAL,
    OPT_KPI,
};

typedef struct {
    const char *name;  /* the long name */
    int key;           /* the short letter, or an OPT_ value */
    const char *arg;   /* its argument, as help names it; NULL: a switch */
    unsigned commands; /* CMD_ bits of the commands it applies to */
    const char *help;  /* lines of help ('\n' between) */
} cli_option;

static const cli_option option_table[] = {
    {"output", 'o', "FILE", (CMD_READING & ~CMD_INGEST) | CMD_HISTORY | CMD_EXPORT,
     "write to FILE (replaced only once complete); default, or -:\nstandard output"},
    {"dir", 'd', "DIR", CMD_EXTRACT,
     "several inputs: one output each under DIR, in the input's\nfolders (2022/x.pdf → "
     "DIR/2022/x.json)"},
    {"format", OPT_FORMAT, "F", CMD_EXTRACT | CMD_CHECK | CMD_DIFF | CMD_HISTORY | CMD_EXPORT,
     "extract: json (default) or csv; check: text (default),\njson, github or sarif; diff: "
     "text (default) or json;\nhistory: text (default), json or csv; export: csv\n(default) "
     "or jsonl"},
    {"pretty", OPT_PRETTY, NULL, CMD_EXTRACT | CMD_DIFF,
     "indent the JSON for people (same keys, same order)"},
    {"bom", OPT_BOM, NULL, CMD_EXTRACT | CMD_EXPORT,
     "--format csv: begin with a UTF-8 byte-order mark"},
    {"db", OPT_DB, "PATH", CMD_DATABASE | CMD_REPORT,
     "the SQLite database of every edition (default kpi.sqlite)"},
    {"municipality", OPT_MUNICIPALITY, "M", CMD_HISTORY | CMD_REPORT,
     "only the KPIs of municipality M (report --db: its plan)"},
    {"goal", OPT_GOAL, "N", CMD_HISTORY, "only the KPIs of goal N"},
    {"kpi", OPT_KPI, "TEXT", CMD_HISTORY, "only the KPIs whose name holds TEXT"},
    {"keep-formulas", OPT_KEEP_FORMULAS, NULL, CMD_EXTRACT,
     "--format csv: write cells beginning = + - @ as printed (by\ndefault they get a leading ' "
     "so that a spreadsheet does not\nrun them as formulas)"},
    {"strict", OPT_STRICT, NULL, CMD_CHECK, "warnings fail too (exit 1)"},
    {"ignore", OPT_IGNORE, "CODES", CMD_CHECK,
     "leave out findings of these codes (comma-separated)"},
    {"baseline", OPT_BASELINE, "FILE", CMD_CHECK,
     "findings already in FILE (written by check --format json)\nare accepted: reported as such, "
     "they do not fail the run"},
    {"fail-on-revision", OPT_FAIL_ON_REVISION, NULL, CMD_DIFF,
     "exit 1 when a published figure was revised"},
    {"exit-code", OPT_EXIT_CODE, NULL, CMD_DIFF, "exit 1 when anything changed"},
    {"color", OPT_COLOR, "WHEN", CMD_CHECK,
     "auto (default: on a terminal, unless NO_COLOR is set and\nnot empty), always or never"},
    {"jobs", 'j', "N", CMD_READING,
     "processes reading at a time: N files of a batch, or N\nparts of one PDF's pages (default: "
     "the number of cores)"},
    {"password", OPT_PASSWORD, "PW", CMD_READING,
     "open an encrypted PDF with PW (ps shows it: prefer\n--password-file or $KPIPE_PASSWORD)"},
    {"password-file", OPT_PASSWORD_FILE, "FILE", CMD_READING,
     "the password is FILE's first line"},
    {"max-pages", OPT_MAX_PAGES, "N", CMD_READING, "refuse a PDF of more than N pages"},
    {"time-limit", OPT_TIME_LIMIT, "S", CMD_READING,
     "give up on a PDF still unread after S seconds (default\n120; 0: none)"},
    {"ocr", OPT_OCR, "WHEN", CMD_READING,
     "read pages by OCR (Tesseract): auto (default: pages\nwithout a usable text layer), always "
     "or never"},
    {"rules", OPT_RULES, "DIR", CMD_ALL,
     "read the rules from DIR (default: $KPIPE_RULES, the rules/\nfolder beside the program, or "
     KPIPE_RULES_DIR ")"},
    {"lang", OPT_LANG, "L", CMD_ALL,
     "messages in ja (Japanese) or en (English); default: from\n$LANGUAGE, $LC_ALL, "
     "$LC_MESSAGES or $LANG (extract: en, so\nthat kpi-json's bytes are the same everywhere)"},
    {"help", 'h', NULL, CMD_ALL, "show this help and exit"},
    {"version", 'V', NULL, CMD_ALL, "show the version and exit"},
};

/* Options as parsed. */
typedef struct {
    const char *out;
    const char *out_dir;
    const char *rules_dir;
    const char *format;
    const char *ignore;
    const char *baseline;
    const char *color;
    const char *lang;
    const char *db;
    const char *municipality;
    const char *kpi;
    int goal;
    bool pretty, strict, bom, keep_formulas, fail_on_revision, exit_code;
    int jobs;
    kp_pdf_options pdf;
    char *password;   /* owned: from --password, --password-file or $KPIPE_PASSWORD */
    char **inputs;    /* the operands */
    int n_inputs;
} read_options;

typedef struct {
    const char *name;
    unsigned bit;
    int (*run)(read_options *o);
    int min_inputs, max_inputs; /* max 0: any number */
    const char *usage;          /* what follows "kpipe NAME", one form a line */
    const char *summary;
} cli_command;

static int cmd_extract(read_options *o);
static int cmd_text(read_options *o);
static int cmd_check(read_options *o);
static int cmd_diff(read_options *o);
static int cmd_figure(read_options *o);
static int cmd_ingest(read_options *o);
static int cmd_history(read_options *o);
static int cmd_export(read_options *o);
static int cmd_report(read_options *o);

static const cli_command command_table[] = {
    {"extract", CMD_EXTRACT, cmd_extract, 1, 0, "FILE [-o OUT] [--format json|csv]\nFILE... -d DIR",
     "read a KPI table (PDF, text or kpi-json), write kpi-json or CSV"},
    {"text", CMD_TEXT, cmd_text, 1, 1, "FILE [-o OUT]",
     "print the tables as read, tab-separated, each under its\ncolumns' roles"},
    {"check", CMD_CHECK, cmd_check, 1, 0, "FILE... [--format F] [--strict] [--ignore CODES]\n"
     "FILE... --baseline FILE",
     "check the figures and report, for people or CI"},
    {"diff", CMD_DIFF, cmd_diff, 2, 2, "OLD NEW [--format text|json] [--exit-code]",
     "what changed between two editions (PDF, text or kpi-json)"},
    {"figure", CMD_FIGURE, cmd_figure, 1, 0, "TEXT...",
     "show the Quantity the figure rules make of each TEXT"},
    {"ingest", CMD_INGEST, cmd_ingest, 1, 0, "FILE... [--db PATH] [-j N]",
     "store each edition (PDF, text or kpi-json) in the SQLite\ndatabase of every edition"},
    {"history", CMD_HISTORY, cmd_history, 0, 0,
     "[--db PATH] [--municipality M] [--goal N] [--kpi TEXT]\n[--format text|json|csv]",
     "each KPI's figures by fiscal year across the editions\nstored, revised figures marked"},
    {"export", CMD_EXPORT, cmd_export, 0, 0, "[--db PATH] [--format csv|jsonl] [--bom]",
     "one line per stored figure, with what a spreadsheet needs"},
    {"report", CMD_REPORT, cmd_report, 0, 0, "EDITION... -o report.html\n--db PATH [--municipality M] -o report.html",
     "a page people look at (HTML, inline SVG): each KPI's path\nfrom baseline toward target, "
     "per goal; several editions\nof one plan drawn together, revised figures marked"},
};

static const char exit_status_text[] =
    "Exit status: 0 output written (check: no error); 1 validation errors (check,\n"
    "or warnings with --strict; diff: a change with --exit-code or a revision with\n"
    "--fail-on-revision; figure: a malformed figure); 2 input, rules, output path\n"
    "or usage unusable.\n";

/* Prints LINES (separated by '\n'), each after PREFIX on the first and INDENT
 * spaces on the rest. */
static void print_lines(const char *prefix, int indent, const char *lines)
{
    const char *line = lines;
    bool first = true;
    while (*line) {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        if (first)
            printf("%s%.*s\n", prefix, len, line);
        else
            printf("%*s%.*s\n", indent, "", len, line);
        first = false;
        line = end ? end + 1 : line + len;
    }
}

static void print_usage(void)
{
    printf("Usage: kpipe COMMAND [OPTION]... [ARG]...\n"
           "Turn the KPI tables of Japanese municipal strategy documents into canonical data.\n"
           "\nCommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(command_table); i++) {
        char head[32];
        snprintf(head, sizeof head, "  %-9s", command_table[i].name);
        print_lines(head, 11, command_table[i].summary);
    }
    printf("\n'kpipe COMMAND --help' shows a command's options. A FILE of - is standard\n"
           "input; -- ends the options.\n\n%s", exit_status_text);
}

static void print_command_help(const cli_command *c)
{
    const char *form = c->usage;
    bool first = true;
    while (*form) {
        const char *end = strchr(form, '\n');
        int len = end ? (int)(end - form) : (int)strlen(form);
        printf("%s kpipe %s %.*s\n", first ? "Usage:" : "   or:", c->name, len, form);
        first = false;
        form = end ? end + 1 : form + len;
    }
    print_lines("", 0, c->summary);
    printf("\nOptions:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(option_table); i++) {
        const cli_option *opt = &option_table[i];
        if (!(opt->commands & c->bit))
            continue;
        char head[64];
        if (opt->key < 256)
            snprintf(head, sizeof head, "  -%c, --%s%s%s", opt->key, opt->name, opt->arg ? " " : "",
                     opt->arg ? opt->arg : "");
        else
            snprintf(head, sizeof head, "      --%s%s%s", opt->name, opt->arg ? " " : "",
                     opt->arg ? opt->arg : "");
        char first_line[96];
        snprintf(first_line, sizeof first_line, "%-24s", head);
        if (strlen(head) >= 24) { /* too long to share a line with its help */
            printf("%s\n", head);
            snprintf(first_line, sizeof first_line, "%24s", "");
        }
        print_lines(first_line, 24, opt->help);
    }
    printf("\n%s", exit_status_text);
}

static const cli_option *option_by_key(int key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(option_table); i++)
        if (option_table[i].key == key)
            return &option_table[i];
    return NULL;
}

/* Does ARG (an argument after the command) take the next one as its value? */
static bool takes_next(const char *arg)
{
    if (arg[1] == '-') { /* --name, or --name=value */
        if (strchr(arg, '='))
            return false;
        for (size_t i = 0; i < G_N_ELEMENTS(option_table); i++)
            if (strcmp(arg + 2, option_table[i].name) == 0)
                return option_table[i].arg != NULL;
        return false;
    }
    for (const char *c = arg + 1; *c; c++) { /* -hV, -j2, -o FILE */
        const cli_option *opt = option_by_key((unsigned char)*c);
        if (opt && opt->arg)
            return c[1] == '\0';
    }
    return false;
}

/* Is ARG an option at all? "-" is standard input, and a figure such as -5人
 * or -0.3% is text: no option begins with a digit. */
static bool is_option(const char *arg)
{
    if (arg[0] != '-' || arg[1] == '\0')
        return false;
    if (arg[1] == '-')
        return true;
    return g_ascii_isalpha(arg[1]);
}

/* ARGV with its options first, then "--", then its operands, so that
 * getopt never takes an operand (-5人, a file named -) for an option. */
static char **options_first(int argc, char **argv, int *out_argc, const char **no_value)
{
    *no_value = NULL;
    char **opts = g_new0(char *, (size_t)argc + 2);
    char **operands = g_new0(char *, (size_t)argc + 1);
    int n_opts = 0, n_operands = 0;
    opts[n_opts++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (++i < argc)
                operands[n_operands++] = argv[i];
            break;
        }
        if (!is_option(argv[i])) {
            operands[n_operands++] = argv[i];
            continue;
        }
        opts[n_opts++] = argv[i];
        if (takes_next(argv[i]) && i + 1 < argc)
            opts[n_opts++] = argv[++i];
        else if (takes_next(argv[i]))
            *no_value = argv[i]; /* getopt would take the "--" added below */
    }
    opts[n_opts++] = "--";
    for (int i = 0; i < n_operands; i++)
        opts[n_opts++] = operands[i];
    g_free(operands);
    *out_argc = n_opts;
    return opts;
}

/* Seconds one PDF may take unless --time-limit says otherwise: a budget
 * against hostile files in unattended runs, far above what a real plan
 * needs (a few hundredths of a second a page). */
#define DEFAULT_TIME_LIMIT 120.0

/* A password of at most KP_MAX_PASSWORD_BYTES into O; else a usage error. */
static int take_password(read_options *o, char *password, const char *where)
{
    if (strlen(password) > KP_MAX_PASSWORD_BYTES) {
        char n[96];
        snprintf(n, sizeof n, "%s: at most 127 bytes (PDF passwords end there), not %zu", where,
                 strlen(password));
        g_free(password);
        return usage_error("%s", n);
    }
    g_free(o->password);
    o->password = password;
    o->pdf.password = password;
    return -1;
}

static int finish(kp_error *err);

/* The password in FILE: its first line. */
static int read_password_file(read_options *o, const char *file)
{
    kp_error err = KP_ERROR_INIT;
    if (!file_is_readable(file, 4096, &err))
        return finish(&err);
    char *data = NULL;
    GError *gerr = NULL;
    if (!g_file_get_contents(file, &data, NULL, &gerr)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", file, gerr->message);
        g_error_free(gerr);
        return KP_EXIT_UNUSABLE;
    }
    data[strcspn(data, "\r\n")] = '\0';
    return take_password(o, data, "--password-file");
}

/* One option KEY (value VALUE) into O; -1 to go on, else an exit code. */
static int option_take(const cli_command *c, int key, const char *value, read_options *o)
{
    char *end;
    switch (key) {
    case 'o': o->out = strcmp(value, "-") == 0 ? NULL : value; break;
    case 'd': o->out_dir = value; break;
    case OPT_PRETTY: o->pretty = true; break;
    case OPT_FORMAT: o->format = value; break;
    case OPT_STRICT: o->strict = true; break;
    case OPT_IGNORE: o->ignore = value; break;
    case OPT_BASELINE: o->baseline = value; break;
    case OPT_BOM: o->bom = true; break;
    case OPT_KEEP_FORMULAS: o->keep_formulas = true; break;
    case OPT_FAIL_ON_REVISION: o->fail_on_revision = true; break;
    case OPT_EXIT_CODE: o->exit_code = true; break;
    case OPT_RULES: o->rules_dir = value; break;
    case OPT_DB: o->db = value; break;
    case OPT_MUNICIPALITY: o->municipality = value; break;
    case OPT_KPI: o->kpi = value; break;
    case OPT_GOAL: {
        long v = strtol(value, &end, 10);
        if (*end || v <= 0 || v > KP_MAX_NUMBER)
            return usage_error("--goal takes a goal number, not '%s'", value);
        o->goal = (int)v;
        break;
    }
    case OPT_LANG:
        if (strcmp(value, "ja") && strcmp(value, "en"))
            return usage_error("--lang is ja or en, not '%s'", value);
        o->lang = value;
        messages_language(value);
        break;
    case OPT_COLOR:
        if (strcmp(value, "auto") && strcmp(value, "always") && strcmp(value, "never"))
            return usage_error("--color is auto, always or never, not '%s'", value);
        o->color = value;
        break;
    case OPT_OCR:
        if (!strcmp(value, "auto"))
            o->pdf.ocr = KP_OCR_AUTO;
        else if (!strcmp(value, "always"))
            o->pdf.ocr = KP_OCR_ALWAYS;
        else if (!strcmp(value, "never"))
            o->pdf.ocr = KP_OCR_NEVER;
        else
            return usage_error("--ocr is auto, always or never, not '%s'", value);
        break;
    case OPT_TIME_LIMIT: {
        double v = g_ascii_strtod(value, &end);
        if (*end || !(v >= 0) || v > 1e6)
            return usage_error("--time-limit takes seconds (0: none), not '%s'", value);
        o->pdf.time_limit = v;
        break;
    }
    case 'j': {
        long v = strtol(value, &end, 10);
        if (*end || v <= 0 || v > 256)
            return usage_error("-j takes a number of processes (1 to 256), not '%s'", value);
        o->jobs = (int)v;
        break;
    }
    case OPT_MAX_PAGES: {
        long v = strtol(value, &end, 10);
        if (*end || v <= 0 || v > 1000000)
            return usage_error("--max-pages takes a whole number of pages, not '%s'", value);
        o->pdf.max_pages = (int)v;
        break;
    }
    case OPT_PASSWORD: return take_password(o, g_strdup(value), "--password");
    case OPT_PASSWORD_FILE: return read_password_file(o, value);
    case 'h': print_command_help(c); return KP_EXIT_OK;
    case 'V': printf("kpipe %s\n", KPIPE_VERSION); return KP_EXIT_OK;
    }
    return -1;
}

/* Options that only mean something together. */
static int options_agree(const cli_command *c, const read_options *o)
{
    bool csv = o->format && strcmp(o->format, "csv") == 0;
    if ((o->bom || o->keep_formulas) && !csv && c->bit == CMD_EXTRACT)
        return usage_error("%s", o->bom ? "--bom goes with --format csv"
                                        : "--keep-formulas goes with --format csv");
    if (o->pretty && csv)
        return usage_error("%s", "--pretty indents JSON; it does not go with --format csv");
    if (o->pretty && c->bit == CMD_DIFF && !(o->format && strcmp(o->format, "json") == 0))
        return usage_error("%s", "--pretty indents JSON; give diff --format json");
    if (o->out && o->out_dir)
        return usage_error("%s", "-o names one output and -d a folder of them: give one");
    if (c->bit == CMD_EXTRACT && o->n_inputs > 1 && !o->out_dir)
        return usage_error("%s", o->out ? "-o names one output: with several inputs, use -d DIR"
                                        : "several inputs: give -d DIR for one output each");
    return -1;
}

/* Parses the options of command C (ARGV[0] is its name) into O; -1 to go on,
 * else the exit code to end with. */
static int options_parse(const cli_command *c, int argc, char **argv, read_options *o)
{
    memset(o, 0, sizeof *o);
    o->pdf.time_limit = DEFAULT_TIME_LIMIT;
    struct option longs[G_N_ELEMENTS(option_table) + 1];
    GString *shorts = g_string_new("+:"); /* in order; report a missing value */
    for (size_t i = 0; i < G_N_ELEMENTS(option_table); i++) {
        const cli_option *opt = &option_table[i];
        longs[i] = (struct option){opt->name, opt->arg ? required_argument : no_argument, NULL,
                                   opt->key};
        if (opt->key < 256) {
            g_string_append_c(shorts, (char)opt->key);
            if (opt->arg)
                g_string_append_c(shorts, ':');
        }
    }
    longs[G_N_ELEMENTS(option_table)] = (struct option){NULL, 0, NULL, 0};
    int n;
    const char *no_value;
    char **args = options_first(argc, argv, &n, &no_value);
    int rc = no_value ? usage_error("option '%s' needs a value", no_value) : -1, key;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (key = getopt_long(n, args, shorts->str, longs, NULL)) != -1) {
        const cli_option *opt = option_by_key(key);
        if (key == ':') {
            rc = usage_error("option '%s' needs a value", args[optind - 1]);
        } else if (!opt) {
            rc = usage_error("unknown option '%s'", args[optind - 1]);
        } else if (!(opt->commands & c->bit)) {
            char what[160];
            snprintf(what, sizeof what, "--%s does not apply to 'kpipe %s' (see kpipe %s --help)",
                     opt->name, c->name, c->name);
            fprintf(stderr, "kpipe: error: %s\n", what);
            rc = KP_EXIT_UNUSABLE;
        } else {
            rc = option_take(c, key, optarg, o);
        }
    }
    o->inputs = args + optind;
    o->n_inputs = n - optind;
    g_string_free(shorts, TRUE);
    if (rc < 0 && !(c->bit & (CMD_HISTORY | CMD_EXPORT)) && !(c->bit == CMD_REPORT && o->db) &&
        (o->n_inputs < c->min_inputs || (c->max_inputs && o->n_inputs > c->max_inputs)))
        rc = usage_error(c->max_inputs == 2   ? "'%s' takes two inputs, OLD and NEW"
                         : c->bit == CMD_FIGURE ? "'%s' takes at least one TEXT"
                         : c->max_inputs == 1 ? "'%s' takes one input FILE"
                                              : "'%s' takes one or more input FILEs",
                         c->name);
    if (rc < 0 && ((c->bit & (CMD_HISTORY | CMD_EXPORT)) || (c->bit == CMD_REPORT && o->db)) &&
        o->n_inputs)
        rc = usage_error("'%s' takes no inputs with a database: it reads the database (--db)",
                         c->name);
    if (rc < 0 && c->bit == CMD_REPORT && !o->db && !o->n_inputs)
        rc = usage_error("'%s' takes one or more editions, or --db PATH", c->name);
    if (rc < 0)
        rc = options_agree(c, o);
    if (rc < 0 && (c->bit & CMD_DATABASE) && !o->db)
        o->db = "kpi.sqlite";
    if (rc < 0 && !o->password) {
        const char *env = g_getenv("KPIPE_PASSWORD");
        if (env && *env)
            rc = take_password(o, g_strdup(env), "$KPIPE_PASSWORD");
    }
    if (!o->jobs)
        o->jobs = (int)g_get_num_processors();
    o->pdf.readers = o->jobs;
    o->inputs = g_memdup2(o->inputs, sizeof(char *) * (size_t)(o->n_inputs + 1));
    g_free(args);
    return rc;
}

static void options_clear(read_options *o)
{
    g_free(o->password);
    g_free(o->inputs);
}

static int finish(kp_error *err)
{
    int status = KP_EXIT_OK;
    if (err->kind) {
        report(err);
        status = exit_code_of(err->kind);
    }
    kp_error_clear(err);
    return status;
}

static bool append_to_output(void *out, const char *data, size_t len)
{
    return output_append(out, data, len);
}

/* DOC, read from FILE, written to PATH as OPTIONS ask: kpi-json as it is
 * made (never whole in memory), or CSV. False with ERR set. */
static bool write_document(const kp_document *doc, const read_options *o, bool csv,
                           const char *file, const char *path, kp_error *err)
{
    if (csv) {
        char *text = document_to_csv(doc, (o->bom ? KP_CSV_BOM : 0) |
                                              (o->keep_formulas ? KP_CSV_KEEP_FORMULAS : 0));
        bool ok = output_write(path, text, strlen(text), err);
        g_free(text);
        return ok;
    }
    kp_output *out = output_open(path, err);
    if (!out)
        return false;
    bool made = document_json_write(doc, o->pretty, append_to_output, out);
    bool ok = output_close(out, made, err);
    if (ok && !made) {
        kp_error_set(err, KP_ERR_OUTPUT, file, 0, 0, 0, "a figure is not a finite number");
        ok = false;
    }
    return ok;
}

/* FILE read to be written as O asks: for kpi-json, with its rows waiting
 * in a temporary file (memory does not grow with the pages); for CSV or the
 * database, which walk the rows themselves, held whole. */
static kp_document *load_to_write(const char *file, const read_options *o, const kp_rules *rules,
                                  bool csv, kp_error *err)
{
    return o->db || csv ? kp_document_load(file, &o->pdf, rules, NULL, err)
                        : kp_document_load_spooled(file, &o->pdf, rules, err);
}

/* One input of a batch, read in a child process of its own. */
typedef struct {
    const char *file;
    char *out;            /* output path */
    pid_t pid;
    int pipe;             /* the child's error line comes through it */
    GString *error;       /* what it said, if anything */
    bool failed;
    bool already;         /* ingest: the same bytes were stored before */
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
typedef struct {
    guint errors;
    char *first_code, *first_message;
} error_count;

static void count_error(const kp_diagnostic *d, void *ctx)
{
    error_count *c = ctx;
    if (d->severity == KP_SEV_ERROR && !c->errors++) {
        c->first_code = g_strdup(d->code);
        c->first_message = g_strdup(d->message);
    }
}

static void summarise_errors(const char *file, const kp_document *doc)
{
    error_count c = {0, NULL, NULL};
    document_diagnostics_each(doc, count_error, &c); /* (written: it was read before) */
    if (!c.errors)
        return;
    char *count = g_strdup_printf(ngettext("%u error", "%u errors", c.errors), c.errors);
    char *line = g_strdup_printf(_("%s: warning: written, but it holds %s (first, %s: %s); "
                                   "`kpipe check %s` lists them\n"),
                                 file, count, c.first_code, c.first_message, file);
    g_free(c.first_code);
    g_free(c.first_message);
    g_free(count);
    (void)fd_write_all(STDERR_FILENO, line, strlen(line)); /* one write: lines stay whole */
    g_free(line);
}

/* The child's work: read, render, write; an error line goes to FD. */
/* A batch child's exit status when ingest found the same bytes stored. */
#define BATCH_ALREADY 3

/* Stores DOC in the database O names; BATCH_ALREADY when it was there. */
static int ingest_document(const kp_document *doc, const char *file, const read_options *o,
                           kp_error *err)
{
    kp_store *store = store_open(o->db, err);
    bool already = false;
    if (store && store_ingest(store, doc, file, &already, err) && already) {
        char *line = g_strdup_printf(_("%s: already in %s (the same bytes); nothing written\n"),
                                     file, o->db);
        (void)fd_write_all(STDERR_FILENO, line, strlen(line));
        g_free(line);
    }
    store_close(store);
    return already ? BATCH_ALREADY : KP_EXIT_OK;
}

static int batch_child(batch_item *it, const read_options *o, const kp_rules *rules, bool csv,
                       int fd)
{
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = load_to_write(it->file, o, rules, csv, &err);
    int done = KP_EXIT_OK;
    if (doc && o->db) {
        done = ingest_document(doc, it->file, o, &err);
    } else if (doc) {
        if (write_document(doc, o, csv, it->file, it->out, &err))
            summarise_errors(it->file, doc);
    }
    document_free(doc);
    int status = done;
    if (err.kind) {
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
            items[i].already = WIFEXITED(status) && WEXITSTATUS(status) == BATCH_ALREADY;
            items[i].failed = !items[i].already && (!WIFEXITED(status) || WEXITSTATUS(status) != 0);
        }
    }
}

/* Where input FILE's output goes under DIR: its path, as given, relative to
 * the current folder (2022/x.pdf → DIR/2022/x.json), so that editions kept
 * in folders of their own do not meet; a path outside the current folder
 * keeps its whole path under DIR. Newly allocated. */
static char *batch_output_path(const char *dir, const char *file, bool csv)
{
    char *cwd = g_get_current_dir();
    char *abs = g_canonicalize_filename(file, cwd);
    size_t n = strlen(cwd);
    const char *rel = strncmp(abs, cwd, n) == 0 && abs[n] == '/' ? abs + n + 1 : abs + 1;
    char *stem = g_strdup(rel);
    char *base = strrchr(stem, '/');
    char *dot = strrchr(base ? base + 1 : stem, '.');
    if (dot && dot != (base ? base + 1 : stem))
        *dot = '\0';
    char *name = g_strconcat(stem, csv ? ".csv" : ".json", NULL);
    char *out = g_build_filename(dir, name, NULL);
    g_free(name);
    g_free(stem);
    g_free(abs);
    g_free(cwd);
    return out;
}

/* Many inputs: one output each in DIR, named after the input; a bad input is
 * reported and skipped. Up to -j files are read at a time, each in a child
 * process: poppler keeps process-wide state that is not safe to share between
 * threads reading different documents, and a file that crashes poppler then
 * takes only its own child down. */
static int extract_batch(char **files, int n, const read_options *o, const kp_rules *rules,
                         bool csv)
{
    const char *dir = o->out_dir;
    if (dir && g_mkdir_with_parents(dir, 0755) != 0) {
        fprintf(stderr, "%s: error: cannot make the output folder: %s\n", dir, g_strerror(errno));
        return KP_EXIT_UNUSABLE;
    }
    batch_item *items = g_new0(batch_item, n);
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    int status = KP_EXIT_OK;
    for (int i = 0; i < n; i++) {
        items[i].file = files[i];
        items[i].error = g_string_new(NULL);
        items[i].out = dir ? batch_output_path(dir, files[i], csv) : g_strdup(files[i]);
        if (strcmp(files[i], "-") == 0) {
            fprintf(stderr, "kpipe: error: standard input (-) is one input: it cannot be part "
                            "of a batch\n");
            status = KP_EXIT_UNUSABLE;
        } else if (g_hash_table_contains(names, items[i].out)) {
            fprintf(stderr, "kpipe: error: two inputs would both be written to %s; rename one\n",
                    items[i].out);
            status = KP_EXIT_UNUSABLE;
        }
        g_hash_table_add(names, items[i].out);
        char *folder = g_path_get_dirname(items[i].out);
        if (status == KP_EXIT_OK && dir && g_mkdir_with_parents(folder, 0755) != 0) {
            fprintf(stderr, "%s: error: cannot make the output folder: %s\n", folder,
                    g_strerror(errno));
            status = KP_EXIT_UNUSABLE;
        }
        g_free(folder);
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
        int failed = 0, already = 0;
        for (int i = 0; i < n; i++) /* in input order, whatever order they ended in */
            if (items[i].already) {
                already++;
            } else if (items[i].failed) {
                if (items[i].error->len)
                    fprintf(stderr, "%s\n", items[i].error->str);
                else
                    fprintf(stderr, "%s: error: not read\n", items[i].file);
                status = KP_EXIT_UNUSABLE;
                failed++;
            }
        if (dir)
            fprintf(stderr, _("kpipe: wrote %d of %d outputs under %s/%s\n"), n - failed, n, dir,
                    failed ? _(" (the failed inputs are named above)") : "");
        else
            fprintf(stderr, _("kpipe: stored %d of %d documents in %s (%d already there)%s\n"),
                    n - failed - already, n, o->db, already,
                    failed ? _(" (the failed inputs are named above)") : "");
    }
    for (int i = 0; i < n; i++) {
        g_free(items[i].out);
        g_string_free(items[i].error, TRUE);
    }
    g_free(items);
    return status;
}

static int cmd_extract(read_options *o)
{
    if (!o->lang) /* kpi-json's messages, like its bytes, the same everywhere */
        messages_language("en");
    bool csv = false;
    if (o->format && strcmp(o->format, "csv") == 0)
        csv = true;
    else if (o->format && strcmp(o->format, "json") != 0)
        return usage_error("--format is json or csv, not '%s'", o->format);
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o->rules_dir, &err);
    if (!rules)
        return finish(&err);
    if (o->out_dir) {
        int status = extract_batch(o->inputs, o->n_inputs, o, rules, csv);
        rules_free(rules);
        return status;
    }
    const char *file = o->inputs[0];
    kp_document *doc = load_to_write(file, o, rules, csv, &err);
    if (doc) {
        if (write_document(doc, o, csv, file, o->out, &err)) /* sets err on failure */
            summarise_errors(file, doc);
    }
    document_free(doc);
    rules_free(rules);
    return finish(&err);
}

/* kpipe diff: what changed between two editions. */
static int cmd_diff(read_options *o)
{
    bool json = false;
    if (o->format && strcmp(o->format, "json") == 0)
        json = true;
    else if (o->format && strcmp(o->format, "text") != 0)
        return usage_error("--format is text or json, not '%s'", o->format);
    if (strcmp(o->inputs[0], "-") == 0 && strcmp(o->inputs[1], "-") == 0)
        return usage_error("%s", "standard input (-) can be only one of OLD and NEW");
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o->rules_dir, &err);
    kp_document *old = rules ? kp_document_load_isolated(o->inputs[0], &o->pdf, rules, &err) : NULL;
    kp_document *new_ = old ? kp_document_load_isolated(o->inputs[1], &o->pdf, rules, &err) : NULL;
    int status = KP_EXIT_OK;
    if (new_) {
        kp_diff *d = diff_documents(old, new_);
        char *text;
        if (json) {
            json_t *v = diff_to_json(d);
            text = json_write(v, o->pretty);
            json_decref(v);
        } else {
            text = diff_to_text(d);
        }
        if (output_write(o->out, text, strlen(text), &err) &&
            ((o->fail_on_revision && diff_count(d, KP_CHANGE_REVISED) > 0) ||
             (o->exit_code && d->changes->len > 0)))
            status = KP_EXIT_INVALID;
        g_free(text);
        diff_free(d);
    }
    document_free(old);
    document_free(new_);
    rules_free(rules);
    return err.kind ? finish(&err) : status;
}

/* kpipe text: the tables as kpipe reads them, in the seed's tab-separated
 * layout, so that a person can see what was read. */
static int cmd_text(read_options *o)
{
    const char *file = o->inputs[0];
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o->rules_dir, &err);
    kp_source source = {0};
    kp_grid *grid = rules ? kp_grid_load(file, &o->pdf, &source, &err) : NULL;
    GArray *notes = g_array_new(FALSE, FALSE, sizeof(kp_table_note));
    /* parsed too, to show each table's column roles above it (and to say
     * so, as extract does, when there is no KPI table to show) */
    kp_document *doc = grid ? parse_document_traced(grid, rules, &source, file, notes, &err) : NULL;
    if (doc) {
        const char **before = g_new0(const char *, grid->lines->len + 1);
        for (guint i = 0; i < notes->len; i++) {
            const kp_table_note *n = &g_array_index(notes, kp_table_note, i);
            if (n->line < grid->lines->len)
                before[n->line] = n->text;
        }
        char *text = grid_to_text(grid, before);
        output_write(o->out, text, strlen(text), &err);
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
static int cmd_check(read_options *o)
{
    kp_report_format format = KP_REPORT_TEXT;
    if (o->format && !report_format_parse(o->format, &format))
        return usage_error("--format is text, json, github or sarif, not '%s'", o->format);
    kp_error err = KP_ERROR_INIT;
    if (o->ignore && !codes_known(o->ignore, &err))
        return finish(&err);
    kp_baseline *baseline = o->baseline ? baseline_load(o->baseline, &err) : NULL;
    if (o->baseline && !baseline)
        return finish(&err);
    kp_rules *rules = load_rules(o->rules_dir, &err);
    if (!rules) {
        baseline_free(baseline);
        return finish(&err);
    }
    int n = o->n_inputs;
    kp_checked *inputs = g_new0(kp_checked, n);
    kp_error *errors = g_new0(kp_error, n);
    bool unusable = false, failed = false;
    for (int i = 0; i < n; i++) {
        inputs[i].file = o->inputs[i];
        inputs[i].error = &errors[i];
        kp_document *doc = kp_document_load_isolated(inputs[i].file, &o->pdf, rules, &errors[i]);
        inputs[i].doc = doc;
        if (!doc) {
            unusable = true;
            continue;
        }
        if (o->ignore)
            diagnostics_drop(doc, o->ignore);
        if (baseline)
            baseline_apply(baseline, doc, inputs[i].file);
        int counts[3];
        report_count(doc, counts);
        failed |= counts[KP_SEV_ERROR] > 0 || (o->strict && counts[KP_SEV_WARNING] > 0);
    }
    const char *no_color = g_getenv("NO_COLOR");
    bool color = format == KP_REPORT_TEXT &&
                 (o->color && strcmp(o->color, "always") == 0
                      ? true
                  : o->color && strcmp(o->color, "never") == 0
                      ? false
                      : !o->out && isatty(STDOUT_FILENO) && !(no_color && *no_color));
    char *report = report_render(inputs, (size_t)n, format, color, KPIPE_VERSION);
    int status = unusable ? KP_EXIT_UNUSABLE : failed ? KP_EXIT_INVALID : KP_EXIT_OK;
    if (!output_write(o->out, report, strlen(report), &err))
        status = finish(&err);
    g_free(report);
    for (int i = 0; i < n; i++) {
        document_free((kp_document *)inputs[i].doc);
        kp_error_clear(&errors[i]);
    }
    g_free(inputs);
    g_free(errors);
    rules_free(rules);
    baseline_free(baseline);
    return status;
}

static int cmd_figure(read_options *o)
{
    kp_error err = KP_ERROR_INIT;
    kp_rules *rules = load_rules(o->rules_dir, &err);
    if (!rules) {
        report(&err);
        kp_error_clear(&err);
        return KP_EXIT_UNUSABLE;
    }
    int status = KP_EXIT_OK;
    for (int i = 0; i < o->n_inputs; i++) {
        const char *arg = o->inputs[i];
        if (!g_utf8_validate(arg, -1, NULL)) {
            fprintf(stderr, "kpipe: error: argument %d is not valid UTF-8\n", i + 1);
            status = KP_EXIT_UNUSABLE;
            continue;
        }
        kp_figure_check check;
        kp_quantity *q = quantity_parse(rules, arg, &check);
        json_t *json = quantity_to_json(q, false);
        char *text = json_write(json, false);
        printf("%s\n", text);
        g_free(text);
        json_decref(json);
        fflush(stdout); /* each figure's line before what is said of it */
        if (check.status == KP_FIGURE_MALFORMED) {
            fprintf(stderr, "figure「%s」: error: %s [malformed-figure]\n", arg, check.reason);
            if (status == KP_EXIT_OK)
                status = KP_EXIT_INVALID;
        } else if (check.status == KP_FIGURE_UNKNOWN_UNIT) {
            fprintf(stderr, "figure「%s」: warning: %s [unknown-unit]\n", arg, check.reason);
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

/* kpipe ingest: each edition into the database, -j files at a time, each
 * read and stored by a process of its own (one transaction a document). */
static int cmd_ingest(read_options *o)
{
    kp_error err = KP_ERROR_INIT;
    kp_store *store = store_open(o->db, &err); /* made or brought up to date once, here */
    if (!store)
        return finish(&err);
    store_close(store);
    kp_rules *rules = load_rules(o->rules_dir, &err);
    if (!rules)
        return finish(&err);
    int status = extract_batch(o->inputs, o->n_inputs, o, rules, false);
    rules_free(rules);
    return status;
}

static bool table_format(const char *name, bool history, kp_table_format *format)
{
    if (!name)
        *format = history ? KP_TABLE_TEXT : KP_TABLE_CSV;
    else if (history && strcmp(name, "text") == 0)
        *format = KP_TABLE_TEXT;
    else if (history && strcmp(name, "json") == 0)
        *format = KP_TABLE_JSON;
    else if (strcmp(name, "csv") == 0)
        *format = KP_TABLE_CSV;
    else if (!history && strcmp(name, "jsonl") == 0)
        *format = KP_TABLE_JSONL;
    else
        return false;
    return true;
}

/* The database at O's --db, which must exist: reading never makes one. */
static kp_store *store_existing(const read_options *o, kp_error *err)
{
    if (!g_file_test(o->db, G_FILE_TEST_IS_REGULAR)) {
        kp_error_set(err, KP_ERR_READ, o->db, 0, 0, 0,
                     "no such database: store editions in it with kpipe ingest");
        return NULL;
    }
    return store_open(o->db, err);
}

static int cmd_history(read_options *o)
{
    kp_table_format format;
    if (!table_format(o->format, true, &format))
        return usage_error("--format is text, json or csv, not '%s'", o->format);
    kp_error err = KP_ERROR_INIT;
    kp_store *store = store_existing(o, &err);
    kp_history_query q = {o->municipality, o->goal, o->kpi};
    char *text = store ? store_history(store, &q, format, &err) : NULL;
    if (text)
        output_write(o->out, text, strlen(text), &err);
    g_free(text);
    store_close(store);
    return finish(&err);
}

static int cmd_export(read_options *o)
{
    kp_table_format format;
    if (!table_format(o->format, false, &format))
        return usage_error("--format is csv or jsonl, not '%s'", o->format);
    if (o->bom && format != KP_TABLE_CSV)
        return usage_error("%s", "--bom goes with --format csv");
    kp_error err = KP_ERROR_INIT;
    kp_store *store = store_existing(o, &err);
    char *text = store ? store_export(store, format, o->bom, &err) : NULL;
    if (text)
        output_write(o->out, text, strlen(text), &err);
    g_free(text);
    store_close(store);
    return finish(&err);
}

static int by_edition(const void *a, const void *b)
{
    const kp_document *x = *(kp_document *const *)a, *y = *(kp_document *const *)b;
    return (document_edition(x) > document_edition(y)) - (document_edition(x) < document_edition(y));
}

/* kpipe report: the editions given, oldest first by their latest actuals,
 * as one HTML page. */
static int cmd_report(read_options *o)
{
    if (!o->lang) /* the page is Japanese (lang="ja"): so are its findings */
        messages_language("ja");
    kp_error err = KP_ERROR_INIT;
    if (o->db) { /* every stored edition of one plan */
        kp_store *store = store_existing(o, &err);
        size_t n = 0;
        kp_document **docs = store ? store_documents(store, o->municipality, &n, &err) : NULL;
        store_close(store);
        if (docs) {
            char *html = documents_to_html((const kp_document *const *)docs, n);
            output_write(o->out, html, strlen(html), &err);
            g_free(html);
        }
        for (size_t i = 0; docs && i < n; i++)
            document_free(docs[i]);
        g_free(docs);
        return finish(&err);
    }
    kp_rules *rules = load_rules(o->rules_dir, &err);
    if (!rules)
        return finish(&err);
    kp_document **docs = g_new0(kp_document *, o->n_inputs);
    int n = 0;
    for (int i = 0; i < o->n_inputs && !err.kind; i++)
        if ((docs[n] = kp_document_load(o->inputs[i], &o->pdf, rules, NULL, &err)))
            n++;
    if (!err.kind) {
        qsort(docs, (size_t)n, sizeof *docs, by_edition); /* stable enough: ties are rare */
        char *html = documents_to_html((const kp_document *const *)docs, (size_t)n);
        output_write(o->out, html, strlen(html), &err);
        g_free(html);
    }
    for (int i = 0; i < n; i++)
        document_free(docs[i]);
    g_free(docs);
    rules_free(rules);
    return finish(&err);
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
    messages_language(NULL);
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_usage();
        return KP_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("kpipe %s\n", KPIPE_VERSION);
        return KP_EXIT_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(command_table); i++) {
        const cli_command *c = &command_table[i];
        if (strcmp(name, c->name) != 0)
            continue;
        read_options o;
        int rc = options_parse(c, argc - 1, argv + 1, &o);
        if (rc < 0)
            rc = c->run(&o);
        options_clear(&o);
        return rc;
    }
    return usage_error("unknown command '%s'", name);
}
