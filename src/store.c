/* kpipe — the database of every edition (see include/kpipe/store.h). */
#include "kpipe/store.h"

#include <glib.h>
#include <jansson.h>
#include <sqlite3.h>
#include <string.h>

#include "kpipe/csv.h"
#include "kpipe/diff.h"
#include "kpipe/json.h"

/* schema/kpi-sqlite.sql, compiled in by the Makefile */
extern const char kp_schema_sql[];

/* How long a writer waits for another to finish its document (ms): a
 * document's transaction takes milliseconds, a batch's turn a few seconds. */
#define BUSY_TIMEOUT_MS 60000

struct kp_store {
    sqlite3 *db;
    char *path;
};

/* Steps from one schema version to the next: MIGRATIONS[v - 1] takes a
 * database of version v to v + 1. */
static const char *const migrations[] = {
    /* 1 → 2: each document keeps its kpi-json (rows of the next edition are
     * matched against it) */
    "ALTER TABLE document ADD COLUMN kpi_json TEXT NOT NULL DEFAULT '{}';"
    "PRAGMA user_version = 2;",
};

static bool db_failed(kp_store *s, kp_error *err, const char *what)
{
    kp_error_set(err, KP_ERR_DATABASE, s->path, 0, 0, 0, "database: %s: %s", what,
                 sqlite3_errmsg(s->db));
    return false;
}

static bool exec(kp_store *s, const char *sql, kp_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    kp_error_set(err, KP_ERR_DATABASE, s->path, 0, 0, 0, "database: %s", msg ? msg : "failed");
    sqlite3_free(msg);
    return false;
}

static int user_version(kp_store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* A new database gets the schema; an older one its migrations, each step in
 * a transaction of its own. */
static bool schema_ready(kp_store *s, kp_error *err)
{
    if (user_version(s) == KP_STORE_VERSION)
        return true; /* the usual case: no write lock taken to find it out */
    if (!exec(s, "BEGIN IMMEDIATE", err))
        return false;
    int v = user_version(s);
    bool ok = true;
    if (v == 0) {
        sqlite3_stmt *st;
        bool empty = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &st,
                                        NULL) == SQLITE_OK &&
                     sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
        sqlite3_finalize(st);
        if (!empty) {
            kp_error_set(err, KP_ERR_DATABASE, s->path, 0, 0, 0,
                         "a database, but not one kpipe made (no schema version)");
            ok = false;
        } else {
            ok = exec(s, kp_schema_sql, err);
        }
    } else if (v > KP_STORE_VERSION) {
        kp_error_set(err, KP_ERR_DATABASE, s->path, 0, 0, 0,
                     "made by a newer kpipe (schema version %d; this one knows %d)", v,
                     KP_STORE_VERSION);
        ok = false;
    }
    for (; ok && v >= 1 && v < KP_STORE_VERSION; v++)
        ok = exec(s, migrations[v - 1], err);
    if (!ok) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    return exec(s, "COMMIT", err);
}

/* WAL, so that readers and one writer go side by side. Switching a new
 * database to it needs the file to itself, and SQLite answers "locked"
 * there without waiting (two ingests creating one database at once): it is
 * asked again until the busy timeout has passed. */
static bool wal_mode(kp_store *s, kp_error *err)
{
    for (int waited = 0;; waited += 10) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        bool wal = rc == SQLITE_ROW && g_ascii_strcasecmp((const char *)sqlite3_column_text(st, 0),
                                                          "wal") == 0;
        sqlite3_finalize(st);
        if (wal)
            return true;
        if (waited >= BUSY_TIMEOUT_MS || (rc != SQLITE_BUSY && rc != SQLITE_LOCKED && rc != SQLITE_ROW))
            return db_failed(s, err, "cannot use write-ahead logging");
        g_usleep(10000);
    }
}

kp_store *store_open(const char *path, kp_error *err)
{
    kp_store *s = g_new0(kp_store, 1);
    s->path = g_strdup(path);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
        !exec(s, "PRAGMA foreign_keys = ON", err) ||
        !wal_mode(s, err) ||
        /* in WAL mode NORMAL still keeps every committed document through a
         * crash of kpipe (kill -9); only a power cut may lose the last few */
        !exec(s, "PRAGMA synchronous = NORMAL", err) || !schema_ready(s, err)) {
        if (!err->kind)
            db_failed(s, err, "cannot open");
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(kp_store *store)
{
    if (!store)
        return;
    sqlite3_close_v2(store->db);
    g_free(store->path);
    g_free(store);
}

/* ---- ingest -------------------------------------------------------------- */

/* Binds the values of one statement from FORMAT: i (int, 0 → NULL), I (int,
 * always), t (text, NULL → NULL), d (double), n (NULL). */
static void bind(sqlite3_stmt *st, const char *format, va_list ap)
{
    for (int i = 0; format[i]; i++) {
        int at = i + 1;
        switch (format[i]) {
        case 'i': {
            int v = va_arg(ap, int);
            v ? sqlite3_bind_int(st, at, v) : sqlite3_bind_null(st, at);
            break;
        }
        case 'I': sqlite3_bind_int64(st, at, va_arg(ap, sqlite3_int64)); break;
        case 't': {
            const char *v = va_arg(ap, const char *);
            v ? sqlite3_bind_text(st, at, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, at);
            break;
        }
        case 'd': sqlite3_bind_double(st, at, va_arg(ap, double)); break;
        default: sqlite3_bind_null(st, at);
        }
    }
}

/* Runs SQL with its values; the new row's id (or 1) on success, 0 on error
 * (ERR set). */
static sqlite3_int64 run(kp_store *s, kp_error *err, const char *sql, const char *format, ...)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_failed(s, err, "prepare");
        return 0;
    }
    va_list ap;
    va_start(ap, format);
    bind(st, format, ap);
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        db_failed(s, err, "write");
        return 0;
    }
    sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
    return id ? id : 1;
}

/* The first column of the first result of SQL as an integer; 0 if none. */
static sqlite3_int64 value_of(kp_store *s, const char *sql, const char *format, ...)
{
    sqlite3_stmt *st;
    sqlite3_int64 v = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    va_list ap;
    va_start(ap, format);
    bind(st, format, ap);
    va_end(ap);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static bool put_figure(kp_store *s, sqlite3_int64 row, const char *kind, int fy,
                       const kp_quantity *q, kp_error *err)
{
    if (!q)
        return true;
    char *exact = q->has_value ? decimal_to_string(q->value) : NULL;
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(s->db,
                                 "INSERT INTO figure (row_id, kind, fy, value_text, value, unit, "
                                 "text, cumulative, qualifier, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                 -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, row);
        sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
        fy ? sqlite3_bind_int(st, 3, fy) : sqlite3_bind_null(st, 3);
        exact ? sqlite3_bind_text(st, 4, exact, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 4);
        q->has_value ? sqlite3_bind_double(st, 5, decimal_to_double(q->value))
                     : sqlite3_bind_null(st, 5);
        q->has_value && q->unit ? sqlite3_bind_text(st, 6, q->unit, -1, SQLITE_TRANSIENT)
                                : sqlite3_bind_null(st, 6);
        sqlite3_bind_text(st, 7, q->text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 8, q->cumulative);
        q->qualifier ? sqlite3_bind_text(st, 9, q->qualifier, -1, SQLITE_TRANSIENT)
                     : sqlite3_bind_null(st, 9);
        q->note ? sqlite3_bind_text(st, 10, q->note, -1, SQLITE_TRANSIENT)
                : sqlite3_bind_null(st, 10);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    g_free(exact);
    return ok || db_failed(s, err, "write a figure");
}

/* The KPI of each row of the plan's newest edition before this one, in the
 * order its rows were stored (goals, then rows, as in the document). */
typedef struct {
    kp_document *doc;   /* read back from its kpi-json */
    GArray *kpi_ids;    /* sqlite3_int64, one a row */
} previous_edition;

static void previous_load(kp_store *s, sqlite3_int64 plan, sqlite3_int64 self,
                          previous_edition *prev)
{
    memset(prev, 0, sizeof *prev);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, kpi_json FROM document WHERE plan_id = ? AND id != ? "
                           "ORDER BY edition_fy DESC, seq DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, plan);
    sqlite3_bind_int64(st, 2, self);
    sqlite3_int64 id = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        const char *json = (const char *)sqlite3_column_text(st, 1);
        kp_error ignored = KP_ERROR_INIT;
        prev->doc = json ? document_from_json(json, strlen(json), "previous edition", &ignored)
                         : NULL;
        kp_error_clear(&ignored);
    }
    sqlite3_finalize(st);
    if (!prev->doc)
        return;
    prev->kpi_ids = g_array_new(FALSE, FALSE, sizeof(sqlite3_int64));
    if (sqlite3_prepare_v2(s->db, "SELECT kpi_id FROM row WHERE document_id = ? ORDER BY id", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            sqlite3_int64 k = sqlite3_column_int64(st, 0);
            g_array_append_val(prev->kpi_ids, k);
        }
    }
    sqlite3_finalize(st);
}

static void previous_clear(previous_edition *prev)
{
    document_free(prev->doc);
    if (prev->kpi_ids)
        g_array_free(prev->kpi_ids, TRUE);
}

/* For each row of goal NG, the KPI it continues from the previous edition
 * (0 where it continues none): the rows matched as diff matches them. */
static sqlite3_int64 *kpis_continued(const previous_edition *prev, const kp_goal *ng)
{
    sqlite3_int64 *ids = g_new0(sqlite3_int64, ng->rows->len + 1);
    if (!prev->doc)
        return ids;
    guint offset = 0; /* the previous edition's rows before goal NG's */
    const kp_goal *og = NULL;
    for (guint i = 0; i < prev->doc->goals->len && !og; i++) {
        const kp_goal *g = g_ptr_array_index(prev->doc->goals, i);
        if (g->number == ng->number)
            og = g;
        else
            offset += g->rows->len;
    }
    if (!og || offset + og->rows->len > prev->kpi_ids->len)
        return ids;
    int *origin = diff_row_origins(og->rows, ng->rows);
    for (guint k = 0; k < ng->rows->len; k++)
        if (origin[k] >= 0)
            ids[k] = g_array_index(prev->kpi_ids, sqlite3_int64, offset + (guint)origin[k]);
    g_free(origin);
    return ids;
}

static const char *const status_names[] = {"achieved", "on-track", "behind", "no-data"};

static bool put_row(kp_store *s, sqlite3_int64 doc_id, sqlite3_int64 plan, const kp_goal *g,
                    const kp_row *r, sqlite3_int64 kpi, kp_error *err)
{
    const char *name = r->kpi_name ? r->kpi_name : "";
    if (kpi) /* the KPI goes by the name its newest edition gives it */
        kpi = run(s, err, "UPDATE kpi SET name = ? WHERE id = ?", "tI", name, kpi) ? kpi : 0;
    else
        kpi = run(s, err, "INSERT INTO kpi (plan_id, goal, name) VALUES (?,?,?)", "IIt", plan,
                  (sqlite3_int64)g->number, name);
    if (!kpi)
        return false;
    const kp_assessment *a = r->assessment;
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(s->db,
                                 "INSERT INTO row (document_id, kpi_id, goal, number, measure, "
                                 "kpi_name, relisted, direction, latest_fy, latest_value, "
                                 "progress, status, page, line) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                 -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int64(st, 2, kpi);
        sqlite3_bind_int(st, 3, g->number);
        sqlite3_bind_int(st, 4, r->number);
        r->measure ? sqlite3_bind_int(st, 5, r->measure) : sqlite3_bind_null(st, 5);
        r->kpi_name ? sqlite3_bind_text(st, 6, r->kpi_name, -1, SQLITE_TRANSIENT)
                    : sqlite3_bind_null(st, 6);
        sqlite3_bind_int(st, 7, r->relisted);
        if (a) {
            sqlite3_bind_text(st, 8, direction_name(a->direction), -1, SQLITE_STATIC);
            a->has_latest ? sqlite3_bind_int(st, 9, a->latest_fy) : sqlite3_bind_null(st, 9);
            a->has_latest ? sqlite3_bind_double(st, 10, decimal_to_double(a->latest))
                          : sqlite3_bind_null(st, 10);
            a->has_progress ? sqlite3_bind_double(st, 11, a->progress) : sqlite3_bind_null(st, 11);
            sqlite3_bind_text(st, 12, status_names[a->status], -1, SQLITE_STATIC);
        }
        r->where.page ? sqlite3_bind_int(st, 13, r->where.page) : sqlite3_bind_null(st, 13);
        r->where.line ? sqlite3_bind_int(st, 14, r->where.line) : sqlite3_bind_null(st, 14);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok)
        return db_failed(s, err, "write a row");
    sqlite3_int64 row = sqlite3_last_insert_rowid(s->db);
    ok = put_figure(s, row, "baseline", r->baseline ? r->baseline->fy : 0, r->baseline, err) &&
         put_figure(s, row, "target", r->target ? r->target->fy : 0, r->target, err) &&
         put_figure(s, row, "achievement", 0, r->achievement, err);
    for (guint i = 0; ok && i < r->actuals->len; i++) {
        const kp_actual *x = g_ptr_array_index(r->actuals, i);
        ok = put_figure(s, row, "actual", x->fy, x->quantity, err);
    }
    for (guint i = 0; ok && i < r->evaluations->len; i++) {
        const kp_evaluation *e = g_ptr_array_index(r->evaluations, i);
        ok = run(s, err,
                 "INSERT INTO evaluation (row_id, position, heading, mark, meaning) VALUES "
                 "(?,?,?,?,?)",
                 "IIttt", row, (sqlite3_int64)i + 1, e->heading, e->mark, e->meaning) != 0;
    }
    return ok;
}

static bool put_goals(kp_store *s, sqlite3_int64 doc_id, sqlite3_int64 plan,
                      const kp_document *doc, kp_error *err)
{
    previous_edition prev;
    previous_load(s, plan, doc_id, &prev);
    bool ok = true;
    for (guint gi = 0; ok && gi < doc->goals->len; gi++) {
        const kp_goal *g = g_ptr_array_index(doc->goals, gi);
        ok = run(s, err, "INSERT INTO goal (document_id, number, title) VALUES (?,?,?)", "IIt",
                 doc_id, (sqlite3_int64)g->number, g->title) != 0;
        for (guint i = 0; ok && i < g->measures->len; i++) {
            const kp_measure *m = g_ptr_array_index(g->measures, i);
            ok = run(s, err,
                     "INSERT INTO measure (document_id, goal, number, title) VALUES (?,?,?,?)",
                     "IIIt", doc_id, (sqlite3_int64)g->number, (sqlite3_int64)m->number,
                     m->title) != 0;
        }
        sqlite3_int64 *kpis = kpis_continued(&prev, g);
        for (guint i = 0; ok && i < g->rows->len; i++)
            ok = put_row(s, doc_id, plan, g, g_ptr_array_index(g->rows, i), kpis[i], err);
        g_free(kpis);
    }
    previous_clear(&prev);
    for (guint i = 0; ok && i < doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(doc->diagnostics, i);
        static const char *const severities[] = {"error", "warning", "info"};
        ok = run(s, err,
                 "INSERT INTO diagnostic (document_id, severity, code, message, goal, row, field, "
                 "page, line) VALUES (?,?,?,?,?,?,?,?,?)",
                 "Itttiitii", doc_id, severities[d->severity], d->code, d->message, d->goal,
                 d->row, d->field, d->page, d->line) != 0;
    }
    return ok;
}

bool store_ingest(kp_store *s, const kp_document *doc, const char *file, bool *already,
                  kp_error *err)
{
    *already = false;
    if (!exec(s, "BEGIN IMMEDIATE", err))
        return false;
    bool ok = true;
    if (value_of(s, "SELECT id FROM document WHERE sha256 = ?", "t", doc->source.sha256)) {
        *already = true;
        return exec(s, "ROLLBACK", err);
    }
    const char *town = doc->municipality ? doc->municipality : "";
    int first = doc->has_period ? doc->first_fy : 0, last = doc->has_period ? doc->last_fy : 0;
    ok = run(s, err, "INSERT OR IGNORE INTO plan (municipality, first_fy, last_fy) VALUES (?,?,?)",
             "tII", town, (sqlite3_int64)first, (sqlite3_int64)last) != 0;
    sqlite3_int64 plan = ok ? value_of(s,
                                       "SELECT id FROM plan WHERE municipality = ? AND first_fy = ? "
                                       "AND last_fy = ?",
                                       "tII", town, (sqlite3_int64)first, (sqlite3_int64)last)
                            : 0;
    int edition = document_edition(doc);
    char *kpi_json = document_json_text(doc, false);
    char *name = g_path_get_basename(file);
    sqlite3_int64 doc_id =
        ok && plan && kpi_json
            ? run(s, err,
                  "INSERT INTO document (sha256, name, type, pages, municipality, title, first_fy, "
                  "last_fy, edition_fy, plan_id, seq, kpi_json) VALUES (?,?,?,?,?,?,?,?,?,?,"
                  "(SELECT coalesce(max(seq), 0) + 1 FROM document),?)",
                  "tttittiiiIt", doc->source.sha256, doc->source.name ? doc->source.name : name,
                  doc->source.is_pdf ? "pdf" : "text", doc->source.pages, doc->municipality,
                  doc->title, first, last, edition, plan, kpi_json)
            : 0;
    g_free(name);
    g_free(kpi_json);
    ok = doc_id && put_goals(s, doc_id, plan, doc, err);
    if (!ok) {
        if (!err->kind)
            db_failed(s, err, "write");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    return exec(s, "COMMIT", err);
}

/* ---- history ------------------------------------------------------------- */

static const char history_sql[] =
    "SELECT p.municipality, p.first_fy, p.last_fy, k.id, k.goal, k.name, f.kind, f.fy, "
    "       d.name, d.edition_fy, f.text, f.value_text, f.unit "
    "FROM figure f JOIN row r ON r.id = f.row_id JOIN document d ON d.id = r.document_id "
    "JOIN kpi k ON k.id = r.kpi_id JOIN plan p ON p.id = k.plan_id "
    "WHERE f.kind IN ('baseline', 'actual', 'target') "
    "  AND (?1 IS NULL OR p.municipality = ?1) AND (?2 IS NULL OR k.goal = ?2) "
    "  AND (?3 IS NULL OR instr(k.name, ?3) > 0) "
    "ORDER BY p.municipality, p.first_fy, k.goal, k.id, "
    "  CASE f.kind WHEN 'baseline' THEN 0 WHEN 'actual' THEN 1 ELSE 2 END, f.fy, "
    "  d.edition_fy, d.seq";

static const char *column_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static json_t *json_text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

char *store_history(kp_store *s, const kp_history_query *q, kp_table_format format,
                    kp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, history_sql, -1, &st, NULL) != SQLITE_OK) {
        db_failed(s, err, "history");
        return NULL;
    }
    q->municipality ? sqlite3_bind_text(st, 1, q->municipality, -1, SQLITE_TRANSIENT)
                    : sqlite3_bind_null(st, 1);
    q->goal ? sqlite3_bind_int(st, 2, q->goal) : sqlite3_bind_null(st, 2);
    q->kpi ? sqlite3_bind_text(st, 3, q->kpi, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 3);
    GString *out = g_string_new(NULL);
    json_t *all = json_array();
    if (format == KP_TABLE_CSV)
        g_string_append(out, "municipality,first_fy,last_fy,goal,kpi,kind,fy,document,edition,"
                             "text,value,unit,revised\r\n");
    sqlite3_int64 last_kpi = -1;
    char *last_series = NULL, *last_value = NULL, *last_unit = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 kpi = sqlite3_column_int64(st, 3);
        const char *kind = column_text(st, 6), *value = column_text(st, 11),
                   *unit = column_text(st, 12);
        char *series = g_strdup_printf("%lld|%s|%d", (long long)kpi, kind,
                                       sqlite3_column_int(st, 7));
        bool same_series = last_series && strcmp(series, last_series) == 0;
        /* a published actual that a later edition prints otherwise */
        bool revised = same_series && strcmp(kind, "actual") == 0 &&
                       (g_strcmp0(value, last_value) != 0 || g_strcmp0(unit, last_unit) != 0);
        if (kpi != last_kpi && format == KP_TABLE_TEXT)
            g_string_append_printf(out, "%s%s FY%d–%d, goal %d: %s\n", last_kpi >= 0 ? "\n" : "",
                                   *column_text(st, 0) ? column_text(st, 0) : "(no municipality)",
                                   sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                                   sqlite3_column_int(st, 4), column_text(st, 5));
        char fy[16] = "";
        if (sqlite3_column_type(st, 7) != SQLITE_NULL)
            snprintf(fy, sizeof fy, "%d", sqlite3_column_int(st, 7));
        char edition[16] = "";
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
            snprintf(edition, sizeof edition, "%d", sqlite3_column_int(st, 9));
        if (format == KP_TABLE_TEXT) {
            g_string_append_printf(out, "  %-8s %-6s %s  (%s, edition FY%s)%s\n", kind,
                                   *fy ? fy : "-", column_text(st, 10), column_text(st, 8),
                                   *edition ? edition : "?", revised ? "  revised" : "");
        } else if (format == KP_TABLE_CSV) {
            const char *cells[] = {column_text(st, 0), NULL, NULL, NULL, column_text(st, 5), kind,
                                   fy, column_text(st, 8), edition, column_text(st, 10), value,
                                   unit, revised ? "true" : "false"};
            char first[16], last[16], goal[16];
            snprintf(first, sizeof first, "%d", sqlite3_column_int(st, 1));
            snprintf(last, sizeof last, "%d", sqlite3_column_int(st, 2));
            snprintf(goal, sizeof goal, "%d", sqlite3_column_int(st, 4));
            cells[1] = first;
            cells[2] = last;
            cells[3] = goal;
            for (size_t i = 0; i < G_N_ELEMENTS(cells); i++)
                csv_field(out, cells[i], i + 1 == G_N_ELEMENTS(cells), 0);
        } else {
            json_array_append_new(
                all, json_pack("{s:s,s:i,s:i,s:i,s:s,s:s,s:o,s:s,s:o,s:s,s:o,s:o,s:b}",
                               "municipality", column_text(st, 0), "first_fy",
                               sqlite3_column_int(st, 1), "last_fy", sqlite3_column_int(st, 2),
                               "goal", sqlite3_column_int(st, 4), "kpi", column_text(st, 5),
                               "kind", kind, "fy",
                               *fy ? json_integer(sqlite3_column_int(st, 7)) : json_null(),
                               "document", column_text(st, 8), "edition",
                               *edition ? json_integer(sqlite3_column_int(st, 9)) : json_null(),
                               "text", column_text(st, 10), "value", json_text_or_null(value),
                               "unit", json_text_or_null(unit), "revised", revised));
        }
        g_free(last_series);
        g_free(last_value);
        g_free(last_unit);
        last_series = series;
        last_value = g_strdup(value);
        last_unit = g_strdup(unit);
        last_kpi = kpi;
    }
    g_free(last_series);
    g_free(last_value);
    g_free(last_unit);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_decref(all);
        g_string_free(out, TRUE);
        db_failed(s, err, "history");
        return NULL;
    }
    if (format == KP_TABLE_JSON) {
        char *text = json_write(all, false);
        g_string_append(out, text);
        g_free(text);
    } else if (format == KP_TABLE_TEXT && last_kpi < 0) {
        g_string_append(out, "no KPI in the database matches\n");
    }
    json_decref(all);
    return g_string_free(out, FALSE);
}

/* ---- editions back --------------------------------------------------------- */

kp_document **store_documents(kp_store *s, const char *municipality, size_t *n, kp_error *err)
{
    sqlite3_int64 plan = value_of(s,
                                  "SELECT plan_id FROM document d JOIN plan p ON p.id = d.plan_id "
                                  "WHERE ?1 IS NULL OR p.municipality = ?1 "
                                  "ORDER BY p.last_fy DESC, d.edition_fy DESC, d.seq DESC LIMIT 1",
                                  "t", municipality);
    if (!plan) {
        kp_error_set(err, KP_ERR_DATABASE, s->path, 0, 0, 0, "no edition%s%s is stored",
                     municipality ? " of " : "", municipality ? municipality : "");
        return NULL;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name, kpi_json FROM document WHERE plan_id = ? "
                           "ORDER BY edition_fy, seq",
                           -1, &st, NULL) != SQLITE_OK) {
        db_failed(s, err, "read");
        return NULL;
    }
    sqlite3_bind_int64(st, 1, plan);
    GPtrArray *docs = g_ptr_array_new();
    while (!err->kind && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = column_text(st, 0), *json = column_text(st, 1);
        kp_document *doc = document_from_json(json ? json : "", json ? strlen(json) : 0, name, err);
        if (doc)
            g_ptr_array_add(docs, doc);
    }
    sqlite3_finalize(st);
    *n = docs->len;
    if (err->kind || !docs->len) {
        for (guint i = 0; i < docs->len; i++)
            document_free(g_ptr_array_index(docs, i));
        g_ptr_array_free(docs, TRUE);
        if (!err->kind)
            kp_error_set(err, KP_ERR_DATABASE, s->path, 0, 0, 0, "no edition is stored");
        return NULL;
    }
    return (kp_document **)g_ptr_array_free(docs, FALSE);
}

/* ---- export --------------------------------------------------------------- */

static const char export_sql[] =
    "SELECT p.municipality, d.edition_fy, d.name, r.goal, g.title, r.measure, m.title, "
    "       r.number, r.kpi_name, f.kind, f.fy, f.value_text, f.unit, f.text, f.note, r.status "
    "FROM figure f JOIN row r ON r.id = f.row_id JOIN document d ON d.id = r.document_id "
    "JOIN plan p ON p.id = d.plan_id "
    "LEFT JOIN goal g ON g.document_id = d.id AND g.number = r.goal "
    "LEFT JOIN measure m ON m.document_id = d.id AND m.goal = r.goal AND m.number = r.measure "
    "ORDER BY p.municipality, d.edition_fy, d.seq, r.id, "
    "  CASE f.kind WHEN 'baseline' THEN 0 WHEN 'actual' THEN 1 WHEN 'target' THEN 2 ELSE 3 END, "
    "  f.fy";

static const char *const export_columns[] = {
    "municipality", "edition", "document", "goal", "goal_title", "measure", "measure_title",
    "row", "kpi", "kind", "fy", "value", "unit", "text", "note", "status"};

char *store_export(kp_store *s, kp_table_format format, bool bom, kp_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, export_sql, -1, &st, NULL) != SQLITE_OK) {
        db_failed(s, err, "export");
        return NULL;
    }
    GString *out = g_string_new(bom && format == KP_TABLE_CSV ? "\xEF\xBB\xBF" : "");
    size_t n = G_N_ELEMENTS(export_columns);
    for (size_t i = 0; format == KP_TABLE_CSV && i < n; i++)
        csv_field(out, export_columns[i], i + 1 == n, 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        for (size_t i = 0; i < n; i++) {
            const char *v = column_text(st, (int)i);
            bool number = sqlite3_column_type(st, (int)i) == SQLITE_INTEGER;
            if (format == KP_TABLE_CSV)
                csv_field(out, v, i + 1 == n, 0);
            else /* the exact value as a JSON number, as kpi-json has it */
                json_object_set_new(o, export_columns[i],
                                    !v            ? json_null()
                                    : number      ? json_integer(sqlite3_column_int64(st, (int)i))
                                    : i == 11     ? json_real(sqlite3_column_double(st, (int)i))
                                                  : json_string(v));
        }
        if (format != KP_TABLE_CSV) {
            char *line = json_write(o, false);
            g_string_append_printf(out, "%s\n", line);
            g_free(line);
        }
        json_decref(o);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_string_free(out, TRUE);
        db_failed(s, err, "export");
        return NULL;
    }
    return g_string_free(out, FALSE);
}
