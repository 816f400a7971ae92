/* kpipe — loading and matching rule files (see include/kpipe/rules.h). */
#include "kpipe/rules.h"

#include "kpipe/files.h"
#include "kpipe/limits.h"

#include <glib.h>
#include <string.h>

/* Bounds for untrusted subjects: Debian's PCRE2 would otherwise allow a
 * heap of about 20 GB and ten million backtracks per match. */
#define KP_MATCH_LIMIT 200000u
#define KP_DEPTH_LIMIT 2000u
#define KP_HEAP_LIMIT_KIB 20000u
#define KP_EXPAND_DEPTH 16

struct kp_rules {
    GPtrArray *rules;        /* kp_rule *, owned */
    GHashTable *sets;        /* set name -> GPtrArray of kp_rule * (borrowed) */
    pcre2_match_context *mctx;
};

static void rule_free(gpointer p)
{
    kp_rule *r = p;
    if (!r)
        return;
    g_free(r->set);
    g_free(r->name);
    g_free(r->pattern);
    g_free(r->file);
    if (r->code)
        pcre2_code_free(r->code);
    g_free(r);
}

void rules_free(kp_rules *rules)
{
    if (!rules)
        return;
    if (rules->sets)
        g_hash_table_destroy(rules->sets);
    if (rules->rules)
        g_ptr_array_free(rules->rules, TRUE);
    if (rules->mctx)
        pcre2_match_context_free(rules->mctx);
    g_free(rules);
}

static GPtrArray *set_array(const kp_rules *rules, const char *set)
{
    return g_hash_table_lookup(rules->sets, set);
}

const kp_rule *const *rules_set(const kp_rules *rules, const char *set, size_t *count)
{
    GPtrArray *a = set_array(rules, set);
    *count = a ? a->len : 0;
    return a ? (const kp_rule *const *)a->pdata : NULL;
}

const kp_rule *rules_find(const kp_rules *rules, const char *set, const char *name)
{
    size_t n;
    const kp_rule *const *rs = rules_set(rules, set, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rs[i]->name, name) == 0)
            return rs[i];
    return NULL;
}

/* A placeholder {{NAME}} found in a raw pattern. */
typedef struct {
    size_t raw_start, raw_end;  /* in the rule's own pattern */
    size_t exp_start, exp_end;  /* in the expanded pattern */
} placeholder;

static bool placeholder_at(const char *p, size_t *name_len)
{
    if (p[0] != '{' || p[1] != '{' || !g_ascii_isalpha(p[2]))
        return false;
    size_t i = 2;
    while (g_ascii_isalnum(p[i]) || p[i] == '_' || p[i] == '-' || p[i] == '.')
        i++;
    if (p[i] != '}' || p[i + 1] != '}')
        return false;
    *name_len = i - 2;
    return true;
}

static int column_of(const kp_rule *r, size_t raw_offset)
{
    size_t len = strlen(r->pattern);
    if (raw_offset > len)
        raw_offset = len;
    /* PCRE2 offsets count bytes and may point inside a character. */
    while (raw_offset > 0 && ((unsigned char)r->pattern[raw_offset] & 0xC0) == 0x80)
        raw_offset--;
    return r->column + (int)g_utf8_pointer_to_offset(r->pattern, r->pattern + raw_offset);
}

static bool expand(const kp_rules *rules, const kp_rule *r, GString *out, int depth,
                   GArray *marks, kp_error *err);

static bool expand_reference(const kp_rules *rules, const kp_rule *r, const char *name,
                             GString *out, int depth, kp_error *err, size_t raw_at)
{
    const kp_rule *target = rules_find(rules, r->set, name);
    if (target == r)
        target = NULL;
    if (target) {
        g_string_append(out, "(?:");
        if (!expand(rules, target, out, depth + 1, NULL, err))
            return false;
        g_string_append(out, ")");
        return true;
    }
    GPtrArray *set = set_array(rules, name);
    if (set && strcmp(name, r->set) != 0) {
        g_string_append(out, "(?:");
        for (guint i = 0; i < set->len; i++) {
            if (i)
                g_string_append_c(out, '|');
            g_string_append(out, "(?:");
            if (!expand(rules, g_ptr_array_index(set, i), out, depth + 1, NULL, err))
                return false;
            g_string_append(out, ")");
        }
        g_string_append(out, ")");
        return true;
    }
    if (!err->kind)
        kp_error_set(err, KP_ERR_RULES, r->file, 0, r->line, column_of(r, raw_at),
                     "{{%s}} names no rule of set '%s' and no rule set", name, r->set);
    return false;
}

static bool expand(const kp_rules *rules, const kp_rule *r, GString *out, int depth,
                   GArray *marks, kp_error *err)
{
    if (depth > KP_EXPAND_DEPTH) {
        kp_error_set(err, KP_ERR_RULES, r->file, 0, r->line, r->column,
                     "rule '%s' refers to itself through {{...}}", r->name);
        return false;
    }
    const char *p = r->pattern;
    size_t i = 0;
    while (p[i]) {
        size_t name_len;
        if (placeholder_at(p + i, &name_len)) {
            char *name = g_strndup(p + i + 2, name_len);
            placeholder ph = {i, i + name_len + 4, out->len, 0};
            bool ok = expand_reference(rules, r, name, out, depth, err, i);
            g_free(name);
            /* {{A}} twice in B, B twice in C …: doubling at each level; said
             * of the rule being compiled (depth 0), stopped at any depth */
            if (out->len > KP_MAX_EXPANDED_BYTES) {
                if (depth == 0 && !err->kind)
                    kp_error_set(err, KP_ERR_RULES, r->file, 0, r->line, r->column,
                                 "rule '%s' expands to more than %d bytes through {{...}}",
                                 r->name, KP_MAX_EXPANDED_BYTES);
                ok = false;
            }
            if (!ok)
                return false;
            ph.exp_end = out->len;
            if (marks)
                g_array_append_val(marks, ph);
            i += name_len + 4;
        } else {
            g_string_append_c(out, p[i]);
            i++;
        }
    }
    return true;
}

/* Maps a byte offset in the expanded pattern back to the rule's own text. */
static size_t raw_offset_of(GArray *marks, size_t offset)
{
    long shift = 0;
    for (guint i = 0; i < marks->len; i++) {
        placeholder *ph = &g_array_index(marks, placeholder, i);
        if (offset < ph->exp_start)
            break;
        if (offset < ph->exp_end)
            return ph->raw_start;
        shift += (long)(ph->exp_end - ph->exp_start) - (long)(ph->raw_end - ph->raw_start);
    }
    return (size_t)((long)offset - shift);
}

static bool compile_rule(const kp_rules *rules, kp_rule *r, bool use_jit, kp_error *err)
{
    GString *expanded = g_string_new(NULL);
    GArray *marks = g_array_new(FALSE, FALSE, sizeof(placeholder));
    bool ok = expand(rules, r, expanded, 0, marks, err);
    if (ok) {
        int code;
        PCRE2_SIZE offset;
        r->code = pcre2_compile((PCRE2_SPTR)expanded->str, expanded->len,
                                PCRE2_UTF | PCRE2_UCP, &code, &offset, NULL);
        if (!r->code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            size_t raw = raw_offset_of(marks, offset);
            kp_error_set(err, KP_ERR_RULES, r->file, 0, r->line, column_of(r, raw),
                         "%s (rule '%s')", (char *)msg, r->name);
            ok = false;
        } else if (use_jit) {
            /* JIT is an optimisation: a library built without it still matches. */
            (void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
        }
    }
    g_array_free(marks, TRUE);
    g_string_free(expanded, TRUE);
    return ok;
}

/* Adds the rules of one file's text (DATA, LEN bytes) as set SET. */
static bool parse_rule_text(kp_rules *rules, const char *path, const char *set, const char *data,
                            size_t len, kp_error *err)
{
    const char *bad;
    if (!g_utf8_validate(data, (gssize)len, &bad)) {
        int line = 1;
        for (const char *q = data; q < bad; q++)
            line += *q == '\n';
        kp_error_set(err, KP_ERR_RULES, path, 0, line, 0, "rule file is not valid UTF-8");
        return false;
    }
    if (g_hash_table_contains(rules->sets, set)) {
        kp_error_set(err, KP_ERR_RULES, path, 0, 0, 0, "a second rule set named '%s'", set);
        return false;
    }
    GPtrArray *members = g_ptr_array_new();
    g_hash_table_insert(rules->sets, g_strdup(set), members);
    char *text = g_strndup(data, len); /* NUL-terminated; a NUL inside ends it */
    char **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    bool ok = true;
    for (int ln = 0; lines[ln] && ok; ln++) {
        char *line = lines[ln];
        g_strchomp(line); /* also drops a CR of CRLF files */
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        const char *name_end = p;
        while (*name_end && *name_end != ' ' && *name_end != '\t')
            name_end++;
        const char *pat = name_end;
        while (*pat == ' ' || *pat == '\t')
            pat++;
        if (*pat == '\0') {
            kp_error_set(err, KP_ERR_RULES, path, 0, ln + 1,
                         (int)g_utf8_pointer_to_offset(line, name_end) + 1,
                         "rule '%.*s' has no pattern", (int)(name_end - p), p);
            ok = false;
            break;
        }
        kp_rule *r = g_new0(kp_rule, 1);
        r->set = g_strdup(set);
        r->name = g_strndup(p, (gsize)(name_end - p));
        r->pattern = g_strdup(pat);
        r->file = g_strdup(path);
        r->line = ln + 1;
        r->column = (int)g_utf8_pointer_to_offset(line, pat) + 1;
        g_ptr_array_add(rules->rules, r);
        g_ptr_array_add(members, r);
    }
    g_strfreev(lines);
    return ok;
}

static bool parse_rule_file(kp_rules *rules, const char *path, const char *set, kp_error *err)
{
    char *data = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    if (!file_is_readable(path, KP_MAX_RULES_BYTES, err))
        return false;
    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        kp_error_set(err, KP_ERR_RULES, path, 0, 0, 0, "cannot read rule file: %s",
                     gerr->message);
        g_error_free(gerr);
        return false;
    }
    bool ok = parse_rule_text(rules, path, set, data, len, err);
    g_free(data);
    return ok;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static kp_rules *rules_new(void)
{
    kp_rules *rules = g_new0(kp_rules, 1);
    rules->rules = g_ptr_array_new_with_free_func(rule_free);
    rules->sets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)g_ptr_array_unref);
    return rules;
}

/* Compiles what was read; frees RULES and returns NULL on an error. */
static kp_rules *rules_finish(kp_rules *rules, bool ok, const char *where, kp_error *err)
{
    /* KPIPE_PCRE2_JIT=0 turns JIT off: valgrind cannot follow JIT-compiled
     * code and reports its reads as uninitialised (make memcheck sets it). */
    const char *jit = g_getenv("KPIPE_PCRE2_JIT");
    bool use_jit = !(jit && strcmp(jit, "0") == 0);
    for (guint i = 0; ok && i < rules->rules->len; i++)
        ok = compile_rule(rules, g_ptr_array_index(rules->rules, i), use_jit, err);
    if (ok && rules->rules->len == 0) {
        kp_error_set(err, KP_ERR_RULES, where, 0, 0, 0, "no rules (no *.rules file with a rule)");
        ok = false;
    }
    if (!ok) {
        rules_free(rules);
        return NULL;
    }
    rules->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(rules->mctx, KP_MATCH_LIMIT);
    pcre2_set_depth_limit(rules->mctx, KP_DEPTH_LIMIT);
    pcre2_set_heap_limit(rules->mctx, KP_HEAP_LIMIT_KIB);
    return rules;
}

kp_rules *rules_load_texts(const char *const *names, const char *const *texts, size_t n,
                           kp_error *err)
{
    kp_rules *rules = rules_new();
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const char *name = names[i];
        size_t len = strlen(name);
        char *set = g_str_has_suffix(name, ".rules") ? g_strndup(name, len - 6) : g_strdup(name);
        ok = parse_rule_text(rules, name, set, texts[i], strlen(texts[i]), err);
        g_free(set);
    }
    return rules_finish(rules, ok, "rules", err);
}

kp_rules *rules_load(const char *dir, kp_error *err)
{
    GError *gerr = NULL;
    GDir *d = g_dir_open(dir, 0, &gerr);
    if (!d) {
        kp_error_set(err, KP_ERR_RULES, dir, 0, 0, 0, "cannot open rules folder: %s",
                     gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    while ((entry = g_dir_read_name(d)))
        if (g_str_has_suffix(entry, ".rules") && strlen(entry) > 6)
            g_ptr_array_add(names, g_strdup(entry));
    g_dir_close(d);
    g_ptr_array_sort(names, compare_names); /* same order on every machine */

    kp_rules *rules = rules_new();
    bool ok = true;
    for (guint i = 0; i < names->len && ok; i++) {
        const char *file = g_ptr_array_index(names, i);
        char *set = g_strndup(file, strlen(file) - 6);
        char *path = g_build_filename(dir, file, NULL);
        ok = parse_rule_file(rules, path, set, err);
        g_free(path);
        g_free(set);
    }
    g_ptr_array_free(names, TRUE);
    return rules_finish(rules, ok, dir, err);
}

int rule_match(const kp_rules *rules, const kp_rule *rule, const char *subject,
               size_t len, size_t start, int flags, kp_match *m)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(rule->code, NULL);
    uint32_t opts = PCRE2_NO_UTF_CHECK; /* every subject was validated on input */
    if (flags & KP_MATCH_WHOLE)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    int rc = pcre2_match(rule->code, (PCRE2_SPTR)subject, len, start, opts, md, rules->mctx);
    if (rc < 0) {
        pcre2_match_data_free(md);
        return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
    }
    if (m) {
        m->data = md;
        m->rule = rule;
        m->subject = subject;
    } else {
        pcre2_match_data_free(md);
    }
    return 1;
}

bool kp_match_group(const kp_match *m, int n, size_t *start, size_t *end)
{
    if (n < 0 || (uint32_t)n >= pcre2_get_ovector_count(m->data))
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->data);
    if (ov[2 * n] == PCRE2_UNSET)
        return false;
    *start = ov[2 * n];
    *end = ov[2 * n + 1];
    return true;
}

bool kp_match_named(const kp_match *m, const char *name, size_t *start, size_t *end)
{
    int n = pcre2_substring_number_from_name(m->rule->code, (PCRE2_SPTR)name);
    return n > 0 && kp_match_group(m, n, start, end);
}

char *kp_match_dup(const kp_match *m, int n)
{
    size_t s, e;
    if (!kp_match_group(m, n, &s, &e))
        return NULL;
    return g_strndup(m->subject + s, e - s);
}

void kp_match_free(kp_match *m)
{
    if (m && m->data) {
        pcre2_match_data_free(m->data);
        m->data = NULL;
    }
}

const kp_rule *rules_search(const kp_rules *rules, const char *set, const char *name,
                            const char *s, int flags, kp_match *m)
{
    size_t n;
    const kp_rule *const *rs = rules_set(rules, set, &n);
    size_t len = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (name && strcmp(rs[i]->name, name) != 0)
            continue;
        if (rule_match(rules, rs[i], s, len, 0, flags, m) == 1)
            return rs[i];
    }
    return NULL;
}
