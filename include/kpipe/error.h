/* kpipe — errors that carry their location.
 *
 * Every stage reports failure through one kp_error: its kind, and where in
 * the input the problem is. */
#ifndef KPIPE_ERROR_H
#define KPIPE_ERROR_H

#include <stdarg.h>

/* What went wrong, as a kind a program can act on (SQLite's result codes
 * are the model): the CLI maps kinds to its exit codes (main.c alone), and a
 * caller can fall back on exactly the case it handles (OCR on
 * KP_ERR_NO_TEXT). The message says it for people. */
typedef enum kp_error_kind {
    KP_ERR_NONE = 0,
    KP_ERR_USAGE,      /* the command line */
    KP_ERR_READ,       /* a file cannot be read: missing, a pipe or device */
    KP_ERR_FORMAT,     /* not what it should be: a damaged PDF, binary or
                        * mis-encoded text, JSON that is not kpi-json */
    KP_ERR_ENCRYPTED,  /* a PDF that needs (another) password */
    KP_ERR_NO_TEXT,    /* no usable text layer: OCR is needed */
    KP_ERR_NO_TABLE,   /* text, but no KPI table in it */
    KP_ERR_PAGE_BOX,   /* a page whose box cuts its table */
    KP_ERR_LIMIT,      /* beyond one of kpipe's limits (limits.h): size,
                        * lines, pages, time, memory */
    KP_ERR_READER,     /* the process reading a page or a file ended */
    KP_ERR_RULES,      /* a rule file or the rules folder */
    KP_ERR_OUTPUT,     /* an output cannot be written */
    KP_ERR_DATABASE,   /* the database of editions */
} kp_error_kind;

typedef struct kp_error {
    kp_error_kind kind; /* KP_ERR_NONE while no error is set */
    char *file;      /* the file concerned, or NULL */
    int page;        /* 1-based, 0 when not known */
    int line;        /* 1-based, 0 when not known */
    int column;      /* 1-based, in characters, 0 when not known */
    char *message;   /* one sentence, no trailing newline */
} kp_error;

#define KP_ERROR_INIT {KP_ERR_NONE, NULL, 0, 0, 0, NULL}

/* The name of KIND ("no-text", "limit", …), for logs and tests. */
const char *kp_error_kind_name(kp_error_kind kind);

/* Sets the error (replacing an earlier one). */
void kp_error_set(kp_error *err, kp_error_kind kind, const char *file, int page,
                  int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void kp_error_clear(kp_error *err);
/* "FILE:LINE:COLUMN: error: MESSAGE" (parts that are unknown left out);
 * newly allocated. */
char *kp_error_format(const kp_error *err);

#endif
