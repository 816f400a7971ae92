/* kpipe — the front door (see include/kpipe/kpipe.h): input → grid → parse →
 * validate, in that order and nowhere else. */
#include "kpipe/kpipe.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpipe/child.h"
#include "kpipe/json.h"
#include "kpipe/output.h"
#include "kpipe/spool.h"
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

static void parse_sink_line(void *ps, kp_grid_line *line, bool ocr)
{
    parse_line(ps, line, ocr);
    grid_line_free(line);
}

static void parse_sink_restart(void *ps)
{
    parse_restart(ps);
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

static kp_document *document_load(const char *file, const kp_pdf_options *pdf,
                                  const kp_rules *rules, GArray *notes, bool spooled,
                                  kp_error *err)
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
    kp_document *doc = NULL;
    if (pdf_sniff(data, len)) {
        /* each page parsed as it is laid out: the pages are never all held */
        kp_parse *ps = parse_begin(rules, notes, spooled);
        kp_line_sink sink = {parse_sink_line, parse_sink_restart, ps};
        bool read = pdf_read(file, data, len, pdf, &source, &sink, err);
        g_free(data);
        if (read)
            doc = parse_end(ps, &source, file, err);
        else
            parse_abort(ps);
    } else {
        kp_grid *grid = text_read(file, data, len, &source, err);
        g_free(data);
        doc = grid ? parse_document_traced(grid, rules, &source, file, notes, err) : NULL;
        grid_free(grid);
    }
    g_free(source.name);
    if (doc)
        validate_document(doc);
    if (doc && document_spool_failed(doc)) {
        kp_error_set(err, KP_ERR_OUTPUT, file, 0, 0, 0,
                     "its rows could not be kept in a temporary file under %s (full, or not "
                     "writable?)",
                     g_get_tmp_dir());
        document_free(doc);
        doc = NULL;
    }
    return doc;
}

kp_document *kp_document_load(const char *file, const kp_pdf_options *pdf, const kp_rules *rules,
                              GArray *notes, kp_error *err)
{
    return document_load(file, pdf, rules, notes, false, err);
}

kp_document *kp_document_load_spooled(const char *file, const kp_pdf_options *pdf,
                                      const kp_rules *rules, kp_error *err)
{
    return document_load(file, pdf, rules, NULL, true, err);
}

/* ---- one input in a process of its own ------------------------------------
 * A PDF that crashes poppler while it opens (outside the page readers) would
 * end the whole command: `check` and `diff` read each input in a child, which
 * sends the checked document back as kpi-json ('D') or its error ('E': exit
 * code, page, line, column and message on lines of their own). */

static void child_send(int fd, const char *file, const kp_pdf_options *pdf,
                       const kp_rules *rules)
{
    kp_error err = KP_ERROR_INIT;
    kp_document *doc = kp_document_load(file, pdf, rules, NULL, &err);
    char *out;
    if (doc) {
        char *text = document_json_text(doc, false);
        out = g_strconcat("D", text, NULL);
        g_free(text);
        document_free(doc);
    } else {
        out = g_strdup_printf("E%d\n%d\n%d\n%d\n%s", err.kind, err.page, err.line,
                              err.column, err.message ? err.message : "");
    }
    (void)fd_write_all(fd, out, strlen(out));
    g_free(out);
    kp_error_clear(&err);
}

static GString *read_all_fd(int fd)
{
    GString *s = g_string_new(NULL);
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        g_string_append_len(s, buf, (gssize)n);
    }
    return s;
}

static kp_document *from_child(const char *file, GString *got, int status, kp_error *err)
{
    if (got->len && got->str[0] == 'D')
        return document_from_json(got->str + 1, got->len - 1, file, err);
    if (got->len && got->str[0] == 'E') {
        char **f = g_strsplit(got->str + 1, "\n", 5);
        if (g_strv_length(f) == 5)
            kp_error_set(err, (kp_error_kind)atoi(f[0]), file, atoi(f[1]), atoi(f[2]), atoi(f[3]), "%s", f[4]);
        g_strfreev(f);
        if (err->kind)
            return NULL;
    }
    if (WIFSIGNALED(status))
        kp_error_set(err, KP_ERR_READER, file, 0, 0, 0,
                     "could not be read: its reading process ended on signal %d (%s)",
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        kp_error_set(err, KP_ERR_READER, file, 0, 0, 0,
                     "could not be read: its reading process ended with nothing to say");
    return NULL;
}

/* Does FILE begin as a PDF does? Only a PDF goes through poppler, and so
 * only a PDF needs a process of its own: text and kpi-json are read here,
 * without writing the document out and reading it back. */
static bool looks_like_pdf_file(const char *file)
{
    if (strcmp(file, "-") == 0 || !g_file_test(file, G_FILE_TEST_IS_REGULAR))
        return true; /* standard input cannot be looked at twice; a pipe could
                      * block: the child says what it is */
    char head[1024];
    FILE *f = fopen(file, "rb");
    if (!f)
        return true; /* the child says why it cannot be read */
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return pdf_sniff(head, n);
}

kp_document *kp_document_load_isolated(const char *file, const kp_pdf_options *pdf,
                                       const kp_rules *rules, kp_error *err)
{
    if (!looks_like_pdf_file(file))
        return kp_document_load(file, pdf, rules, NULL, err);
    int fds[2];
    if (pipe(fds) != 0)
        return kp_document_load(file, pdf, rules, NULL, err);
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return kp_document_load(file, pdf, rules, NULL, err);
    }
    if (pid == 0) {
        close(fds[0]);
        signal(SIGPIPE, SIG_IGN);
        if (!child_ends_with_parent(parent, SIGKILL))
            _exit(1);
        child_send(fds[1], file, pdf, rules);
        _exit(0); /* no atexit handlers: the parent's state is not the child's */
    }
    close(fds[1]);
    GString *got = read_all_fd(fds[0]);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    kp_document *doc = from_child(file, got, status, err);
    g_string_free(got, TRUE);
    return doc;
}
