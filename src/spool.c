/* kpipe — rows and diagnostics parked in temporary files (see
 * include/kpipe/spool.h): each record the bytes of one row or diagnostic,
 * packed as laid out here and read back only by this program, this run. */
#include "kpipe/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Records go to the file a block at a time and are read back through a
 * window of this many bytes: a document's rows are parked in reading order
 * and mostly read back in it, so a few system calls move many rows. */
#define FILE_BLOCK 65536

/* One temporary file: records appended at END, the last of them (TAIL)
 * not yet written out; WINDOW holds the bytes from WINDOW_AT read ahead,
 * changed in place when DIRTY (a row read back, changed and parked again). */
typedef struct {
    int fd;
    gint64 end;
    GByteArray *tail;
    GByteArray *window;
    gint64 window_at;
    bool dirty;
} spool_file;

struct kp_spool {
    spool_file rows;         /* records addressed by kp_parked_row */
    spool_file diagnostics;  /* records one after another: [guint32 length][bytes] */
    bool keep_diagnostics;   /* document_keep_diagnostics was called */
    bool failed;
    GByteArray *buf;         /* a record being packed or read */
};

/* ---- files ------------------------------------------------------------------ */

/* An unlinked temporary file: gone with the process, however it ends. */
static int temporary_fd(void)
{
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(g_get_tmp_dir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    char *path = NULL;
    fd = g_file_open_tmp("kpipe-spool-XXXXXX", &path, NULL);
    if (fd >= 0)
        g_unlink(path);
    g_free(path);
    return fd;
}

/* LEN bytes at AT of FD written from DATA (WRITE) or read into it; a read
 * may stop early at the end of the file (*DONE says how far it got). */
static bool fd_io(int fd, void *data, size_t len, gint64 at, bool write, size_t *done)
{
    char *p = data;
    *done = 0;
    while (*done < len) {
        ssize_t n = write ? pwrite(fd, p + *done, len - *done, (off_t)(at + (gint64)*done))
                          : pread(fd, p + *done, len - *done, (off_t)(at + (gint64)*done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return !write && n == 0;
        *done += (size_t)n;
    }
    return true;
}

static void file_init(spool_file *f, int fd)
{
    f->fd = fd;
    f->tail = g_byte_array_new();
    f->window = g_byte_array_new();
}

static void file_clear(spool_file *f)
{
    close(f->fd);
    g_byte_array_free(f->tail, TRUE);
    g_byte_array_free(f->window, TRUE);
}

/* Where TAIL begins: what lies before is in the file. */
static gint64 tail_at(const spool_file *f)
{
    return f->end - f->tail->len;
}

static bool file_flush(spool_file *f)
{
    size_t done;
    bool ok = fd_io(f->fd, f->tail->data, f->tail->len, tail_at(f), true, &done);
    g_byte_array_set_size(f->tail, 0);
    return ok;
}

/* LEN bytes of DATA at the end of F; *AT gets where. */
static bool file_append(spool_file *f, const void *data, size_t len, gint64 *at)
{
    if (f->tail->len + len > FILE_BLOCK && !file_flush(f))
        return false;
    *at = f->end;
    g_byte_array_append(f->tail, data, (guint)len);
    f->end += (gint64)len;
    return true;
}

/* The window's changes written out. */
static bool window_flush(spool_file *f)
{
    size_t done;
    bool ok = !f->dirty || fd_io(f->fd, f->window->data, f->window->len, f->window_at, true, &done);
    f->dirty = false;
    return ok;
}

static bool in_window(const spool_file *f, gint64 at, size_t len)
{
    return at >= f->window_at && at + (gint64)len <= f->window_at + (gint64)f->window->len;
}

/* The window moved to begin at AT (before the tail), holding LEN bytes at
 * least. */
static bool window_move(spool_file *f, gint64 at, size_t len)
{
    if (!window_flush(f))
        return false;
    size_t want = MAX(len, FILE_BLOCK), done;
    if (at + (gint64)want > tail_at(f))
        want = (size_t)(tail_at(f) - at);
    g_byte_array_set_size(f->window, (guint)want);
    bool ok = fd_io(f->fd, f->window->data, want, at, false, &done);
    g_byte_array_set_size(f->window, (guint)done);
    f->window_at = at;
    return ok && done >= len;
}

/* Where the LEN bytes at AT of F are held: in the tail or the window
 * (moved there when they are not); NULL when they cannot be read. */
static guint8 *file_bytes(spool_file *f, gint64 at, size_t len)
{
    if (at < 0 || at + (gint64)len > f->end)
        return NULL;
    if (at >= tail_at(f))
        return f->tail->data + (at - tail_at(f)); /* (a record is never split) */
    if (!in_window(f, at, len) && !window_move(f, at, len))
        return NULL;
    return f->window->data + (at - f->window_at);
}

/* LEN bytes of DATA over those at AT, a record appended before. */
static bool file_overwrite(spool_file *f, gint64 at, const void *data, size_t len)
{
    guint8 *bytes = file_bytes(f, at, len);
    if (!bytes)
        return false;
    memcpy(bytes, data, len);
    f->dirty |= at < tail_at(f);
    return true;
}

/* LEN bytes at AT of F into DATA, a record appended before. */
static bool file_read(spool_file *f, gint64 at, void *data, size_t len)
{
    const guint8 *bytes = file_bytes(f, at, len);
    if (bytes)
        memcpy(data, bytes, len);
    return bytes != NULL;
}

/* F emptied. */
static void file_reset(spool_file *f)
{
    f->end = 0;
    f->dirty = false;
    g_byte_array_set_size(f->tail, 0);
    g_byte_array_set_size(f->window, 0);
    (void)ftruncate(f->fd, 0);
}

static void spool_free(gpointer p)
{
    kp_spool *s = p;
    file_clear(&s->rows);
    file_clear(&s->diagnostics);
    g_byte_array_free(s->buf, TRUE);
    g_free(s);
}

static void park_diagnostics(kp_document *doc);

bool document_spool(kp_document *doc)
{
    int rows = temporary_fd(), diagnostics = rows >= 0 ? temporary_fd() : -1;
    if (diagnostics < 0) {
        if (rows >= 0)
            close(rows);
        return false;
    }
    kp_spool *s = g_new0(kp_spool, 1);
    file_init(&s->rows, rows);
    file_init(&s->diagnostics, diagnostics);
    s->buf = g_byte_array_new();
    doc->spool = s;
    doc->spool_free = spool_free;
    doc->spool_diagnostics = park_diagnostics;
    for (guint i = 0; i < doc->goals->len; i++)
        ((kp_goal *)g_ptr_array_index(doc->goals, i))->spool = s;
    return true;
}

bool document_spool_failed(const kp_document *doc)
{
    return doc->spool && doc->spool->failed;
}

/* ---- records -------------------------------------------------------------- */
/* Each kind of record is a table of its fields: where each lies in its
 * struct and what it is. One table packs and unpacks, so the two cannot
 * disagree, and a field added to the model is one line here. */

typedef enum {
    F_INT,      /* int, or an enum */
    F_I32,      /* int32_t */
    F_I64,      /* int64_t */
    F_BOOL,
    F_DOUBLE,
    F_STRING,   /* char *, NULL or not */
    F_RECORD,   /* a pointer to a record of OF, NULL or not */
    F_LIST,     /* a GPtrArray * (already made) of records of OF, or of strings */
} field_kind;

typedef struct record_type record_type;

typedef struct {
    field_kind kind;
    size_t offset;
    const record_type *of;
} field;

struct record_type {
    size_t size;
    const field *fields;
    size_t n;
};

_Static_assert(sizeof(kp_severity) == sizeof(int) && sizeof(kp_status) == sizeof(int) &&
                   sizeof(kp_direction) == sizeof(int),
               "enums are packed as int");

#define FIELD(kind, type, member) {kind, offsetof(type, member), NULL}
#define RECORD(kind, type, member, of) {kind, offsetof(type, member), &of}
#define TYPE(type, fields) {sizeof(type), fields, G_N_ELEMENTS(fields)}

static const field quantity_fields[] = {
    FIELD(F_STRING, kp_quantity, text),     FIELD(F_BOOL, kp_quantity, has_value),
    FIELD(F_I64, kp_quantity, value.coef),  FIELD(F_I32, kp_quantity, value.exp),
    FIELD(F_STRING, kp_quantity, unit),     FIELD(F_BOOL, kp_quantity, unit_known),
    FIELD(F_BOOL, kp_quantity, cumulative), FIELD(F_STRING, kp_quantity, qualifier),
    FIELD(F_STRING, kp_quantity, note),     FIELD(F_INT, kp_quantity, fy),
};
static const record_type quantity_type = TYPE(kp_quantity, quantity_fields);

static const field actual_fields[] = {
    FIELD(F_INT, kp_actual, fy),
    RECORD(F_RECORD, kp_actual, quantity, quantity_type),
};
static const record_type actual_type = TYPE(kp_actual, actual_fields);

static const field evaluation_fields[] = {
    FIELD(F_STRING, kp_evaluation, heading), FIELD(F_STRING, kp_evaluation, mark),
    FIELD(F_STRING, kp_evaluation, meaning), FIELD(F_INT, kp_evaluation, claim),
};
static const record_type evaluation_type = TYPE(kp_evaluation, evaluation_fields);

static const field remark_fields[] = {
    FIELD(F_STRING, kp_remark, heading),
    FIELD(F_STRING, kp_remark, text),
};
static const record_type remark_type = TYPE(kp_remark, remark_fields);

static const field assessment_fields[] = {
    FIELD(F_INT, kp_assessment, direction),   FIELD(F_BOOL, kp_assessment, has_latest),
    FIELD(F_INT, kp_assessment, latest_fy),   FIELD(F_I64, kp_assessment, latest.coef),
    FIELD(F_I32, kp_assessment, latest.exp),  FIELD(F_BOOL, kp_assessment, has_progress),
    FIELD(F_DOUBLE, kp_assessment, progress), FIELD(F_INT, kp_assessment, status),
};
static const record_type assessment_type = TYPE(kp_assessment, assessment_fields);

static const field row_fields[] = {
    FIELD(F_INT, kp_row, seq),
    FIELD(F_INT, kp_row, number),
    FIELD(F_INT, kp_row, measure),
    FIELD(F_LIST, kp_row, projects),
    FIELD(F_LIST, kp_row, notes),
    FIELD(F_BOOL, kp_row, relisted),
    FIELD(F_LIST, kp_row, activities),
    FIELD(F_STRING, kp_row, kpi_name),
    FIELD(F_BOOL, kp_row, kpi_inherited),
    RECORD(F_RECORD, kp_row, baseline, quantity_type),
    RECORD(F_LIST, kp_row, actuals, actual_type),
    RECORD(F_RECORD, kp_row, target, quantity_type),
    RECORD(F_RECORD, kp_row, achievement, quantity_type),
    RECORD(F_LIST, kp_row, evaluations, evaluation_type),
    RECORD(F_LIST, kp_row, remarks, remark_type),
    RECORD(F_RECORD, kp_row, assessment, assessment_type),
    FIELD(F_INT, kp_row, where.page),
    FIELD(F_DOUBLE, kp_row, where.bbox[0]),
    FIELD(F_DOUBLE, kp_row, where.bbox[1]),
    FIELD(F_DOUBLE, kp_row, where.bbox[2]),
    FIELD(F_DOUBLE, kp_row, where.bbox[3]),
    FIELD(F_INT, kp_row, where.line),
};
static const record_type row_type = TYPE(kp_row, row_fields);

static const field diagnostic_fields[] = {
    FIELD(F_INT, kp_diagnostic, severity), FIELD(F_STRING, kp_diagnostic, code),
    FIELD(F_STRING, kp_diagnostic, message), FIELD(F_INT, kp_diagnostic, goal),
    FIELD(F_INT, kp_diagnostic, row),        FIELD(F_STRING, kp_diagnostic, field),
    FIELD(F_INT, kp_diagnostic, page),       FIELD(F_INT, kp_diagnostic, line),
    FIELD(F_BOOL, kp_diagnostic, accepted),
};
static const record_type diagnostic_type = TYPE(kp_diagnostic, diagnostic_fields);

/* ---- packing ---------------------------------------------------------------- */

static void put_bytes(GByteArray *o, const void *data, size_t len)
{
    g_byte_array_append(o, data, (guint)len);
}

static void put_int(GByteArray *o, gint64 v)
{
    put_bytes(o, &v, sizeof v);
}

static void put_string(GByteArray *o, const char *s)
{
    put_int(o, s ? (gint64)strlen(s) : -1);
    if (s)
        put_bytes(o, s, strlen(s));
}

static void put_record(GByteArray *o, const record_type *t, const void *record)
{
    for (size_t i = 0; i < t->n; i++) {
        const field *f = &t->fields[i];
        const char *at = (const char *)record + f->offset;
        switch (f->kind) {
        case F_INT: put_int(o, *(const int *)at); break;
        case F_I32: put_int(o, *(const int32_t *)at); break;
        case F_I64: put_int(o, *(const int64_t *)at); break;
        case F_BOOL: put_int(o, *(const bool *)at); break;
        case F_DOUBLE: put_bytes(o, at, sizeof(double)); break;
        case F_STRING: put_string(o, *(char *const *)at); break;
        case F_RECORD: {
            const void *inner = *(void *const *)at;
            put_int(o, inner != NULL);
            if (inner)
                put_record(o, f->of, inner);
            break;
        }
        case F_LIST: {
            const GPtrArray *a = *(GPtrArray *const *)at;
            put_int(o, a->len);
            for (guint k = 0; k < a->len; k++) {
                if (f->of)
                    put_record(o, f->of, g_ptr_array_index(a, k));
                else
                    put_string(o, g_ptr_array_index(a, k));
            }
            break;
        }
        }
    }
}

void row_pack(const kp_row *r, GByteArray *out)
{
    put_record(out, &row_type, r);
}

void diagnostic_pack(const kp_diagnostic *d, GByteArray *out)
{
    put_record(out, &diagnostic_type, d);
}

/* ---- unpacking ---------------------------------------------------------------- */

typedef struct {
    const guint8 *p, *end;
    bool bad;                /* ran past the end, or a length that cannot be */
} cursor;

static bool get_bytes(cursor *c, void *to, size_t len)
{
    if (c->bad || (size_t)(c->end - c->p) < len) {
        c->bad = true;
        return false;
    }
    memcpy(to, c->p, len);
    c->p += len;
    return true;
}

static gint64 get_int(cursor *c)
{
    gint64 v = 0;
    get_bytes(c, &v, sizeof v);
    return v;
}

/* A length or count of things each a byte at least: never more than is
 * left. -1 (no string) passes when NULL_OK. */
static gint64 get_length(cursor *c, bool null_ok)
{
    gint64 n = get_int(c);
    if ((n == -1 && null_ok) || (n >= 0 && n <= c->end - c->p))
        return n;
    c->bad = true;
    return -1;
}

static char *get_string(cursor *c)
{
    gint64 len = get_length(c, true);
    if (len < 0)
        return NULL;
    char *s = g_strndup((const char *)c->p, (gsize)len);
    c->p += len;
    return s;
}

/* Fills RECORD (zeroed, its lists made) from C; what it made is attached
 * to RECORD even when C runs out, for RECORD's owner to free. */
static void get_record(cursor *c, const record_type *t, void *record)
{
    for (size_t i = 0; i < t->n && !c->bad; i++) {
        const field *f = &t->fields[i];
        char *at = (char *)record + f->offset;
        switch (f->kind) {
        case F_INT: *(int *)at = (int)get_int(c); break;
        case F_I32: *(int32_t *)at = (int32_t)get_int(c); break;
        case F_I64: *(int64_t *)at = get_int(c); break;
        case F_BOOL: *(bool *)at = get_int(c) != 0; break;
        case F_DOUBLE: get_bytes(c, at, sizeof(double)); break;
        case F_STRING: *(char **)at = get_string(c); break;
        case F_RECORD:
            if (get_int(c)) {
                void *inner = g_malloc0(f->of->size);
                *(void **)at = inner;
                get_record(c, f->of, inner);
            }
            break;
        case F_LIST: {
            GPtrArray *a = *(GPtrArray **)at;
            gint64 n = get_length(c, false);
            for (gint64 k = 0; k < n && !c->bad; k++) {
                void *e = f->of ? g_malloc0(f->of->size) : get_string(c);
                if (e)
                    g_ptr_array_add(a, e); /* (the list's free function frees it) */
                if (e && f->of)
                    get_record(c, f->of, e);
            }
            break;
        }
        }
    }
}

/* A quantity always has its text (quantity_free and the writers count on it). */
static bool quantities_whole(const kp_row *r)
{
    if ((r->baseline && !r->baseline->text) || (r->target && !r->target->text) ||
        (r->achievement && !r->achievement->text))
        return false;
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *a = g_ptr_array_index(r->actuals, i);
        if (!a->quantity || !a->quantity->text)
            return false;
    }
    return true;
}

kp_row *row_unpack(const guint8 *data, size_t len)
{
    cursor c = {data, data + len, false};
    kp_row *r = row_new();
    get_record(&c, &row_type, r);
    if (c.bad || c.p != c.end || !quantities_whole(r)) {
        row_free(r);
        return NULL;
    }
    return r;
}

kp_diagnostic *diagnostic_unpack(const guint8 *data, size_t len)
{
    cursor c = {data, data + len, false};
    kp_diagnostic *d = g_new0(kp_diagnostic, 1);
    get_record(&c, &diagnostic_type, d);
    if (c.bad || c.p != c.end || !d->code || !d->message) {
        diagnostic_free(d);
        return NULL;
    }
    return d;
}

/* ---- rows ----------------------------------------------------------------------- */

static void parked_keys(const kp_row *row, kp_parked_row *pr)
{
    pr->seq = row->seq;
    pr->number = row->number;
    pr->measure = row->measure;
    pr->page = row->where.page;
    pr->line = row->where.line;
}

/* ROW into the spool: where PR says when it fits there (a row read back
 * and changed), else at the end; PR then says where it lies. */
static bool row_put(kp_spool *s, const kp_row *row, kp_parked_row *pr, bool in_place)
{
    g_byte_array_set_size(s->buf, 0);
    row_pack(row, s->buf);
    gint64 at = pr->at;
    bool put = in_place && s->buf->len <= pr->len
                   ? file_overwrite(&s->rows, at, s->buf->data, s->buf->len)
                   : file_append(&s->rows, s->buf->data, s->buf->len, &at);
    if (!put) {
        s->failed = true;
        return false;
    }
    pr->at = at;
    pr->len = s->buf->len;
    parked_keys(row, pr);
    return true;
}

static kp_row *row_get(kp_spool *s, const kp_parked_row *pr)
{
    g_byte_array_set_size(s->buf, pr->len);
    kp_row *row = file_read(&s->rows, pr->at, s->buf->data, pr->len)
                      ? row_unpack(s->buf->data, pr->len)
                      : NULL;
    if (!row)
        s->failed = true;
    return row;
}

guint goal_row_count(const kp_goal *g)
{
    return g->parked->len + g->rows->len;
}

bool goal_rows_each(kp_goal *g, bool update, kp_row_fn fn, void *ctx)
{
    for (guint i = 0; i < g->parked->len; i++) {
        kp_parked_row *pr = &g_array_index(g->parked, kp_parked_row, i);
        kp_row *row = row_get(g->spool, pr);
        if (!row)
            return false;
        fn(row, ctx);
        bool put = !update || row_put(g->spool, row, pr, true);
        row_free(row);
        if (!put)
            return false;
    }
    for (guint i = 0; i < g->rows->len; i++)
        fn(g_ptr_array_index(g->rows, i), ctx);
    return true;
}

GArray *goal_row_keys(const kp_goal *g)
{
    GArray *keys = g_array_sized_new(FALSE, TRUE, sizeof(kp_parked_row), goal_row_count(g));
    g_array_append_vals(keys, g->parked->data, g->parked->len);
    for (guint i = 0; i < g->rows->len; i++) {
        kp_parked_row pr = {0};
        parked_keys(g_ptr_array_index(g->rows, i), &pr);
        g_array_append_val(keys, pr);
    }
    return keys;
}

/* G's rows but KEEP to the spool. */
static void goal_park(kp_spool *s, kp_goal *g, const kp_row *keep)
{
    guint n = g->rows->len;
    if (n && g_ptr_array_index(g->rows, n - 1) == keep)
        n--; /* (KEEP, the row last read, is the last of its goal's) */
    guint parked = 0;
    while (parked < n) {
        kp_parked_row pr = {0};
        if (!row_put(s, g_ptr_array_index(g->rows, parked), &pr, false))
            break;
        g_array_append_val(g->parked, pr);
        parked++;
    }
    g_ptr_array_remove_range(g->rows, 0, parked);
}

/* ---- diagnostics ------------------------------------------------------------------ */

static bool diagnostic_put(kp_spool *s, const kp_diagnostic *d)
{
    g_byte_array_set_size(s->buf, sizeof(guint32));
    diagnostic_pack(d, s->buf);
    guint32 len = s->buf->len - (guint32)sizeof len;
    memcpy(s->buf->data, &len, sizeof len);
    gint64 at;
    if (!file_append(&s->diagnostics, s->buf->data, s->buf->len, &at)) {
        s->failed = true;
        return false;
    }
    return true;
}

/* FN on each parked diagnostic in order; false when one cannot be read. */
static bool parked_diagnostics_each(kp_spool *s, kp_diagnostic_fn fn, void *ctx)
{
    for (gint64 at = 0; at < s->diagnostics.end;) {
        guint32 len;
        kp_diagnostic *d = NULL;
        if (file_read(&s->diagnostics, at, &len, sizeof len)) {
            g_byte_array_set_size(s->buf, len);
            if (file_read(&s->diagnostics, at + (gint64)sizeof len, s->buf->data, len))
                d = diagnostic_unpack(s->buf->data, len);
        }
        if (!d) {
            s->failed = true;
            return false;
        }
        fn(d, ctx);
        diagnostic_free(d);
        at += (gint64)sizeof len + len;
    }
    return true;
}

bool document_diagnostics_each(const kp_document *doc, kp_diagnostic_fn fn, void *ctx)
{
    if (doc->spool && !parked_diagnostics_each(doc->spool, fn, ctx))
        return false;
    for (guint i = 0; i < doc->diagnostics->len; i++)
        fn(g_ptr_array_index(doc->diagnostics, i), ctx);
    return true;
}

static void diagnostic_taken_back(const kp_diagnostic *d, void *into)
{
    kp_diagnostic *copy = g_new0(kp_diagnostic, 1);
    *copy = *d;
    copy->code = g_strdup(d->code);
    copy->message = g_strdup(d->message);
    copy->field = g_strdup(d->field);
    g_ptr_array_add(into, copy);
}

void document_keep_diagnostics(kp_document *doc)
{
    kp_spool *s = doc->spool;
    if (!s || s->keep_diagnostics)
        return;
    s->keep_diagnostics = true;
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)diagnostic_free);
    if (!parked_diagnostics_each(s, diagnostic_taken_back, all)) {
        g_ptr_array_free(all, TRUE);
        return; /* (failed: the document is not written) */
    }
    for (guint i = 0; i < doc->diagnostics->len; i++)
        g_ptr_array_add(all, g_ptr_array_index(doc->diagnostics, i));
    g_ptr_array_set_free_func(doc->diagnostics, NULL); /* (moved into ALL) */
    g_ptr_array_free(doc->diagnostics, TRUE);
    doc->diagnostics = all;
    file_reset(&s->diagnostics);
}

/* DOC's diagnostics to the spool, unless they are kept in memory. */
static void park_diagnostics(kp_document *doc)
{
    kp_spool *s = doc->spool;
    if (s->failed || s->keep_diagnostics)
        return;
    guint parked = 0;
    while (parked < doc->diagnostics->len &&
           diagnostic_put(s, g_ptr_array_index(doc->diagnostics, parked)))
        parked++;
    g_ptr_array_remove_range(doc->diagnostics, 0, parked);
}

void document_park(kp_document *doc, const kp_row *keep)
{
    kp_spool *s = doc->spool;
    if (!s || s->failed)
        return;
    for (guint i = 0; i < doc->goals->len; i++)
        goal_park(s, g_ptr_array_index(doc->goals, i), keep);
    park_diagnostics(doc);
}
