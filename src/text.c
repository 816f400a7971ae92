/* kpipe — reading text input (see include/kpipe/text.h). */
#include "kpipe/text.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kpipe/celltext.h"
#include "kpipe/files.h"
#include "kpipe/limits.h"

#include "i18n.h"

static int line_of(const char *start, const char *at)
{
    int line = 1;
    for (const char *p = start; p < at; p++)
        line += *p == '\n';
    return line;
}

char *text_decode(const char *bytes, size_t len, const char *file, kp_error *err)
{
    if (len == 0) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0, _("empty file"));
        return NULL;
    }
    if (len >= 2 && ((unsigned char)bytes[0] == 0xFF || (unsigned char)bytes[0] == 0xFE) &&
        ((unsigned char)bytes[1] ^ (unsigned char)bytes[0]) == 0x01) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0,
                     "UTF-16 text (its byte-order mark says so): save it as UTF-8 or Shift_JIS");
        return NULL;
    }
    const char *nul = memchr(bytes, '\0', len);
    if (nul) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, line_of(bytes, nul), 0,
                     "binary data (a NUL byte), not a text table");
        return NULL;
    }
    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
        bytes += 3;
        len -= 3;
    }
    const char *bad;
    if (g_utf8_validate(bytes, (gssize)len, &bad))
        return g_strndup(bytes, len);

    /* What Japanese Windows tools save: Shift_JIS with Microsoft's extensions. */
    gsize written = 0;
    GError *gerr = NULL;
    char *utf8 = g_convert(bytes, (gssize)len, "UTF-8", "CP932", NULL, &written, &gerr);
    if (utf8 && g_utf8_validate(utf8, (gssize)written, NULL))
        return utf8;
    g_free(utf8);
    if (gerr)
        g_error_free(gerr);
    /* everything before BAD is valid UTF-8, so the column counts characters */
    const char *line_start = bad;
    while (line_start > bytes && line_start[-1] != '\n')
        line_start--;
    kp_error_set(err, KP_ERR_FORMAT, file, 0, line_of(bytes, bad),
                 (int)g_utf8_strlen(line_start, bad - line_start) + 1,
                 "neither UTF-8 nor Shift_JIS text (byte 0x%02X)", (unsigned char)*bad);
    return NULL;
}

/* TEXT with radicals read as the kanji they stand for, as the PDF path
 * reads them (text pulled out of a PDF keeps what its ToUnicode said).
 * Newly allocated. */
static char *text_from_radicals(const char *text, size_t len)
{
    GString *out = g_string_sized_new(len);
    for (const char *q = text; q < text + len; q = g_utf8_next_char(q)) {
        gunichar c = g_utf8_get_char(q);
        if (c >= 0x2E80 && c <= 0x2FDF)
            g_string_append_unichar(out, char_from_radical(c));
        else
            g_string_append_len(out, q, g_utf8_next_char(q) - q);
    }
    return g_string_free(out, FALSE);
}

kp_grid *text_to_grid(const char *utf8)
{
    /* lines ended by CR alone (old Mac tools): one CR a line */
    char *cr_lines = !strchr(utf8, '\n') && strchr(utf8, '\r') ? g_strdup(utf8) : NULL;
    for (char *q = cr_lines; q && *q; q++)
        if (*q == '\r')
            *q = '\n';
    if (cr_lines)
        utf8 = cr_lines;
    kp_grid *grid = grid_new();
    const char *p = utf8;
    int number = 1;
    bool after_blank = false;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        kp_location where = {0};
        where.line = number;
        bool blank = strspn(p, " \t\r") >= n;
        /* what `kpipe text` says it read is not part of the table; and a run
         * of blank lines separates tables as one does (10 MB of them cost
         * gigabytes as lines of their own) */
        if ((n >= strlen(GRID_NOTE_PREFIX) &&
             memcmp(p, GRID_NOTE_PREFIX, strlen(GRID_NOTE_PREFIX)) == 0) ||
            (blank && after_blank)) {
            number++;
            if (!eol)
                break;
            p = eol + 1;
            continue;
        }
        after_blank = blank;
        kp_grid_line *line = grid_add_line(grid, where);
        const char *cell = p;
        for (size_t i = 0; i <= n; i++) {
            if (i == n || p[i] == '\t') {
                g_ptr_array_add(line->cells, text_from_radicals(cell, (size_t)(p + i - cell)));
                cell = p + i + 1;
            }
        }
        number++;
        if (!eol)
            break;
        p = eol + 1;
    }
    g_free(cr_lines);
    return grid;
}

/* Standard input, whole, within KP_MAX_INPUT_BYTES. */
static char *stdin_read_all(size_t *len, kp_error *err)
{
    GString *got = g_string_new(NULL);
    char buf[65536];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            kp_error_set(err, KP_ERR_READ, "-", 0, 0, 0, "cannot read standard input: %s",
                         g_strerror(errno));
            g_string_free(got, TRUE);
            return NULL;
        }
        if (n == 0)
            break;
        if (got->len + (size_t)n > (size_t)KP_MAX_INPUT_BYTES) {
            kp_error_set(err, KP_ERR_LIMIT, "-", 0, 0, 0,
                         "more than kpipe reads (%ld MiB) on standard input",
                         KP_MAX_INPUT_BYTES >> 20);
            g_string_free(got, TRUE);
            return NULL;
        }
        g_string_append_len(got, buf, n);
    }
    *len = got->len;
    return g_string_free(got, FALSE);
}

char *file_read_all(const char *file, size_t *len, kp_error *err)
{
    char *data = NULL;
    gsize n = 0;
    GError *gerr = NULL;
    if (strcmp(file, "-") == 0) /* standard input, as Unix tools take it */
        return stdin_read_all(len, err);
    if (!file_is_readable(file, KP_MAX_INPUT_BYTES, err))
        return NULL;
    if (!g_file_get_contents(file, &data, &n, &gerr)) {
        kp_error_set(err, KP_ERR_READ, file, 0, 0, 0, "cannot read: %s", gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    *len = n;
    return data;
}

void sha256_hex(const char *data, size_t len, char out[65])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(c, (const guchar *)data, (gssize)len);
    g_strlcpy(out, g_checksum_get_string(c), 65);
    g_checksum_free(c);
}

/* Lines that are not blank: a KPI table has a few thousand at most. */
static size_t text_lines(const char *utf8)
{
    size_t lines = 0;
    for (const char *p = utf8; *p;) {
        size_t n = strcspn(p, "\n\r");
        lines += strspn(p, " \t") < n;
        p += n;
        p += *p != '\0';
    }
    return lines;
}

kp_grid *text_read(const char *file, const char *data, size_t len, kp_source *source,
                   kp_error *err)
{
    char *utf8 = text_decode(data, len, file, err);
    if (!utf8)
        return NULL;
    size_t lines = text_lines(utf8);
    if (lines > KP_MAX_TEXT_LINES) {
        kp_error_set(err, KP_ERR_LIMIT, file, 0, 0, 0,
                     "%zu lines of text, more than a KPI table has (kpipe reads %d at most)", lines,
                     KP_MAX_TEXT_LINES);
        g_free(utf8);
        return NULL;
    }
    source->name = g_filename_display_basename(file); /* UTF-8, whatever the file system's */
    sha256_hex(data, len, source->sha256);
    source->is_pdf = false;
    source->pages = 0;
    kp_grid *grid = text_to_grid(utf8);
    g_free(utf8);
    return grid;
}

kp_grid *text_load(const char *file, kp_source *source, kp_error *err)
{
    size_t len;
    char *data = file_read_all(file, &len, err);
    if (!data)
        return NULL;
    kp_grid *grid = text_read(file, data, len, source, err);
    g_free(data);
    return grid;
}
