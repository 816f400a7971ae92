/* kpipe — grid to document (see include/kpipe/parse.h).
 *
 * One pass over the grid lines. A goal line sets the goal the lines below
 * belong to; a line of column headings (with the goal in its first cell or
 * not) starts a detail table (table.c); other lines after a goal are its
 * summary list (as lines, or as a table with the goal merged down the left)
 * or its 数値目標; lines before the first goal are the front matter, where the
 * title, the municipality and the plan period are found. */
#include "kpipe/parse.h"

#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpipe/limits.h"
#include "kpipe/quantity.h"
#include "kpipe/spool.h"
#include "parser.h"

/* ---- small helpers ---------------------------------------------------- */

char *trimmed(const char *s)
{
    char *t = g_strdup(s);
    /* g_strstrip knows only ASCII spaces; cells also carry U+3000 */
    char *u = cell_unwrap(t);
    g_free(t);
    return u;
}

bool cell_blank(const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p)))
            return false;
    return true;
}

guint nonblank_cells(const kp_grid_line *line)
{
    guint n = 0;
    for (guint i = 0; i < line->cells->len; i++)
        n += !cell_blank(g_ptr_array_index(line->cells, i));
    return n;
}

char *nfkc(const char *s)
{
    return cell_nfkc(s);
}

/* The number DIGITS print, or -1 beyond KP_MAX_NUMBER (a misread, never a
 * goal or a row: it must not wrap into a small one); 0 for none. */
static int number_of(const char *digits)
{
    char *k = cell_key(digits);
    int v = 0;
    for (const char *q = k; g_ascii_isdigit(*q) && v >= 0; q++)
        v = v > KP_MAX_NUMBER / 10 ? -1 : v * 10 + (*q - '0');
    g_free(k);
    return v > KP_MAX_NUMBER ? -1 : v;
}

char *heading_text(const char *s)
{
    /* letter-spaced: every space-separated piece one character ("K P I") */
    char *u = cell_unwrap(s);
    bool spaced = strchr(u, ' ') != NULL;
    for (const char *q = u; *q && spaced; q = g_utf8_next_char(q)) {
        const char *next = g_utf8_next_char(q);
        if (*q != ' ' && *next && *next != ' ')
            spaced = false;
    }
    if (!spaced)
        return u;
    char *joined = cell_strip_spaces(u);
    g_free(u);
    return joined;
}

int circled_number(gunichar c)
{
    if (c >= 0x2460 && c <= 0x2473)
        return (int)(c - 0x2460) + 1; /* ①–⑳ */
    if (c >= 0x3251 && c <= 0x325F)
        return (int)(c - 0x3251) + 21; /* ㉑–㉟ */
    if (c >= 0x32B1 && c <= 0x32BF)
        return (int)(c - 0x32B1) + 36; /* ㊱–㊿ */
    if (c >= 0x2776 && c <= 0x277F)
        return (int)(c - 0x2776) + 1; /* ❶–❿ */
    return 0;
}

int numbering_value(const char *token)
{
    gunichar c = g_utf8_get_char(token);
    if (c >= 0x2160 && c <= 0x216B)
        return (int)(c - 0x2160) + 1; /* Ⅰ–Ⅻ */
    int v = circled_number(c);
    return v ? v : number_of(token);
}

const char *mark_group_of(const kp_rules *rules, gunichar c)
{
    size_t n = 0;
    const kp_rule *const *rs = rules_set(rules, "ocr", &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rs[i]->name, "mark-confusable") && g_utf8_strchr(rs[i]->pattern, -1, c))
            return rs[i]->pattern;
    return NULL;
}

/* Bytes of closing brackets (and spaces) at the start of S. */
static size_t strspn_closing(const char *s)
{
    const char *p = s;
    while (*p) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c) && g_unichar_type(c) != G_UNICODE_CLOSE_PUNCTUATION)
            break;
        p = g_utf8_next_char(p);
    }
    return (size_t)(p - s);
}

/* A name OCR read that differs from one read elsewhere in the document by
 * at most this share of its characters (edit distance) is that name
 * misread in one of the two places: a goal's title of a goal already read
 * (goal_titled_near), a detail table's KPI name or measure title of its
 * goal's summary list (names_from_summary). */
#define OCR_NAME_NEAR_SHARE 0.34

/* The number of the goal already read whose title TITLE is near, or 0;
 * *HIGHEST gets the highest goal number read. */
static int goal_titled_near(const parser *p, const char *title, int *highest)
{
    int found = 0;
    char *key = cell_key(title);
    guint most = (guint)(g_utf8_strlen(key, -1) * OCR_NAME_NEAR_SHARE);
    *highest = 0;
    for (guint i = 0; i < p->doc->goals->len; i++) {
        const kp_goal *g = g_ptr_array_index(p->doc->goals, i);
        const char *titles[] = {g->summary_title, g->detail_title, g->title};
        for (size_t t = 0; t < G_N_ELEMENTS(titles) && *key && !found; t++) {
            char *k = titles[t] ? cell_key(titles[t]) : NULL;
            if (k && cell_key_distance(k, key, most) <= most)
                found = g->number;
            g_free(k);
        }
        *highest = MAX(*highest, g->number);
    }
    g_free(key);
    return found;
}

/* An ocr-uncertain warning about goal GOAL (at WHERE, or NULL), once
 * however often the cell that gives it is read. */
void say_once(const parser *p, int goal, const kp_location *where, char *message)
{
    for (guint i = 0; i < p->doc->diagnostics->len; i++) {
        const kp_diagnostic *d = g_ptr_array_index(p->doc->diagnostics, i);
        if (d->goal == goal && !strcmp(d->code, "ocr-uncertain") && !strcmp(d->message, message)) {
            g_free(message);
            return;
        }
    }
    document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", goal, 0, NULL,
                      where ? where->page : 0, where ? where->line : 0, "%s", message);
    g_free(message);
}

/* In a document read by OCR, CELL as a goal heading whose number was
 * misread (基本目標Ⅱ as 基本目標|; rules/ocr.rules goal-misread): the goal of
 * that title already read, else the one after the highest read so far. */
static bool match_misread_goal(const parser *p, const char *text, int *number, char **title)
{
    kp_match m;
    if (p->doc->source.ocr_pages == 0 || !rules_find(p->rules, "ocr", "goal-misread") ||
        !rules_search(p->rules, "ocr", "goal-misread", text, 0, &m))
        return false;
    char *rest = kp_match_dup(&m, 1);
    kp_match_free(&m);
    *title = cell_unwrap(rest ? rest : "");
    g_free(rest);
    int highest = 0, near = goal_titled_near(p, *title, &highest);
    *number = near ? near : highest + 1;
    say_once(p, *number, NULL,
                     g_strdup_printf(_("A goal heading read by OCR as「%s」has no number that "
                                       "can be read; it is taken for goal %d."),
                                     text, *number));
    return true;
}

/* A goal number read by OCR from this on, beyond the one after the highest
 * read so far, is a misread (【基本目標1】 read as 【基本目標11】): strategies
 * have a handful of goals, and print them out of order only below ten
 * (OCR gives the text around tables in its own order). */
#define GOAL_NUMBER_DOUBTFUL 10

/* In a document read by OCR, goal N as read, or, where N is doubtful, the
 * goal it must be: the goal of its title already read, else the one after
 * the highest read so far. */
static int goal_number_in_order(const parser *p, int n, const char *title, const char *text)
{
    if (p->doc->source.ocr_pages == 0 || n < GOAL_NUMBER_DOUBTFUL)
        return n;
    int highest = 0, near = goal_titled_near(p, title, &highest);
    if (n <= highest + 1)
        return n;
    int goal = near ? near : highest + 1;
    if (goal != n)
        say_once(p, goal, NULL,
                         g_strdup_printf(_("A goal heading read by OCR as「%s」is taken for goal "
                                           "%d, by its title and the goals before it."),
                                         text, goal));
    return goal;
}

bool match_numbered(const parser *p, const char *name, const char *cell, int *number,
                           char **title)
{
    kp_match m;
    char *text = cell_unwrap(cell); /* a narrow cell wraps: 基 本 目 標1 */
    const kp_rule *hit = rules_search(p->rules, "structure", name, text, 0, &m);
    if (!hit) {
        bool misread = !strcmp(name, "goal") && match_misread_goal(p, text, number, title);
        g_free(text);
        return misread;
    }
    char *num = kp_match_dup(&m, 1);
    char *rest = kp_match_dup(&m, 2);
    kp_match_free(&m);
    *number = num ? numbering_value(num) : 0;
    *title = cell_unwrap(rest ? rest : "");
    if (*number > 0 && !strcmp(name, "goal"))
        *number = goal_number_in_order(p, *number, *title, text);
    /* no title begins with a closing bracket: one is the number's, read or
     * printed apart from it (【基本目標1 】title, a 】 OCR set after a space) */
    size_t skip = strspn_closing(*title);
    if (skip)
        memmove(*title, *title + skip, strlen(*title + skip) + 1);
    g_free(num);
    g_free(rest);
    g_free(text);
    return *number > 0;
}

/* Pieces of S between the matches of RULE (structure set). */
static GPtrArray *split_by(const kp_rules *rules, const char *rule_name, const char *s)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    const kp_rule *rule = rules_find(rules, "structure", rule_name);
    size_t len = strlen(s), from = 0, piece = 0;
    while (rule && from <= len) {
        kp_match m;
        if (rule_match(rules, rule, s, len, from, 0, &m) != 1)
            break;
        size_t ms, me;
        kp_match_group(&m, 0, &ms, &me);
        kp_match_free(&m);
        if (me == ms) { /* an empty match: step over one character */
            if (ms >= len)
                break;
            from = (size_t)(g_utf8_next_char(s + ms) - s);
            continue;
        }
        g_ptr_array_add(parts, g_strndup(s + piece, ms - piece));
        piece = from = me;
    }
    g_ptr_array_add(parts, g_strdup(s + piece));
    return parts;
}

static GPtrArray *split_spaces(const char *s)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    for (const char *q = s;; q = g_utf8_next_char(q)) {
        gunichar c = g_utf8_get_char(q);
        if (!c || g_unichar_isspace(c)) {
            if (cur->len)
                g_ptr_array_add(parts, g_strdup(cur->str));
            g_string_truncate(cur, 0);
            if (!c)
                break;
        } else {
            g_string_append_unichar(cur, c);
        }
    }
    g_string_free(cur, TRUE);
    return parts;
}

static void add_unwrapped(GPtrArray *to, const char *piece)
{
    char *u = cell_unwrap(piece);
    if (*u)
        g_ptr_array_add(to, u);
    else
        g_free(u);
}

/* ---- cells ------------------------------------------------------------ */

/* The end of a project name (事業, 補助金, センター …) lies within this many bytes
 * of what is gathered, a wrapped line's space included. */
#define PROJECT_TAIL_BYTES 64

void parse_projects(const kp_rules *rules, const char *cell, kp_row *row)
{
    GString *work = g_string_new(cell);
    kp_match m;
    size_t s, e;
    while (rules_search(rules, "structure", "relisted", work->str, 0, &m)) {
        row->relisted = true;
        kp_match_group(&m, 0, &s, &e);
        g_string_erase(work, (gssize)s, (gssize)(e - s));
        kp_match_free(&m);
    }
    while (rules_search(rules, "structure", "project-department", work->str, 0, &m)) {
        char *dept = kp_match_dup(&m, 1);
        char *name = cell_unwrap(dept ? dept : "");
        if (*name)
            row_add_remark(row, "担当課", name);
        g_free(name);
        g_free(dept);
        kp_match_group(&m, 0, &s, &e);
        g_string_erase(work, (gssize)s, (gssize)(e - s));
        kp_match_free(&m);
    }
    while (rules_search(rules, "structure", "remark", work->str, 0, &m)) {
        char *remark = kp_match_dup(&m, 1);
        add_unwrapped(row->notes, remark ? remark : "");
        g_free(remark);
        kp_match_group(&m, 0, &s, &e);
        g_string_erase(work, (gssize)s, (gssize)(e - s));
        kp_match_free(&m);
    }
    char *rest = cell_unwrap(work->str);
    bool none = !*rest || rules_search(rules, "structure", "no-project", rest, 0, NULL);
    g_free(rest);
    if (none) {
        g_string_free(work, TRUE);
        return;
    }

    /* Whitespace is either a wrapped line or a gap between two projects. */
    GPtrArray *words = split_spaces(work->str);
    g_string_free(work, TRUE);
    GString *cur = g_string_new(NULL);
    for (guint i = 0; i < words->len; i++) {
        const char *w = g_ptr_array_index(words, i);
        /* does what is gathered end a project name? Only its tail can
         * ("児童ク ラブ" ends in クラブ): tested alone, so a cell of 100,000
         * words is not read again for every word */
        const char *tail = cur->str + (cur->len > PROJECT_TAIL_BYTES ? cur->len - PROJECT_TAIL_BYTES : 0);
        while (tail > cur->str && (*tail & 0xC0) == 0x80)
            tail--; /* a character's first byte */
        char *joined = cell_unwrap(tail);
        bool ends = cur->len && rules_search(rules, "structure", "project-end", joined, 0, NULL);
        g_free(joined);
        if (ends && !rules_search(rules, "structure", "project-tail", w, 0, NULL)) {
            add_unwrapped(row->projects, cur->str);
            g_string_truncate(cur, 0);
        }
        if (cur->len)
            g_string_append_c(cur, ' ');
        g_string_append(cur, w);
    }
    if (cur->len)
        add_unwrapped(row->projects, cur->str);
    g_string_free(cur, TRUE);
    g_ptr_array_free(words, TRUE);
}

void parse_activities(const kp_rules *rules, const char *cell, kp_row *row)
{
    if (rules_search(rules, "structure", "list", cell, 0, NULL)) {
        bool items = rules_search(rules, "structure", "list-item", cell, 0, NULL) != NULL;
        GPtrArray *parts = split_by(rules, items ? "list-item" : "list-tag", cell);
        for (guint i = 0; i < parts->len; i++) {
            GPtrArray *clean = split_by(rules, "list-tag", g_ptr_array_index(parts, i));
            g_ptr_array_add(clean, NULL);
            char *text = g_strjoinv(" ", (char **)clean->pdata);
            if (items) {
                add_unwrapped(row->activities, text);
            } else {
                /* a list without <li>: the items stand apart by spaces */
                GPtrArray *words = split_spaces(text);
                for (guint w = 0; w < words->len; w++)
                    add_unwrapped(row->activities, g_ptr_array_index(words, w));
                g_ptr_array_free(words, TRUE);
            }
            g_free(text);
            g_ptr_array_free(clean, TRUE);
        }
        g_ptr_array_free(parts, TRUE);
        return;
    }
    GPtrArray *parts = split_by(rules, "bullet", cell);
    for (guint i = 0; i < parts->len; i++)
        add_unwrapped(row->activities, g_ptr_array_index(parts, i));
    g_ptr_array_free(parts, TRUE);
}

/* ---- goals and measures ---------------------------------------------- */

kp_goal *detail_goal(parser *p, int number, char *title, const kp_location *where)
{
    kp_goal *g = document_goal(p->doc, number, true);
    g->in_detail = true;
    if (!g->detail_seq)
        g->detail_seq = ++p->detail_goals;
    if (!g->detail_title && title && *title) {
        g->detail_title = title;
        title = NULL;
    }
    if (!g->where.page && !g->where.line)
        g->where = *where;
    g_free(title);
    return g;
}

/* ---- summary list ----------------------------------------------------- */

static void summary_kpis(parser *p, const kp_grid_line *line, guint from, guint to)
{
    if (!p->summary_measure)
        return;
    for (guint i = from; i < line->cells->len && i < to; i++) {
        char *name = cell_unwrap(g_ptr_array_index(line->cells, i));
        if (*name)
            g_ptr_array_add(p->summary_measure->kpis, name);
        else
            g_free(name);
    }
}

/* A line of the summary list, cells from FROM: "①title⇥KPI", "⇥KPI", or,
 * printed as a table, the measure and KPI columns found by its heading. */
static void summary_line(parser *p, const kp_grid_line *line, guint from)
{
    kp_goal *g = p->summary_goal;
    if (p->sum_measure_col >= 0 && p->sum_kpi_col >= 0) {
        const char *mc = grid_cell(line, (guint)p->sum_measure_col);
        if (!cell_blank(mc)) {
            int n = measure_of_cell(p, g, mc, &line->where, false);
            p->summary_measure = n ? goal_measure(g, n, false) : NULL;
        }
        summary_kpis(p, line, (guint)p->sum_kpi_col, (guint)p->sum_kpi_col + 1);
        return;
    }
    guint kpi_from = from;
    for (guint i = from; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        if (cell_blank(cell))
            continue;
        int n;
        char *title = NULL;
        if (match_numbered(p, "measure", cell, &n, &title)) {
            n = measure_of_cell(p, g, cell, &line->where, false);
            p->summary_measure = goal_measure(g, n, false);
            kpi_from = i + 1;
        }
        g_free(title);
        break; /* a KPI name in the first cell, or a measure */
    }
    summary_kpis(p, line, kpi_from, G_MAXUINT);
}

static void summary_goal(parser *p, int number, char *title, const kp_grid_line *line)
{
    kp_goal *g = document_goal(p->doc, number, true);
    g->in_summary = true;
    if (!g->summary_seq) {
        g->summary_seq = ++p->summary_goals;
        g->summary_where = line->where;
    }
    if (!g->summary_title && title && *title) {
        g->summary_title = title;
        title = NULL;
    }
    g_free(title);
    p->summary_goal = g;
    p->goal = g;
    p->summary_measure = NULL;
    p->line_measure = 0;
}

/* Headings of a summary table are short (具体的施策, 重要業績評価指標(KPI)). */
#define SUMMARY_HEADING_MAX_CHARS 16

/* A heading line of a summary list printed as a table: 基本目標 | 具体的施策 |
 * KPI, and no figure column. */
static bool summary_heading(parser *p, const kp_grid_line *line)
{
    int goal = -1, measure = -1, kpi = -1;
    for (guint i = 0; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        int n;
        char *title = NULL;
        bool numbered = match_numbered(p, "measure", cell, &n, &title);
        g_free(title);
        if (numbered)
            return false; /* ①施策名: a line of the list itself */
        char *key = cell_key(cell);
        int fy;
        column_role role = *key && g_utf8_strlen(key, -1) <= SUMMARY_HEADING_MAX_CHARS
                               ? parser_heading_role(p, key, &fy)
                               : ROLE_NONE;
        g_free(key);
        if (role_is_figure(role))
            return false;
        if (role == ROLE_GOAL && goal < 0)
            goal = (int)i;
        else if (role == ROLE_MEASURE && measure < 0)
            measure = (int)i;
        else if (role == ROLE_KPI && kpi < 0)
            kpi = (int)i;
    }
    if (measure < 0 || kpi < 0)
        return false;
    p->sum_goal_col = goal;
    p->sum_measure_col = measure;
    p->sum_kpi_col = kpi;
    return true;
}

/* ---- goal-level numerical targets (数値目標) ------------------------------ */

static kp_quantity *line_figure(parser *p, const char *rule, const char *text)
{
    kp_match m;
    if (!rules_search(p->rules, "structure", rule, text, 0, &m))
        return NULL;
    char *cell = kp_match_dup(&m, 1);
    kp_match_free(&m);
    kp_figure_check check;
    kp_quantity *q = cell ? quantity_parse_in(p->rules, cell, NULL, &check) : NULL;
    g_free(cell);
    if (q && !q->has_value) {
        quantity_free(q);
        q = NULL;
    }
    return q;
}

/* Where the first labelled figure (基準値 …, 目標値 …) of TEXT starts. */
static size_t label_start(parser *p, const char *text)
{
    static const char *const labels[] = {"line-baseline", "line-target"};
    size_t first = strlen(text);
    for (size_t i = 0; i < G_N_ELEMENTS(labels); i++) {
        kp_match m;
        size_t s, e;
        if (rules_search(p->rules, "structure", labels[i], text, 0, &m)) {
            if (kp_match_group(&m, 0, &s, &e))
                first = MIN(first, s);
            kp_match_free(&m);
        }
    }
    return first;
}

/* "《数値目標》…" under a goal: one indicator, its figures where labelled.
 * TEXT is the line's cells joined by spaces, as printed. */
static bool indicator_line(parser *p, const char *text, const kp_location *where)
{
    kp_match m;
    if (!p->goal || !rules_search(p->rules, "structure", "indicator-line", text, 0, &m))
        return false;
    char *rest = kp_match_dup(&m, 1);
    kp_match_free(&m);
    if (!rest)
        return false;
    kp_row *row = row_new();
    row->seq = p->rows++;
    row->where = *where;
    row->number = (int)p->goal->indicators->len + 1;
    char *name = g_strndup(rest, label_start(p, rest));
    row->kpi_name = cell_unwrap(name);
    row->baseline = line_figure(p, "line-baseline", rest);
    row->target = line_figure(p, "line-target", rest);
    g_free(name);
    g_free(rest);
    g_ptr_array_add(p->goal->indicators, row);
    return true;
}

/* ---- the front matter ----------------------------------------------------- */

/* LINE's cells joined by spaces, as printed. */
static char *line_raw(const kp_grid_line *line)
{
    GString *joined = g_string_new(NULL);
    for (guint i = 0; i < line->cells->len; i++) {
        if (i)
            g_string_append_c(joined, ' ');
        g_string_append(joined, g_ptr_array_index(line->cells, i));
    }
    return g_string_free(joined, FALSE);
}

/* LINE as one text, wrapping and letter-spacing removed. */
static char *line_joined(const kp_grid_line *line)
{
    char *raw = line_raw(line);
    char *text = heading_text(raw);
    g_free(raw);
    return text;
}

static void front_period(parser *p, const char *text)
{
    kp_document *doc = p->doc;
    kp_match m;
    if (!doc->has_period && rules_search(p->rules, "structure", "period", text, 0, &m)) {
        char *a = kp_match_dup(&m, 1), *b = kp_match_dup(&m, 2);
        int first = a ? fiscal_year_parse(p->rules, a, true) : 0;
        int last = b ? fiscal_year_parse(p->rules, b, true) : 0;
        if (first && last && first <= last) {
            doc->era_years |= fiscal_year_era(p->rules, a);
            doc->has_period = true;
            doc->first_fy = first;
            doc->last_fy = last;
        }
        g_free(a);
        g_free(b);
        kp_match_free(&m);
    }
    if (!p->report_fy && rules_search(p->rules, "structure", "report-year", text, 0, &m)) {
        char *y = kp_match_dup(&m, 1);
        p->report_fy = y ? fiscal_year_parse(p->rules, y, false) : 0;
        g_free(y);
        kp_match_free(&m);
    }
}

static void front_line_free(gpointer data)
{
    front_line *f = data;
    g_free(f->text);
    g_free(f);
}

static void front_matter(parser *p, const kp_grid_line *line)
{
    char *text = line_joined(line);
    front_period(p, text);
    if (!p->front_done && *text) {
        front_line *f = g_new0(front_line, 1);
        f->text = text;
        f->size = line->size;
        f->where = line->where;
        g_ptr_array_add(p->front, f);
        return;
    }
    g_free(text);
}

/* TEXT as a title: the whole line, or its part up to the strategy's name
 * where a report on it follows (…総合戦略 令和3年度効果検証); NULL when it
 * is no title (a period line, a report or committee line). */
static char *title_of(const parser *p, const char *text)
{
    if (!rules_search(p->rules, "structure", "title", text, 0, NULL) ||
        rules_search(p->rules, "structure", "period", text, 0, NULL))
        return NULL;
    if (!rules_search(p->rules, "structure", "not-title", text, 0, NULL))
        return g_strdup(text);
    kp_match m;
    char *head = NULL;
    if (rules_search(p->rules, "structure", "title-end", text, 0, &m)) {
        head = kp_match_dup(&m, 0);
        kp_match_free(&m);
    }
    if (head && rules_search(p->rules, "structure", "not-title", head, 0, NULL)) {
        g_free(head); /* 「…に係るKPI一覧」: a report that names the strategy */
        head = NULL;
    }
    return head;
}

/* Lines printed in the same size as one (within 3%): a heading broken. */
#define SAME_SIZE 0.03
/* A heading is printed at least this much larger than the front matter's
 * smallest line; a line of body size is never joined to the title. */
#define HEADING_SIZE 1.2
/* Two lines of one heading stand at most this far apart (in line heights). */
#define HEADING_GAP 0.8

static double smallest_size(const GPtrArray *front)
{
    double m = G_MAXDOUBLE;
    for (guint i = 0; i < front->len; i++)
        m = MIN(m, ((front_line *)g_ptr_array_index(front, i))->size);
    return m;
}

/* Is B (next to the title line A) the rest of a heading broken over lines? */
static bool heading_goes_on(const parser *p, const front_line *a, const front_line *b)
{
    const front_line *upper = a->where.bbox[1] <= b->where.bbox[1] ? a : b;
    const front_line *lower = upper == a ? b : a;
    return a->size > 0 && b->size > 0 && fabs(a->size - b->size) <= SAME_SIZE * a->size &&
           a->where.page == b->where.page &&
           lower->where.bbox[1] - upper->where.bbox[3] <= HEADING_GAP * a->size &&
           !rules_search(p->rules, "structure", "period", b->text, 0, NULL) &&
           !rules_search(p->rules, "structure", "not-title", b->text, 0, NULL);
}

/* The title line BEST with the lines next to it in its size: a long title
 * broken over two lines is one. */
static char *title_lines(parser *p, const front_line *best)
{
    guint at = 0;
    while (g_ptr_array_index(p->front, at) != best)
        at++;
    guint first = at, last = at;
    if (best->size >= HEADING_SIZE * smallest_size(p->front)) {
        while (first > 0 && heading_goes_on(p, best, g_ptr_array_index(p->front, first - 1)))
            first--;
        while (last + 1 < p->front->len &&
               heading_goes_on(p, best, g_ptr_array_index(p->front, last + 1)))
            last++;
    }
    GString *s = g_string_new(NULL);
    for (guint i = first; i <= last; i++)
        g_string_append(s, ((front_line *)g_ptr_array_index(p->front, i))->text);
    char *title = heading_text(s->str);
    g_string_free(s, TRUE);
    return title;
}

/* The title: the largest line of the front matter that names a 戦略 or 計画
 * (the first such line where sizes are not known), else the first line that
 * is not a period line. */
static void choose_title(parser *p)
{
    kp_document *doc = p->doc;
    const front_line *best = NULL, *first = NULL;
    char *best_text = NULL;
    for (guint i = 0; i < p->front->len; i++) {
        const front_line *f = g_ptr_array_index(p->front, i);
        if (!first && !rules_search(p->rules, "structure", "period", f->text, 0, NULL))
            first = f;
        char *t = title_of(p, f->text);
        if (t && (!best || f->size > best->size * 1.05)) {
            best = f;
            g_free(best_text);
            best_text = t;
        } else {
            g_free(t);
        }
    }
    if (best && strcmp(best_text, best->text) == 0) {
        doc->title = title_lines(p, best);
        g_free(best_text);
    } else if (best) {
        doc->title = best_text; /* a report's suffix cut off: no line to join */
    } else if (first) {
        doc->title = g_strdup(first->text);
    }
    kp_match m;
    /* the municipality: from the title, else the other front lines in order */
    for (guint i = 0; i <= p->front->len && !doc->municipality; i++) {
        const char *text = i == 0 ? doc->title
                                  : ((front_line *)g_ptr_array_index(p->front, i - 1))->text;
        if (text && rules_search(p->rules, "structure", "municipality", text, 0, &m)) {
            doc->municipality = kp_match_dup(&m, 1);
            kp_match_free(&m);
        }
    }
    if (!doc->title)
        document_diagnose(doc, KP_SEV_WARNING, "no-title", 0, 0, NULL, 0, 0,
                          _("The document has no title line naming its 戦略 or 計画 above the "
                            "tables."));
    else if (!doc->municipality)
        document_diagnose(doc, KP_SEV_INFO, "no-municipality", 0, 0, NULL, 0, 0,
                          _("No municipality (…市, …町, …村) is named in the title lines."));
}

/* ---- the document ----------------------------------------------------- */

static gint int_compare(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Names a KPI as the summary list does, where the two agree but for wrapping
 * and full-width forms: first among the KPIs of the row's own measure, then
 * among the goal's. LISTED maps "measure|key" and "key" to the listed name. */
static GHashTable *listed_kpis(const kp_goal *g)
{
    GHashTable *listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < g->measures->len; i++) {
        const kp_measure *m = g_ptr_array_index(g->measures, i);
        for (guint k = 0; k < m->kpis->len; k++) {
            const char *name = g_ptr_array_index(m->kpis, k);
            char *key = cell_key(name);
            char *own = g_strdup_printf("%d|%s", m->number, key);
            if (!g_hash_table_contains(listed, own))
                g_hash_table_insert(listed, own, (gpointer)name);
            else
                g_free(own);
            if (!g_hash_table_contains(listed, key))
                g_hash_table_insert(listed, key, (gpointer)name);
            else
                g_free(key);
        }
    }
    return listed;
}

static void resolve_kpi_name(GHashTable *listed, kp_row *row)
{
    if (!row->kpi_name)
        return;
    char *key = cell_key(row->kpi_name);
    char *own = g_strdup_printf("%d|%s", row->measure, key);
    const char *found = g_hash_table_lookup(listed, own);
    if (!found)
        found = g_hash_table_lookup(listed, key);
    if (found && strcmp(found, row->kpi_name) != 0) {
        g_free(row->kpi_name);
        row->kpi_name = g_strdup(found);
    }
    g_free(own);
    g_free(key);
}

/* What finish does to each row of a goal: the KPI name as the summary
 * list gives it (LISTED), the target's year when it prints none. */
typedef struct {
    GHashTable *listed;      /* NULL: names stay */
    int last_fy;
} row_finish;

static void finish_row(kp_row *row, void *ctx)
{
    const row_finish *f = ctx;
    if (f->listed)
        resolve_kpi_name(f->listed, row);
    if (row->target && !row->target->fy)
        row->target->fy = f->last_fy;
}

/* A goal line that lists no measure or KPI under it was a heading, not a
 * summary list. */
static void summary_goals_listed(kp_document *doc)
{
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        kp_goal *g = g_ptr_array_index(doc->goals, gi);
        bool listed = false;
        for (guint i = 0; i < g->measures->len && !listed; i++) {
            const kp_measure *m = g_ptr_array_index(g->measures, i);
            listed = m->summary_title || m->kpis->len;
        }
        if (g->in_summary && !listed) {
            g->in_summary = false;
            g->summary_seq = 0;
        }
    }
}

static void finish(parser *p)
{
    kp_document *doc = p->doc;
    choose_title(p);
    summary_goals_listed(doc);
    legend_apply(p);
    g_array_sort(doc->fiscal_years, int_compare);
    int last_fy = doc->has_period ? doc->last_fy
                  : doc->fiscal_years->len
                      ? g_array_index(doc->fiscal_years, int, doc->fiscal_years->len - 1)
                      : 0;
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        kp_goal *g = g_ptr_array_index(doc->goals, gi);
        g->title = g_strdup(g->detail_title ? g->detail_title : g->summary_title);
        for (guint mi = 0; mi < g->measures->len; mi++) {
            kp_measure *m = g_ptr_array_index(g->measures, mi);
            m->title = g_strdup(m->detail_title ? m->detail_title : m->summary_title);
        }
        GHashTable *listed = listed_kpis(g);
        row_finish ctx = {listed, last_fy};
        goal_rows_each(g, true, finish_row, &ctx);
        ctx.listed = NULL; /* (indicators are not listed) */
        for (guint ri = 0; ri < g->indicators->len; ri++)
            finish_row(g_ptr_array_index(g->indicators, ri), &ctx);
        g_hash_table_destroy(listed);
    }
    document_sort(doc);
}

bool parse_rules_check(const kp_rules *rules, kp_error *err)
{
    static const char *const required[] = {
        "goal", "measure", "period", "municipality", "row-number", "no-project", "relisted",
        "remark", "project-end", "project-tail", "list", "list-item", "list-tag", "bullet",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(required); i++)
        if (!rules_find(rules, "structure", required[i])) {
            kp_error_set(err, KP_ERR_RULES, NULL, 0, 0, 0,
                         "rules/structure.rules has no rule '%s'", required[i]);
            return false;
        }
    return roles_rules_check(rules, err);
}

/* A goal heading whose number is none (基本目標0) or out of range
 * (基本目標4294967297): said, and the line is not read as a goal. */
static void goal_out_of_range(parser *p, const kp_grid_line *line, guint cell)
{
    kp_match m;
    char *text = cell_unwrap(grid_cell(line, cell));
    if (rules_search(p->rules, "structure", "goal", text, 0, &m)) {
        char *num = kp_match_dup(&m, 1);
        document_diagnose(p->doc, KP_SEV_ERROR, "numbering", 0, 0, NULL, line->where.page,
                          line->where.line,
                          _("A goal is numbered「%s」: goal numbers run from 1 to %d; the line "
                            "is not read as a goal."),
                          num ? num : "", KP_MAX_NUMBER);
        g_free(num);
        kp_match_free(&m);
    }
    g_free(text);
}

/* Is LINE, from FROM, only bare numbers (a count of KPIs per verdict)? */
static bool count_row(const parser *p, const kp_grid_line *line, guint from)
{
    guint numbers = 0;
    for (guint i = from; i < line->cells->len; i++) {
        const char *cell = grid_cell(line, i);
        if (cell_blank(cell))
            continue;
        if (!cell_is_row_number(p, cell))
            return false;
        numbers++;
    }
    return numbers >= 2;
}

/* A goal line: a goal in its first non-blank cell. With column headings after
 * it, it starts a detail table; else a goal of the summary list. */
static bool goal_line(parser *p, const kp_grid_line *line, guint index)
{
    guint first = first_nonblank(line);
    int number;
    char *title = NULL;
    if (!match_numbered(p, "goal", grid_cell(line, first), &number, &title)) {
        g_free(title);
        goal_out_of_range(p, line, first);
        return false;
    }
    p->front_done = true;
    if (count_row(p, line, first + 1)) {
        g_free(title);
        return true; /* 基本目標1 | 2 | 3 | 0: KPIs counted by verdict, not a goal */
    }
    if (headings_after(p, line, first + 1)) {
        p->summary_goal = NULL;
        p->goal = detail_goal(p, number, title, &line->where);
        table_begin(p, p->goal, line, index);
        return true;
    }
    table_end(p);
    summary_goal(p, number, title, line);
    summary_line(p, line, first + 1); /* a summary table: its first measure and KPI */
    return true;
}

/* A line of column headings without a goal cell: a detail table of the
 * current goal, or a summary list printed as a table. */
static bool heading_line(parser *p, const kp_grid_line *line, guint index)
{
    bool figures = false;
    if (!line_is_heading(p, line, 0, 2, &figures))
        return false;
    if (!figures)
        return summary_heading(p, line);
    p->front_done = true;
    kp_goal *g = p->goal;
    if (g && g->in_summary) {
        /* the goal line was this table's title, not a summary list: a
         * summary list lists KPIs */
        bool listed = false;
        for (guint i = 0; i < g->measures->len; i++)
            listed |= ((kp_measure *)g_ptr_array_index(g->measures, i))->kpis->len > 0;
        if (!listed) {
            g->in_summary = false;
            g->summary_seq = 0;
            p->summary_goals--;
            for (guint i = 0; i < g->measures->len; i++) {
                kp_measure *m = g_ptr_array_index(g->measures, i);
                if (!m->detail_title) {
                    m->detail_title = m->summary_title;
                    m->where = m->summary_where;
                    m->summary_title = NULL;
                }
            }
        }
    }
    if (g)
        g = detail_goal(p, g->number, NULL, &line->where);
    p->summary_goal = NULL;
    table_begin(p, g, line, index);
    return true;
}

/* A lone "① title" line under a goal: a measure of the summary list, or,
 * outside one, the measure of the tables below it (family D). */
static bool measure_line(parser *p, const kp_grid_line *line)
{
    const char *cell = NULL;
    for (guint i = 0; i < line->cells->len; i++)
        if (!cell_blank(grid_cell(line, i))) {
            if (cell)
                return false;
            cell = grid_cell(line, i);
        }
    int n;
    char *title = NULL;
    bool numbered = p->goal && cell && match_numbered(p, "measure", cell, &n, &title);
    g_free(title);
    if (!numbered)
        return false;
    if (p->summary_goal) {
        summary_line(p, line, 0);
        p->line_measure = p->summary_measure ? p->summary_measure->number : 0;
    } else {
        p->line_measure = measure_of_cell(p, p->goal, cell, &line->where, true);
    }
    return true;
}

static void other_line(parser *p, const kp_grid_line *line)
{
    if (measure_line(p, line))
        return;
    char *raw = line_raw(line);
    kp_match km;
    g_free(p->kpi_line);
    p->kpi_line = NULL;
    if (p->goal && rules_search(p->rules, "structure", "kpi-label", raw, 0, &km)) {
        char *name = kp_match_dup(&km, 1);
        p->kpi_line = cell_unwrap(name ? name : "");
        g_free(name);
        kp_match_free(&km);
    }
    legend_scan(p, raw);
    kp_match m;
    if (!p->table_unit && rules_search(p->rules, "structure", "table-unit", raw, 0, &m)) {
        p->table_unit = kp_match_dup(&m, 1);
        kp_match_free(&m);
    }
    bool indicator = indicator_line(p, raw, &line->where);
    g_free(raw);
    if (indicator)
        return;
    if (p->summary_goal && line->cells->len > 1) {
        summary_line(p, line, 0);
        return;
    }
    p->summary_goal = NULL;
    front_matter(p, line);
}

column_role parser_heading_role(const parser *p, const char *key, int *fy)
{
    return p->doc->source.ocr_pages > 0 ? role_of_read_heading(p->rules, key, fy)
                                        : role_of_heading(p->rules, key, fy);
}

/* The summary list's name nearest to NAME among its goal's KPIs (or
 * measure titles), within OCR_NAME_NEAR_SHARE; NULL when none is (the
 * list's is kept, as it prints it). */
static const char *nearest_name(const char *name, GPtrArray *names)
{
    const char *best = NULL;
    guint best_d = G_MAXUINT;
    glong len = g_utf8_strlen(name, -1);
    guint most = (guint)(OCR_NAME_NEAR_SHARE * (double)len);
    for (guint i = 0; i < names->len; i++) {
        const char *candidate = g_ptr_array_index(names, i);
        guint d = cell_key_distance(name, candidate, most);
        if (d <= most && d < best_d) {
            best = candidate;
            best_d = d;
        }
    }
    return best_d == 0 ? NULL : best;
}

/* Sets *NAME to the name of NAMES nearest to READ (as nearest_name finds
 * it), where there is one. */
static void take_nearest(char **name, const char *read, GPtrArray *names)
{
    const char *near = read ? nearest_name(read, names) : NULL;
    if (near) {
        g_free(*name);
        *name = g_strdup(near);
    }
}

static void kpi_name_from_summary(kp_row *r, void *kpis)
{
    take_nearest(&r->kpi_name, r->kpi_name, kpis);
}

/* Pages read by OCR: each KPI name and measure title of the detail tables
 * that is a near miss of its goal's summary list is written as the list
 * prints it. */
static void names_from_summary(kp_document *doc)
{
    for (guint gi = 0; gi < doc->goals->len; gi++) {
        kp_goal *g = g_ptr_array_index(doc->goals, gi);
        GPtrArray *kpis = g_ptr_array_new(), *titles = g_ptr_array_new();
        for (guint mi = 0; mi < g->measures->len; mi++) {
            kp_measure *m = g_ptr_array_index(g->measures, mi);
            for (guint k = 0; k < m->kpis->len; k++)
                g_ptr_array_add(kpis, g_ptr_array_index(m->kpis, k));
            if (m->summary_title)
                g_ptr_array_add(titles, m->summary_title);
        }
        goal_rows_each(g, true, kpi_name_from_summary, kpis);
        for (guint mi = 0; mi < g->measures->len; mi++) {
            kp_measure *m = g_ptr_array_index(g->measures, mi);
            take_nearest(&m->title, m->detail_title, titles);
        }
        g_ptr_array_free(kpis, TRUE);
        g_ptr_array_free(titles, TRUE);
    }
}

/* Below this confidence (Tesseract's, 0–100) an OCR'd figure is uncertain,
 * unless rules/ocr.rules says otherwise (rule confidence-floor, a number):
 * on the scanned fixtures, misread figures came out at 0–93 and figures
 * read right mostly at 95 and over. */
#define DEFAULT_OCR_FLOOR 90.0f

static float ocr_floor(const kp_rules *rules)
{
    const kp_rule *r = rules_find(rules, "ocr", "confidence-floor");
    char *end = NULL;
    double v = r ? g_ascii_strtod(r->pattern, &end) : 0;
    return r && end && *end == '\0' && v >= 0 && v <= 100 ? (float)v : DEFAULT_OCR_FLOOR;
}

/* A spooled parse parks the rows read so far once this many lines came: a
 * few pages' worth held at a time, and a record written for each row. */
#define PARK_EVERY_LINES 64

/* A parse under way, fed a line at a time (parse_begin … parse_end). */
struct kp_parse {
    parser p;
    bool spooled;        /* rows and diagnostics parked as they are read */
    guint lines;         /* lines fed so far */
    guint unparked;      /* lines fed since rows were last parked */
    GArray *words;       /* OCR: rules/ocr.rules words to mend toward, once
                          * a line read by OCR came */
};

static void parser_init(kp_parse *ps, const kp_rules *rules, GArray *notes, bool spooled)
{
    parser *p = &ps->p;
    memset(ps, 0, sizeof *ps);
    p->rules = rules;
    p->doc = document_new();
    ps->spooled = spooled && document_spool(p->doc); /* (none: all in memory) */
    p->legends = g_ptr_array_new_with_free_func(legend_free);
    p->front = g_ptr_array_new_with_free_func(front_line_free);
    p->notes = notes;
    p->sum_goal_col = p->sum_measure_col = p->sum_kpi_col = -1;
    p->ocr_floor = ocr_floor(rules);
}

static void parser_clear(kp_parse *ps)
{
    parser *p = &ps->p;
    table_end(p);
    g_ptr_array_free(p->legends, TRUE);
    g_ptr_array_free(p->front, TRUE);
    g_free(p->table_unit);
    g_free(p->kpi_line);
    mend_words_free(ps->words);
}

kp_parse *parse_begin(const kp_rules *rules, GArray *notes, bool spooled)
{
    kp_parse *ps = g_new(kp_parse, 1);
    parser_init(ps, rules, notes, spooled);
    return ps;
}

void parse_restart(kp_parse *ps)
{
    const kp_rules *rules = ps->p.rules;
    GArray *notes = ps->p.notes;
    bool spooled = ps->spooled;
    parser_clear(ps);
    document_free(ps->p.doc);
    if (notes) {
        for (guint i = 0; i < notes->len; i++)
            g_free(g_array_index(notes, kp_table_note, i).text);
        g_array_set_size(notes, 0);
    }
    parser_init(ps, rules, notes, spooled);
}

void parse_abort(kp_parse *ps)
{
    if (!ps)
        return;
    parser_clear(ps);
    document_free(ps->p.doc);
    g_free(ps);
}

/* From the first line read by OCR on, the parser mends as for a scan
 * (source.ocr_pages counts it until parse_end sets the real count). */
void parse_line(kp_parse *ps, const kp_grid_line *line, bool ocr)
{
    parser *p = &ps->p;
    if (ocr && !ps->words) {
        ps->words = mend_words(p->rules);
        p->doc->source.ocr_pages = MAX(p->doc->source.ocr_pages, 1);
        document_keep_diagnostics(p->doc); /* (say_once, the checks look back) */
    }
    kp_grid_line *mended = ps->words ? line_mended(line, ps->words) : NULL;
    if (mended)
        line = mended;
    guint li = ps->lines++;
    if (nonblank_cells(line) == 0) {
        table_end(p);
        p->sum_goal_col = p->sum_measure_col = p->sum_kpi_col = -1;
    } else {
        if (p->table && p->table->ready && nonblank_cells(line) <= 2) {
            char *text = line_raw(line);
            legend_scan(p, text); /* a legend in a note row of the table */
            g_free(text);
        }
        if (!(p->table && table_line(p, line)) && !goal_line(p, line, li) &&
            !heading_line(p, line, li)) {
            table_end(p);
            other_line(p, line);
        }
    }
    grid_line_free(mended);
    if (ps->spooled && ++ps->unparked >= PARK_EVERY_LINES) {
        document_park(p->doc, p->table ? p->table->last_row : NULL);
        ps->unparked = 0;
    }
}

/* The document read says first that OCR read it (the info comes before the
 * diagnostics the lines gave). */
static void say_read_by_ocr(kp_document *doc)
{
    document_diagnose(doc, KP_SEV_INFO, "ocr", 0, 0, NULL, 0, 0,
                      _("%d of its %d pages were read by OCR (no usable text layer): figures "
                        "read with little confidence carry ocr-uncertain warnings."),
                      doc->source.ocr_pages, doc->source.pages);
    GPtrArray *d = doc->diagnostics;
    gpointer info = g_ptr_array_steal_index(d, d->len - 1);
    g_ptr_array_insert(d, 0, info);
}

kp_document *parse_end(kp_parse *ps, kp_source *source, const char *file, kp_error *err)
{
    parser *p = &ps->p;
    table_end(p);
    p->doc->source = *source;
    memset(source, 0, sizeof *source);
    if (p->doc->source.ocr_pages > 0) {
        document_keep_diagnostics(p->doc);
        say_read_by_ocr(p->doc);
    }
    document_park(p->doc, NULL); /* every row, before they are sorted */
    bool any_table = p->tables > 0;
    if (any_table)
        finish(p);
    if (any_table && p->doc->source.ocr_pages > 0)
        names_from_summary(p->doc);
    kp_document *doc = p->doc;
    parser_clear(ps);
    g_free(ps);
    if (!any_table) {
        kp_error_set(err, KP_ERR_NO_TABLE, file, 0, 0, 0,
                     _("no KPI table found (no 基本目標 heading with KPI, 基準値 or 目標値 columns)"));
        document_free(doc);
        return NULL;
    }
    return doc;
}

kp_document *parse_document_traced(const kp_grid *grid, const kp_rules *rules, kp_source *source,
                                   const char *file, GArray *notes, kp_error *err)
{
    kp_parse *ps = parse_begin(rules, notes, false);
    for (guint li = 0; li < grid->lines->len; li++)
        parse_line(ps, g_ptr_array_index(grid->lines, li), source->ocr_pages > 0);
    return parse_end(ps, source, file, err);
}

kp_document *parse_document(const kp_grid *grid, const kp_rules *rules, kp_source *source,
                            const char *file, kp_error *err)
{
    return parse_document_traced(grid, rules, source, file, NULL, err);
}
