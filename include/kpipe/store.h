/* kpipe — the database of every edition (SQLite; schema/kpi-sqlite.sql):
 * documents in, one transaction each; a KPI keeps its identity across the
 * editions of its plan; history and exports out. */
#ifndef KPIPE_STORE_H
#define KPIPE_STORE_H

#include <stdbool.h>

#include "kpipe/error.h"
#include "kpipe/model.h"

typedef struct kp_store kp_store;

/* The schema version this kpipe writes (PRAGMA user_version). */
#define KP_STORE_VERSION 2

/* Opens (or creates) the database at PATH, bringing an older schema up to
 * date; NULL with ERR set (one made by a newer kpipe is refused). Writers
 * wait for one another (WAL, a busy timeout), so several kpipe may ingest
 * into one database at once. */
kp_store *store_open(const char *path, kp_error *err);
void store_close(kp_store *store);

/* Stores DOC, read from FILE, in one transaction: all of it or nothing.
 * *ALREADY is set (and nothing written) when the same bytes are stored. */
bool store_ingest(kp_store *store, const kp_document *doc, const char *file, bool *already,
                  kp_error *err);

/* What history shows: NULL or 0 for all. */
typedef struct {
    const char *municipality;
    int goal;
    const char *kpi;      /* a part of the KPI's name */
} kp_history_query;

typedef enum { KP_TABLE_TEXT, KP_TABLE_JSON, KP_TABLE_CSV, KP_TABLE_JSONL } kp_table_format;

/* Each KPI's figures by fiscal year across the editions, revised ones
 * marked; newly allocated (text, json or csv), NULL with ERR set. */
char *store_history(kp_store *store, const kp_history_query *q, kp_table_format format,
                    kp_error *err);

/* The stored editions of one plan, oldest first (by their latest actuals),
 * read back from their kpi-json: MUNICIPALITY's plan (the newest of its
 * periods), or, for NULL, the plan of the newest edition stored. *N receives
 * how many; NULL with ERR set when there is none. */
kp_document **store_documents(kp_store *store, const char *municipality, size_t *n,
                              kp_error *err);

/* One line per stored figure with its context (csv or jsonl); BOM: begin
 * CSV with a byte-order mark. Newly allocated, NULL with ERR set. */
char *store_export(kp_store *store, kp_table_format format, bool bom, kp_error *err);

#endif
