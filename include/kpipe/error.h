/* kpipe — errors that carry their location.
 *
 * Every stage reports failure through one kp_error: the exit code the CLI
 * should end with, and where in the input the problem is. */
#ifndef KPIPE_ERROR_H
#define KPIPE_ERROR_H

#include <stdarg.h>

/* Documented exit codes (README "Exit codes"). */
enum {
    KP_EXIT_OK = 0,       /* output written, no error found */
    KP_EXIT_INVALID = 1,  /* validation errors, where a command checks */
    KP_EXIT_UNUSABLE = 2  /* input, rules, output path or usage unusable */
};

typedef struct kp_error {
    int exit_code;   /* KP_EXIT_*; 0 while no error is set */
    char *file;      /* the file concerned, or NULL */
    int page;        /* 1-based, 0 when not known */
    int line;        /* 1-based, 0 when not known */
    int column;      /* 1-based, in characters, 0 when not known */
    char *message;   /* one sentence, no trailing newline */
} kp_error;

#define KP_ERROR_INIT {0, NULL, 0, 0, 0, NULL}

/* Sets the error (replacing an earlier one). */
void kp_error_set(kp_error *err, int exit_code, const char *file, int page,
                  int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void kp_error_clear(kp_error *err);
/* "FILE:LINE:COLUMN: error: MESSAGE" (parts that are unknown left out);
 * newly allocated. */
char *kp_error_format(const kp_error *err);

#endif
