/* kpipe — rule files: named PCRE2 patterns kept as data in rules/ *.rules.
 *
 * A rule file is one set, named after the file ("unit.rules" is set "unit").
 * Each line is "NAME PATTERN"; '#' starts a comment line; {{NAME}} inside a
 * pattern stands for another rule of the same set, or for a whole set as an
 * alternation of its patterns. Patterns are compiled once, with UTF and UCP,
 * and JIT where the library has it. A loaded kp_rules is read-only and may be
 * shared between threads; match data is per call. */
#ifndef KPIPE_RULES_H
#define KPIPE_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#include "kpipe/error.h"

typedef struct kp_rule {
    char *set;      /* file stem, e.g. "unit" */
    char *name;     /* first word of the line */
    char *pattern;  /* as written in the file */
    char *file;     /* path of the rule file */
    int line;       /* 1-based line of the rule */
    int column;     /* 1-based column where the pattern starts */
    pcre2_code *code;
} kp_rule;

typedef struct kp_rules kp_rules;

/* Loads every *.rules file of DIR. On failure returns NULL and sets ERR
 * (exit 2) to FILE:LINE:COLUMN of the offending pattern. */
kp_rules *rules_load(const char *dir, kp_error *err);
/* The same from texts in memory: NAMES[i] ("unit.rules") holds TEXTS[i]. */
kp_rules *rules_load_texts(const char *const *names, const char *const *texts, size_t n,
                           kp_error *err);
void rules_free(kp_rules *rules);

/* The first rule NAME of SET, or NULL. */
const kp_rule *rules_find(const kp_rules *rules, const char *set, const char *name);
/* The rules of SET in file order; *count receives their number. */
const kp_rule *const *rules_set(const kp_rules *rules, const char *set, size_t *count);

/* One match of a rule against a subject; keeps the subject pointer. */
typedef struct kp_match {
    pcre2_match_data *data;
    const kp_rule *rule;
    const char *subject;
} kp_match;

enum { KP_MATCH_WHOLE = 1 }; /* match must span the whole subject from START */

/* Matches RULE against SUBJECT (valid UTF-8, LEN bytes) from byte START.
 * Returns 1 on a match (M filled, free with kp_match_free), 0 on none, and
 * -1 when a match or depth limit was hit (treat as unusable input). */
int rule_match(const kp_rules *rules, const kp_rule *rule, const char *subject,
               size_t len, size_t start, int flags, kp_match *m);
/* Byte span of group N (0 = whole match); false when it did not take part. */
bool kp_match_group(const kp_match *m, int n, size_t *start, size_t *end);
bool kp_match_named(const kp_match *m, const char *name, size_t *start, size_t *end);
/* Newly allocated copy of group N, or NULL. */
char *kp_match_dup(const kp_match *m, int n);
void kp_match_free(kp_match *m);

/* Convenience: does any rule of SET (or only those named NAME, when NAME is
 * not NULL) match S? Returns the first rule that does, with M filled when M
 * is not NULL. */
const kp_rule *rules_search(const kp_rules *rules, const char *set, const char *name,
                            const char *s, int flags, kp_match *m);

#endif
