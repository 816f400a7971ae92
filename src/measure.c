/* kpipe — a goal's measures (具体的施策): the measure a cell names, by its
 * number (①, (1)) or, unnumbered, by its title; in a document read by OCR,
 * a number that is doubtful — read as two (③④), a lookalike (⑧ for ③),
 * beyond the next, or one the summary list does not name — is found again
 * by the measure's title, and said (ocr-uncertain). */
#include <string.h>

#include "parser.h"

#include "i18n.h"

/* The measure of GOAL whose title (as the summary list or a detail table
 * prints it) is TITLE, or NULL. */
static kp_measure *measure_titled(kp_goal *goal, const char *title)
{
    char *key = cell_key(title);
    kp_measure *found = NULL;
    for (guint i = 0; i < goal->measures->len && !found; i++) {
        kp_measure *m = g_ptr_array_index(goal->measures, i);
        const char *t[] = {m->summary_title, m->detail_title};
        for (int k = 0; k < 2 && !found; k++) {
            char *mk = t[k] ? cell_key(t[k]) : NULL;
            if (mk && strcmp(mk, key) == 0)
                found = m;
            g_free(mk);
        }
    }
    g_free(key);
    return found;
}

static int goal_last_measure(const kp_goal *goal)
{
    int max = 0;
    for (guint i = 0; i < goal->measures->len; i++)
        max = MAX(max, ((kp_measure *)g_ptr_array_index(goal->measures, i))->number);
    return max;
}

/* A measure title read by OCR within this share of its length (edit
 * distance, one at least) of a measure's is that measure's: a character or
 * two misread or lost, while titles of two measures (①商工業の振興,
 * ②農業の振興) share more. */
#define MEASURE_TITLE_NEAR_SHARE 0.2

/* The distance of KEY to measure M's nearest title, or G_MAXUINT. */
static guint measure_title_distance(const kp_measure *m, const char *key, guint most)
{
    const char *t[] = {m->summary_title, m->detail_title};
    guint best = G_MAXUINT;
    for (int k = 0; k < 2; k++) {
        char *mk = t[k] ? cell_key(t[k]) : NULL;
        guint d = mk ? cell_key_distance(mk, key, most) : G_MAXUINT;
        g_free(mk);
        if (d <= most)
            best = MIN(best, d);
    }
    return best;
}

/* The measure of GOAL whose title TITLE (read by OCR) is nearest, within
 * MEASURE_TITLE_NEAR_SHARE; NULL when none is, or two are as near. */
static kp_measure *measure_titled_near(kp_goal *goal, const char *title)
{
    char *key = cell_key(title);
    guint most = MAX(1, (guint)(g_utf8_strlen(key, -1) * MEASURE_TITLE_NEAR_SHARE));
    guint best = G_MAXUINT;
    kp_measure *found = NULL;
    bool tie = false;
    for (guint i = 0; i < goal->measures->len && *key; i++) {
        kp_measure *m = g_ptr_array_index(goal->measures, i);
        guint d = measure_title_distance(m, key, most);
        if (d == G_MAXUINT || d > best)
            continue;
        tie = d == best;
        best = d;
        found = m;
    }
    g_free(key);
    return tie ? NULL : found;
}

/* Does GOAL have a summary list that does not name measure N? */
static bool unlisted_measure(const kp_goal *goal, int n)
{
    bool listed = false;
    for (guint i = 0; i < goal->measures->len; i++) {
        const kp_measure *m = g_ptr_array_index(goal->measures, i);
        if (m->summary_title && m->number == n)
            return false;
        listed |= m->summary_title != NULL;
    }
    return listed;
}

/* In a document read by OCR, measure N as read with TITLE, or, where N is
 * doubtful — beyond the next one, a measure of another title, or in a
 * DETAIL table one the goal's summary list does not name — the measure
 * whose title TITLE is (③④商工業の振興 read for ②商工業の振興). */
static int measure_by_title(const parser *p, kp_goal *goal, int n, const char *title, bool detail)
{
    if (p->doc->source.ocr_pages == 0 || !title || !*title)
        return n;
    kp_measure *had = goal_measure(goal, n, false);
    char *key = cell_key(title);
    guint most = MAX(1, (guint)(g_utf8_strlen(key, -1) * MEASURE_TITLE_NEAR_SHARE));
    bool titled = had && (had->summary_title || had->detail_title);
    bool doubtful = n > goal_last_measure(goal) + 1 ||
                    (titled && measure_title_distance(had, key, most) == G_MAXUINT) ||
                    (detail && unlisted_measure(goal, n));
    g_free(key);
    kp_measure *near = doubtful ? measure_titled_near(goal, title) : NULL;
    return near ? near->number : n;
}

/* A measure number read by OCR beyond the next one (⑧ after ②) whose
 * lookalike (rules/ocr.rules number-confusable: 3 and 8) is the next one or
 * one already seen is that lookalike: measures are numbered in order, and
 * OCR takes circled 3 for 8. Said (ocr-uncertain). */
static int measure_number_as_read(parser *p, const kp_goal *goal, int n, const kp_location *where)
{
    int last = goal_last_measure(goal);
    if (p->doc->source.ocr_pages == 0 || n <= last + 1)
        return n;
    size_t count = 0;
    const kp_rule *const *rs = rules_set(p->rules, "ocr", &count);
    for (size_t i = 0; i < count; i++) {
        const char *pair = rs[i]->pattern;
        if (strcmp(rs[i]->name, "number-confusable") != 0 || strlen(pair) != 2 || n > 9)
            continue;
        int a = pair[0] - '0', b = pair[1] - '0';
        int other = n == a ? b : n == b ? a : -1;
        if (other < 1 || other > last + 1)
            continue;
        say_once(p, goal->number, where,
                 g_strdup_printf(_("Goal %d: a measure numbered %d (read by OCR) after measure "
                                   "%d is taken for measure %d, which its number looks like."),
                                 goal->number, n, last, other));
        return other;
    }
    return n;
}

/* A measure number read by OCR twice over (③④江別市…: one circled number
 * read as two): in a summary list, which names each measure once, the one
 * of the two that follows the goal's last measure; in a detail table,
 * where a measure's rows follow one another, the first unless it lies
 * beyond the next measure. The second is taken off TITLE. Said
 * (ocr-uncertain). */
static void number_read_twice(parser *p, const kp_goal *goal, int *n, char **title,
                              const kp_location *where, bool detail)
{
    int second = *title ? circled_number(g_utf8_get_char(*title)) : 0;
    if (p->doc->source.ocr_pages == 0 || !second)
        return;
    int first = *n, next = goal_last_measure(goal) + 1;
    if (detail ? first > next && second <= next : second == next && first != next)
        *n = second;
    char *rest = g_strdup(g_utf8_next_char(*title));
    g_free(*title);
    *title = g_strchug(rest);
    say_once(p, goal->number, where,
             g_strdup_printf(_("Goal %d: a measure number read by OCR as two (%d and %d) is "
                               "taken for measure %d, the one that follows in order."),
                             goal->number, first, second, *n));
}

int measure_of_cell(parser *p, kp_goal *goal, const char *cell, const kp_location *where,
                    bool detail)
{
    int n = 0;
    char *title = NULL;
    char *text = trimmed(cell);
    kp_measure *m = NULL;
    if (match_numbered(p, "measure", text, &n, &title)) {
        number_read_twice(p, goal, &n, &title, where, detail);
        int by_title = measure_by_title(p, goal, n, title, detail);
        m = goal_measure(goal, by_title != n ? by_title : measure_number_as_read(p, goal, n, where),
                         true);
    } else if (*text) {
        /* printed without a number: numbered in order of first appearance */
        m = measure_titled(goal, text);
        if (!m && p->doc->source.ocr_pages > 0)
            m = measure_titled_near(goal, text); /* its number lost (② read as る) */
        if (!m)
            m = goal_measure(goal, goal_last_measure(goal) + 1, true);
        title = g_strdup(text);
    }
    g_free(text);
    if (!m) {
        g_free(title);
        return 0;
    }
    char **slot = detail ? &m->detail_title : &m->summary_title;
    if (!*slot) {
        *slot = title;
        title = NULL;
        if (detail)
            m->where = *where;
        else
            m->summary_where = *where;
    }
    g_free(title);
    return m->number;
}
