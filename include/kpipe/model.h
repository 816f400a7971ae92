/* kpipe — the document model: what parse.c builds and every renderer reads.
 *
 * Ownership: a kp_document owns everything reachable from it; the GPtrArrays
 * carry their element free functions. */
#ifndef KPIPE_MODEL_H
#define KPIPE_MODEL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* An exact decimal: coef × 10^exp. Figures are never binary floating point
 * until they are written out. */
typedef struct kp_decimal {
    int64_t coef;
    int32_t exp;
} kp_decimal;

/* Largest magnitude a figure may have: JSON readers hold numbers as IEEE
 * doubles, exact only up to 2^53. */
#define KP_DECIMAL_MAX ((int64_t)1 << 53)

bool decimal_mul_int(kp_decimal *d, int64_t factor);   /* false on overflow */
bool decimal_add(kp_decimal *acc, kp_decimal term);    /* false on overflow */
bool decimal_mul(kp_decimal *d, kp_decimal factor);    /* false on overflow */
void decimal_normalize(kp_decimal *d);                 /* strips trailing zeros */
bool decimal_in_range(kp_decimal d);                   /* |d| <= 2^53 */
double decimal_to_double(kp_decimal d);                /* correctly rounded */
int decimal_compare(kp_decimal a, kp_decimal b);       /* -1, 0, 1 */
/* NUM / DEN rounded half away from zero to PLACES decimals, computed in
 * decimal (0.33333333333333726 never arises); false when DEN is 0 or the
 * quotient is out of range. */
bool decimal_ratio(kp_decimal num, kp_decimal den, int places, kp_decimal *out);
/* "55.9", "220000000", "-0.5": newly allocated. */
char *decimal_to_string(kp_decimal d);

/* One cell's figure (spec: Quantity). */
typedef struct kp_quantity {
    char *text;         /* as printed, wrap whitespace removed */
    bool has_value;
    kp_decimal value;   /* in the base unit */
    char *unit;         /* base unit, or the counter as printed; NULL without value */
    bool unit_known;    /* false: a counter the unit rules do not list */
    bool cumulative;
    char *qualifier;    /* "approx", "at-least", … or NULL */
    char *note;         /* parenthesised remark, or NULL */
    int fy;             /* fiscal year printed with the figure or in its column
                         * heading (always set on targets); 0 when none */
} kp_quantity;

void quantity_free(kp_quantity *q);

typedef struct kp_actual {
    int fy;
    kp_quantity *quantity;
} kp_actual;

typedef struct kp_location {
    int page;          /* 1-based PDF page, 0 for text input */
    double bbox[4];    /* x0 y0 x1 y1 in points, PDF only */
    int line;          /* 1-based text line, 0 for PDF input */
} kp_location;

/* One printed verdict (評価, 達成度 …) of a row: never a figure. */
typedef struct kp_evaluation {
    char *heading;      /* the column heading, letter-spacing removed */
    char *mark;         /* as printed: ◎ A 順調 … */
    char *meaning;      /* from the document's legend, or NULL */
    int claim;          /* the meaning says the target was met (1), was not
                         * (-1), or neither (0): rules verdict-met/-unmet */
} kp_evaluation;

/* A free-text column or prose row that belongs to a row. */
typedef struct kp_remark {
    char *heading;      /* 今後の方向性, 成果と見直し … */
    char *text;         /* wrapping removed */
} kp_remark;

typedef enum { KP_DIR_INCREASE, KP_DIR_DECREASE, KP_DIR_MAINTAIN } kp_direction;
typedef enum { KP_ST_ACHIEVED, KP_ST_ON_TRACK, KP_ST_BEHIND, KP_ST_NO_DATA } kp_status;

/* How far a KPI has come (spec: Assessment); validate.c fills it. */
typedef struct kp_assessment {
    kp_direction direction;
    bool has_latest;
    int latest_fy;
    kp_decimal latest;      /* the running total for a (累計) target */
    bool has_progress;
    double progress;
    kp_status status;
} kp_assessment;

typedef struct kp_row {
    int seq;                /* 0-based order in which the row was read */
    int number;
    int measure;            /* 0: the table names no measure */
    GPtrArray *projects;    /* char * */
    GPtrArray *notes;       /* char * */
    bool relisted;
    GPtrArray *activities;  /* char * */
    char *kpi_name;         /* NULL: no KPI */
    bool kpi_inherited;
    kp_quantity *baseline;  /* NULL: empty or covered by a merge */
    GPtrArray *actuals;     /* kp_actual *, ascending fy; blank cells absent */
    kp_quantity *target;
    kp_quantity *achievement;  /* a printed 達成率/進捗率, or NULL */
    GPtrArray *evaluations;    /* kp_evaluation *, in column order */
    GPtrArray *remarks;        /* kp_remark *, in column order */
    kp_assessment *assessment; /* NULL: no numeric target */
    kp_location where;
} kp_row;

/* A row parked in its document's spool (a long document read for kpi-json:
 * see spool.h): where its bytes lie, and what the checks of numbering need
 * of it without reading it back. */
typedef struct kp_parked_row {
    gint64 at;
    guint32 len;
    int seq, number, measure;
    int page, line;         /* its kp_location's */
} kp_parked_row;

struct kp_spool;

typedef struct kp_measure {
    int number;
    char *title;            /* from the detail table when it has one */
    char *summary_title;    /* as the summary list prints it, or NULL */
    char *detail_title;     /* as the detail table prints it, or NULL */
    GPtrArray *kpis;        /* char *, names from the summary list */
    kp_location where;      /* its first row in the detail table */
    kp_location summary_where;
} kp_measure;

typedef struct kp_goal {
    int number;
    char *title;            /* from the detail table when it has one */
    char *summary_title;    /* as the summary list prints it, or NULL */
    char *detail_title;     /* as the detail table prints it, or NULL */
    GPtrArray *measures;    /* kp_measure *, ascending number */
    GPtrArray *rows;        /* kp_row *, ascending number */
    GArray *parked;         /* kp_parked_row: rows before those of ROWS that
                             * are parked in SPOOL (go through spool.h's
                             * goal_rows_each to see every row) */
    struct kp_spool *spool; /* the document's, or NULL */
    GPtrArray *indicators;  /* kp_row *: goal-level 数値目標, in printed order */
    bool in_summary, in_detail;
    bool measures_printed;  /* its table has a measure column */
    int summary_seq, detail_seq; /* 1-based order in the summary list and among
                                  * the detail tables; 0 when not there */
    GArray *fiscal_years;   /* int: the actual-value columns of its table */
    kp_location where;      /* its detail table's heading */
    kp_location summary_where;
} kp_goal;

typedef enum { KP_SEV_ERROR, KP_SEV_WARNING, KP_SEV_INFO } kp_severity;

typedef struct kp_diagnostic {
    kp_severity severity;
    char *code;
    char *message;
    int goal, row;          /* 0: does not apply */
    char *field;            /* "actuals.2021", or NULL */
    int page, line;         /* 0: not known */
    bool accepted;          /* in a baseline of accepted findings (check --baseline) */
} kp_diagnostic;

typedef struct kp_source {
    char *name;             /* base name of the input */
    char sha256[65];
    bool is_pdf;
    int pages;              /* PDF only */
    int ocr_pages;          /* pages read by OCR (PDF only) */
} kp_source;

typedef struct kp_document {
    kp_source source;
    char *title;
    char *municipality;     /* NULL when not found */
    bool era_years;         /* its years are printed in an era (令和2年度):
                             * messages name them so */
    bool has_period;
    int first_fy, last_fy;
    GArray *fiscal_years;   /* int, the actual-value columns in order */
    GPtrArray *goals;       /* kp_goal *, ascending number */
    GPtrArray *diagnostics; /* kp_diagnostic *, after those parked in SPOOL */
    struct kp_spool *spool; /* where rows and diagnostics of a long document
                             * are parked as they are read, or NULL: all
                             * are in memory (spool.h) */
    GDestroyNotify spool_free;
    /* Moves DIAGNOSTICS to SPOOL (document_diagnose calls it once a few
     * have gathered), or leaves them where findings are looked back at. */
    void (*spool_diagnostics)(struct kp_document *doc);
} kp_document;

kp_document *document_new(void);
void document_free(kp_document *doc);
kp_goal *goal_new(int number);
kp_measure *measure_new(int number);
kp_row *row_new(void);
void row_free(kp_row *row);
void row_add_evaluation(kp_row *row, const char *heading, const char *mark);
void row_add_remark(kp_row *row, const char *heading, const char *text);
kp_goal *document_goal(kp_document *doc, int number, bool create);
kp_measure *goal_measure(kp_goal *goal, int number, bool create);
void document_sort(kp_document *doc);

/* Appends a diagnostic; FIELD may be NULL. */
/* Are R's actuals printed as running totals ((累計) on any of them)? Else a
 * (累計) target's actuals are yearly figures, to be added up. */
bool row_actuals_are_totals(const kp_row *r);
/* The edition DOC is: the latest fiscal year with a numeric actual (a table
 * prints its plan's later years' columns empty); 0 when there is none. */
int document_edition(const kp_document *doc);
/* Where in DOC a finding is, in the message language: "Goal 2 row 4
 * actuals.2020", or as the document names it, "基本目標2 No.4 R2年度 実績値".
 * GOAL, ROW 0 and FIELD NULL are left out. Newly allocated. */
char *document_place(const kp_document *doc, int goal, int row, const char *field);
/* Fiscal year FY as DOC prints its years (R2年度, H27年度, 2020年度), onto OUT. */
void document_year_name(GString *out, const kp_document *doc, int fy);
void document_diagnose(kp_document *doc, kp_severity severity, const char *code, int goal,
                       int row, const char *field, int page, int line, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
void diagnostic_free(kp_diagnostic *d);
const char *severity_name(kp_severity s);
const char *direction_name(kp_direction d);
const char *status_name(kp_status s);

#endif
