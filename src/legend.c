/* kpipe — verdict legends: "【評価】◎：目標値以上 ○：…" or "改善○、維持△、悪化×"
 * printed near a table give each verdict mark its meaning, which differs by
 * document. Read from any line that is not a KPI row; applied once the whole
 * document is read, since a legend is often printed under its table. */
#include <string.h>

#include "kpipe/spool.h"
#include "parser.h"

#include "i18n.h"

/* A line gives a legend when at least this many entries match: one "A：…"
 * alone is more often a sentence than a legend. */
#define LEGEND_MIN_ENTRIES 2

void legend_free(gpointer data)
{
    legend *l = data;
    g_free(l->scope);
    g_ptr_array_free(l->marks, TRUE);
    g_ptr_array_free(l->meanings, TRUE);
    g_free(l);
}

/* The mark as compared: NFKC (Ｓ → S), 〇 (a kanji zero) as ○, ✕ as ×. */
static char *mark_key(const char *mark)
{
    char *k = cell_key(mark);
    GString *s = g_string_new(NULL);
    for (const char *q = k; *q; q = g_utf8_next_char(q)) {
        gunichar c = g_utf8_get_char(q);
        if (c == 0x3007)
            c = 0x25CB;
        else if (c == 0x2715)
            c = 0x00D7;
        g_string_append_unichar(s, c);
    }
    g_free(k);
    return g_string_free(s, FALSE);
}

/* The entries of one legend rule over TEXT; *FIRST receives where the first
 * one starts. */
static legend *entries_of(const parser *p, const kp_rule *rule, const char *text, size_t *first)
{
    legend *l = g_new0(legend, 1);
    l->marks = g_ptr_array_new_with_free_func(g_free);
    l->meanings = g_ptr_array_new_with_free_func(g_free);
    size_t len = strlen(text), from = 0;
    *first = len;
    kp_match m;
    while (from < len && rule_match(p->rules, rule, text, len, from, 0, &m) == 1) {
        size_t s, e, ms, me;
        kp_match_group(&m, 0, &s, &e);
        char *mark = NULL, *meaning = NULL;
        if (kp_match_named(&m, "mark", &ms, &me))
            mark = g_strndup(text + ms, me - ms);
        if (kp_match_named(&m, "meaning", &ms, &me))
            meaning = g_strndup(text + ms, me - ms);
        kp_match_free(&m);
        if (mark && meaning && *meaning) {
            g_ptr_array_add(l->marks, mark_key(mark));
            g_ptr_array_add(l->meanings, cell_unwrap(meaning));
            *first = MIN(*first, s);
        }
        g_free(mark);
        g_free(meaning);
        from = e > from ? e : (size_t)(g_utf8_next_char(text + from) - text);
    }
    return l;
}

static const char *meaning_in(const legend *l, const char *mark)
{
    for (guint i = 0; i < l->marks->len; i++)
        if (strcmp(g_ptr_array_index(l->marks, i), mark) == 0)
            return g_ptr_array_index(l->meanings, i);
    return NULL;
}

/* The group of marks OCR takes MARK for, where each of its characters
 * (at most MARK_READ_MAX_CHARS: △ read as ハハ) is of one group; NULL
 * otherwise. */
#define MARK_READ_MAX_CHARS 2

static const char *group_of_read_mark(const parser *p, const char *mark)
{
    const char *group = NULL;
    if (g_utf8_strlen(mark, -1) > MARK_READ_MAX_CHARS)
        return NULL;
    for (const char *c = mark; *c; c = g_utf8_next_char(c)) {
        const char *g = mark_group_of(p->rules, g_utf8_get_char(c));
        if (!g || (group && g != group))
            return NULL;
        group = g;
    }
    return group;
}

/* Is U, in TEXT before AFTER (the next character past spaces), where a
 * legend prints a mark: before a colon (へ: for △:), but not a Latin
 * letter or a digit there (A: is a legend's own mark as often as △ read
 * as A); or after a word and before a comma or the end (改善O、 for
 * 改善○、). */
static bool at_legend_mark(gunichar u, gunichar before, const char *after)
{
    bool latin = g_unichar_get_script(u) == G_UNICODE_SCRIPT_LATIN || g_unichar_isdigit(u);
    if (g_str_has_prefix(after, ":") || g_str_has_prefix(after, "："))
        return !latin;
    return char_is_japanese(before) &&
           (!*after || g_utf8_strchr("、,，", -1, g_utf8_get_char(after)));
}

/* TEXT read by OCR with each lookalike of a verdict mark where a legend
 * prints a mark (at_legend_mark; rules/ocr.rules mark-confusable, the mark
 * first) written as the mark, so that a legend whose marks were misread
 * (へ:目標値の8割未満, 維持へ、) is still one; NULL where there is none. */
static char *legend_text_mended(const parser *p, const char *text)
{
    if (p->doc->source.ocr_pages == 0)
        return NULL;
    GString *s = g_string_new(NULL);
    bool mended = false;
    gunichar before = 0;
    for (const char *c = text; *c; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);
        const char *group = mark_group_of(p->rules, u);
        const char *after = g_utf8_next_char(c);
        while (*after == ' ')
            after++;
        if (group && g_utf8_get_char(group) != u && at_legend_mark(u, before, after)) {
            g_string_append_unichar(s, g_utf8_get_char(group));
            mended = true;
        } else {
            g_string_append_unichar(s, u);
        }
        before = u;
    }
    return g_string_free(s, !mended);
}

static void legend_scan_text(parser *p, const char *text, bool mended)
{
    size_t n;
    const kp_rule *const *rs = rules_set(p->rules, "structure", &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rs[i]->name, "legend-entry") != 0)
            continue;
        size_t first;
        legend *l = entries_of(p, rs[i], text, &first);
        if (l->marks->len < LEGEND_MIN_ENTRIES) {
            legend_free(l);
            continue;
        }
        /* the heading it is printed under: 【評価】, 達成度 … */
        char *scope = g_strndup(text, first);
        GString *s = g_string_new(NULL);
        for (const char *q = scope; *q; q = g_utf8_next_char(q)) {
            gunichar c = g_utf8_get_char(q);
            if (g_unichar_isalnum(c) || char_is_japanese(c))
                if (c != 0x3010 && c != 0x3011 && c != 0xFF1A) /* 【】： */
                    g_string_append_unichar(s, c);
        }
        g_free(scope);
        l->scope = cell_key(s->str);
        g_string_free(s, TRUE);
        if (mended)
            document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", 0, 0, NULL, 0, 0,
                              _("A legend's marks read by OCR are taken for the marks they look "
                                "like:「%s」."),
                              text);
        g_ptr_array_add(p->legends, l);
        return; /* one legend a line */
    }
}

void legend_scan(parser *p, const char *text)
{
    char *mended = legend_text_mended(p, text);
    legend_scan_text(p, mended ? mended : text, mended != NULL);
    g_free(mended);
}

/* The meaning of MARK under HEADING: from a legend printed under that
 * heading first, else from any legend that has the mark. */
static const char *meaning_of(const parser *p, const char *heading, const char *mark)
{
    char *hk = cell_key(heading), *mk = mark_key(mark);
    const char *found = NULL, *any = NULL;
    for (guint i = 0; i < p->legends->len && !found; i++) {
        const legend *l = g_ptr_array_index(p->legends, i);
        const char *meaning = meaning_in(l, mk);
        if (!meaning)
            continue;
        if (*l->scope && (strstr(hk, l->scope) || strstr(l->scope, hk)))
            found = meaning;
        else if (!any)
            any = meaning;
    }
    g_free(hk);
    g_free(mk);
    return found ? found : any;
}

/* Is some legend's mark one OCR takes MARK's key for (rules/ocr.rules
 * mark-confusable: 〇 for ○, ※ for ×, へ or ハハ for △)? The legend's mark,
 * or NULL. */
static const char *legend_mark_like(const parser *p, const char *mark)
{
    char *mk = mark_key(mark);
    const char *group = group_of_read_mark(p, mk);
    g_free(mk);
    const char *like = NULL;
    for (guint li = 0; group && li < p->legends->len; li++) {
        const legend *l = g_ptr_array_index(p->legends, li);
        for (guint m = 0; m < l->marks->len; m++) {
            const char *lm = g_ptr_array_index(l->marks, m);
            gunichar c = g_utf8_get_char(lm);
            /* a legend's letter (A: 目標値以上) is a grade, no lookalike of △ */
            if (g_utf8_strlen(lm, -1) != 1 || !g_utf8_strchr(group, -1, c) ||
                g_unichar_get_script(c) == G_UNICODE_SCRIPT_LATIN)
                continue;
            if (like && strcmp(like, lm) != 0)
                return NULL; /* two marks of the group: no telling */
            like = lm;
        }
    }
    return like;
}

/* A mark read by OCR is written as the legend prints it: 〇 read for the
 * legend's ○ is ○; a mark no legend has, but one of its lookalikes, is that
 * lookalike, and said (ocr-uncertain). */
static void mark_as_legend(parser *p, const kp_goal *g, const kp_row *row, kp_evaluation *ev)
{
    if (p->doc->source.ocr_pages == 0)
        return;
    char *mk = mark_key(ev->mark);
    bool known = meaning_of(p, ev->heading, ev->mark) != NULL;
    const char *like = known ? NULL : legend_mark_like(p, ev->mark);
    if (known || like) {
        g_free(ev->mark);
        ev->mark = g_strdup(known ? mk : like);
    }
    if (like)
        document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", g->number, row->number, NULL,
                          row->where.page, row->where.line,
                          _("Goal %d, row %d: the mark read by OCR in「%s」is taken for the "
                            "legend's「%s」, which it looks like."),
                          g->number, row->number, ev->heading, like);
    g_free(mk);
}

typedef struct {
    parser *p;
    const kp_goal *g;
} legend_row;

static void apply_row(kp_row *row, void *ctx)
{
    const legend_row *at = ctx;
    parser *p = at->p;
    for (guint e = 0; e < row->evaluations->len; e++) {
        kp_evaluation *ev = g_ptr_array_index(row->evaluations, e);
        mark_as_legend(p, at->g, row, ev);
        const char *meaning = meaning_of(p, ev->heading, ev->mark);
        g_free(ev->meaning);
        ev->meaning = g_strdup(meaning);
        ev->claim = !meaning ? 0
                    : rules_search(p->rules, "structure", "verdict-unmet", meaning, 0, NULL) ? -1
                    : rules_search(p->rules, "structure", "verdict-met", meaning, 0, NULL)   ? 1
                                                                                             : 0;
    }
}

void legend_apply(parser *p)
{
    for (guint gi = 0; gi < p->doc->goals->len; gi++) {
        kp_goal *g = g_ptr_array_index(p->doc->goals, gi);
        legend_row at = {p, g};
        goal_rows_each(g, true, apply_row, &at);
        for (guint r = 0; r < g->indicators->len; r++)
            apply_row(g_ptr_array_index(g->indicators, r), &at);
    }
}
