/* kpipe — grid to document (see include/kpipe/parse.h).
 *
 * One pass over the grid lines. A goal heading with column headings starts a
 * detail table; one without starts a goal of the summary list. A detail table
 * collects heading lines until its first numbered row, then classifies its
 * columns by the col-* rules; every later line is a row, a continuation of the
 * row above (no number of its own), or ends the table. */
#include "kpipe/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpipe/quantity.h"

typedef enum {
    COL_NONE,
    COL_NO,
    COL_MEASURE,
    COL_PROJECTS,
    COL_ACTIVITIES,
    COL_KPI,
    COL_BASELINE,
    COL_YEAR,
    COL_TARGET
} col_kind;

typedef struct {
    col_kind kind;
    int fy;
} column_info;

typedef struct {
    kp_goal *goal;
    GPtrArray *headers;     /* GString * per column */
    GArray *columns;        /* column_info */
    bool ready;
    guint no_col;
    int target_fy;
    GPtrArray *pending;     /* GString * per cell of the row being collected */
    kp_location pending_where;
    int last_measure;
    char *last_kpi;
} detail_table;

typedef struct {
    const kp_rules *rules;
    kp_document *doc;
    int tables, summary_goals, rows; /* how many read so far */
    kp_goal *summary_goal;
    kp_measure *summary_measure;
    detail_table *table;
} parser;

/* ---- small helpers ---------------------------------------------------- */

static char *trimmed(const char *s)
{
    char *t = g_strdup(s);
    /* g_strstrip knows only ASCII spaces; cells also carry U+3000 */
    char *u = cell_unwrap(t);
    g_free(t);
    return u;
}

/* S without the white space at its ends (U+3000 included). */
static char *trimmed_ends(const char *s)
{
    while (*s && g_unichar_isspace(g_utf8_get_char(s)))
        s = g_utf8_next_char(s);
    const char *end = s + strlen(s);
    while (end > s) {
        const char *prev = g_utf8_prev_char(end);
        if (!g_unichar_isspace(g_utf8_get_char(prev)))
            break;
        end = prev;
    }
    return g_strndup(s, (gsize)(end - s));
}

static bool cell_blank(const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p)))
            return false;
    return true;
}

static guint nonblank_cells(const kp_grid_line *line)
{
    guint n = 0;
    for (guint i = 0; i < line->cells->len; i++)
        n += !cell_blank(g_ptr_array_index(line->cells, i));
    return n;
}

static char *nfkc(const char *s)
{
    char *n = g_utf8_normalize(s, -1, G_NORMALIZE_NFKC);
    return n ? n : g_strdup(s);
}

static int number_of(const char *digits)
{
    char *n = nfkc(digits);
    char *k = cell_strip_spaces(n);
    int v = atoi(k);
    g_free(k);
    g_free(n);
    return v;
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

/* Group 1 of a numbering rule: a circled numeral or digits. */
static int numbering_value(const char *token)
{
    gunichar c = g_utf8_get_char(token);
    int v = circled_number(c);
    return v ? v : number_of(token);
}

static bool match_numbered(const parser *p, const char *name, const char *cell, int *number,
                           char **title)
{
    kp_match m;
    char *text = trimmed_ends(cell);
    const kp_rule *hit = rules_search(p->rules, "structure", name, text, 0, &m);
    if (!hit) {
        g_free(text);
        return false;
    }
    char *num = kp_match_dup(&m, 1);
    char *rest = kp_match_dup(&m, 2);
    kp_match_free(&m);
    *number = num ? numbering_value(num) : 0;
    *title = cell_unwrap(rest ? rest : "");
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
        char *joined = cell_unwrap(cur->str); /* "児童ク ラブ" ends in クラブ */
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

/* ---- detail tables ---------------------------------------------------- */

static void table_free(detail_table *t)
{
    if (!t)
        return;
    g_ptr_array_free(t->headers, TRUE);
    g_array_free(t->columns, TRUE);
    if (t->pending)
        g_ptr_array_free(t->pending, TRUE);
    g_free(t->last_kpi);
    g_free(t);
}

static void gstring_free(gpointer p)
{
    g_string_free(p, TRUE);
}

static kp_quantity *figure(parser *p, const char *cell, const kp_row *row, const char *field)
{
    kp_figure_check check;
    kp_quantity *q = quantity_parse(p->rules, cell, &check);
    int goal = p->table->goal->number;
    if (check.status == KP_FIGURE_MALFORMED)
        document_diagnose(p->doc, KP_SEV_ERROR, "malformed-figure", goal, row->number, field,
                          row->where.page, row->where.line,
                          "Goal %d row %d %s「%s」is not a figure: %s; correct the cell.", goal,
                          row->number, field, q->text, check.reason);
    else if (check.status == KP_FIGURE_UNKNOWN_UNIT)
        document_diagnose(p->doc, KP_SEV_WARNING, "unknown-unit", goal, row->number, field,
                          row->where.page, row->where.line,
                          "Goal %d row %d %s「%s」: %s; add it there if it is a unit.", goal,
                          row->number, field, q->text, check.reason);
    return q;
}

static void row_measure(parser *p, const char *cell, kp_row *row)
{
    detail_table *t = p->table;
    if (cell_blank(cell)) { /* a merged measure cell covers this row */
        row->measure = t->last_measure;
        return;
    }
    int n;
    char *title = NULL;
    char *text = trimmed(cell);
    bool numbered = match_numbered(p, "measure", text, &n, &title);
    g_free(text);
    if (numbered) {
        row->measure = n;
        kp_measure *m = goal_measure(t->goal, n, true);
        if (!m->detail_title) {
            m->detail_title = title;
            title = NULL;
            m->where = row->where;
        }
        t->last_measure = n;
    }
    g_free(title);
}

static void table_flush_row(parser *p)
{
    detail_table *t = p->table;
    if (!t || !t->pending)
        return;
    GPtrArray *cells = t->pending;
    t->pending = NULL;
    kp_row *row = row_new();
    row->seq = p->rows++;
    row->where = t->pending_where;
    /* the number first: diagnostics of the other cells name it */
    if (t->no_col < cells->len)
        row->number = number_of(((GString *)g_ptr_array_index(cells, t->no_col))->str);
    for (guint i = 0; i < t->columns->len && i < cells->len; i++) {
        const column_info *col = &g_array_index(t->columns, column_info, i);
        const char *cell = ((GString *)g_ptr_array_index(cells, i))->str;
        switch (col->kind) {
        case COL_MEASURE:
            row_measure(p, cell, row);
            break;
        case COL_PROJECTS:
            parse_projects(p->rules, cell, row);
            break;
        case COL_ACTIVITIES:
            parse_activities(p->rules, cell, row);
            break;
        case COL_KPI: {
            /* a table with two KPI columns: the later one names the row */
            g_free(row->kpi_name);
            row->kpi_name = NULL;
            row->kpi_inherited = false;
            char *name = cell_unwrap(cell);
            if (*name) {
                g_free(t->last_kpi);
                t->last_kpi = g_strdup(name);
                row->kpi_name = name;
            } else {
                g_free(name);
                if (t->last_kpi) { /* merged from the row above */
                    row->kpi_name = g_strdup(t->last_kpi);
                    row->kpi_inherited = true;
                }
            }
            break;
        }
        case COL_BASELINE:
            quantity_free(row->baseline);
            row->baseline = figure(p, cell, row, "baseline");
            break;
        case COL_YEAR: {
            char field[32];
            snprintf(field, sizeof field, "actuals.%d", col->fy);
            kp_quantity *q = figure(p, cell, row, field);
            if (q) {
                kp_actual *a = g_new0(kp_actual, 1);
                a->fy = col->fy;
                a->quantity = q;
                g_ptr_array_add(row->actuals, a);
            }
            break;
        }
        case COL_TARGET:
            quantity_free(row->target);
            row->target = figure(p, cell, row, "target");
            if (row->target)
                row->target->fy = t->target_fy;
            break;
        default:
            break;
        }
    }
    g_ptr_array_free(cells, TRUE);
    g_ptr_array_add(t->goal->rows, row);
}

static void table_end(parser *p)
{
    table_flush_row(p);
    table_free(p->table);
    p->table = NULL;
}

static bool is_detail_heading(const parser *p, const kp_grid_line *line)
{
    static const char *const heads[] = {"col-kpi", "col-baseline", "col-target"};
    for (guint i = 1; i < line->cells->len; i++) {
        char *h = nfkc(g_ptr_array_index(line->cells, i));
        bool hit = false;
        for (size_t k = 0; k < G_N_ELEMENTS(heads) && !hit; k++)
            hit = rules_search(p->rules, "structure", heads[k], h, 0, NULL) != NULL;
        g_free(h);
        if (hit)
            return true;
    }
    return false;
}

static void table_begin(parser *p, int number, char *title, const kp_grid_line *line)
{
    table_end(p);
    kp_goal *g = document_goal(p->doc, number, true);
    g->in_detail = true;
    if (!g->detail_seq)
        g->detail_seq = ++p->tables;
    if (!g->detail_title) {
        g->detail_title = title;
        g->where = line->where;
    } else {
        g_free(title);
    }
    detail_table *t = g_new0(detail_table, 1);
    t->goal = g;
    t->headers = g_ptr_array_new_with_free_func(gstring_free);
    t->columns = g_array_new(FALSE, TRUE, sizeof(column_info));
    p->table = t;
    p->summary_goal = NULL;
    p->summary_measure = NULL;
}

static void table_heading(parser *p, const kp_grid_line *line)
{
    detail_table *t = p->table;
    for (guint i = 0; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        while (t->headers->len <= i)
            g_ptr_array_add(t->headers, g_string_new(NULL));
        if (rules_search(p->rules, "structure", "goal", cell, 0, NULL))
            continue; /* the goal cell heads the table, not a column */
        char *h = trimmed(cell);
        GString *acc = g_ptr_array_index(t->headers, i);
        if (*h) {
            if (acc->len)
                g_string_append_c(acc, ' ');
            g_string_append(acc, h);
        }
        g_free(h);
    }
}

static void table_classify(parser *p)
{
    static const struct {
        const char *rule;
        col_kind kind;
    } order[] = {
        {"col-target", COL_TARGET},       {"col-baseline", COL_BASELINE},
        {NULL, COL_YEAR},                 {"col-kpi", COL_KPI},
        {"col-activities", COL_ACTIVITIES}, {"col-projects", COL_PROJECTS},
        {"col-measure", COL_MEASURE},     {"col-no", COL_NO},
    };
    detail_table *t = p->table;
    bool have_no = false;
    /* a goal's table given again (a continuation) has its columns checked once */
    bool first_table_of_goal = t->goal->fiscal_years->len == 0;
    for (guint i = 0; i < t->headers->len; i++) {
        char *h = nfkc(((GString *)g_ptr_array_index(t->headers, i))->str);
        column_info col = {COL_NONE, 0};
        for (size_t k = 0; k < G_N_ELEMENTS(order) && col.kind == COL_NONE; k++) {
            if (!order[k].rule) {
                int fy = fiscal_year_parse(p->rules, h, false);
                if (fy) {
                    col.kind = COL_YEAR;
                    col.fy = fy;
                }
            } else if (rules_search(p->rules, "structure", order[k].rule, h, 0, NULL)) {
                col.kind = order[k].kind;
            }
        }
        if (col.kind == COL_TARGET)
            t->target_fy = fiscal_year_parse(p->rules, h, false);
        if (col.kind == COL_NO && !have_no) {
            t->no_col = i;
            have_no = true;
        }
        if (col.kind == COL_YEAR) {
            if (first_table_of_goal)
                g_array_append_val(t->goal->fiscal_years, col.fy);
            bool seen = false;
            for (guint y = 0; y < p->doc->fiscal_years->len; y++)
                seen |= g_array_index(p->doc->fiscal_years, int, y) == col.fy;
            if (!seen)
                g_array_append_val(p->doc->fiscal_years, col.fy);
        }
        g_array_append_val(t->columns, col);
        g_free(h);
    }
    t->ready = true;
}

static bool is_data_row(const parser *p, const kp_grid_line *line, guint no_col)
{
    char *n = nfkc(grid_cell(line, no_col));
    char *k = cell_strip_spaces(n);
    bool yes = *k && rules_search(p->rules, "structure", "row-number", k, 0, NULL);
    g_free(k);
    g_free(n);
    return yes;
}

static void location_extend(kp_location *to, const kp_location *from)
{
    if (!to->page || to->page != from->page)
        return;
    to->bbox[0] = MIN(to->bbox[0], from->bbox[0]);
    to->bbox[1] = MIN(to->bbox[1], from->bbox[1]);
    to->bbox[2] = MAX(to->bbox[2], from->bbox[2]);
    to->bbox[3] = MAX(to->bbox[3], from->bbox[3]);
}

/* Returns false when the line does not belong to the table. */
static bool table_line(parser *p, const kp_grid_line *line)
{
    detail_table *t = p->table;
    guint no_col = t->ready ? t->no_col : 0;
    if (!t->ready) {
        /* the No column is found among the headings read so far */
        for (guint i = 0; i < t->headers->len; i++) {
            char *h = nfkc(((GString *)g_ptr_array_index(t->headers, i))->str);
            if (rules_search(p->rules, "structure", "col-no", h, 0, NULL)) {
                no_col = i;
                g_free(h);
                break;
            }
            g_free(h);
        }
    }
    if (is_data_row(p, line, no_col)) {
        if (!t->ready)
            table_classify(p);
        table_flush_row(p);
        t->pending = g_ptr_array_new_with_free_func(gstring_free);
        for (guint i = 0; i < line->cells->len; i++)
            g_ptr_array_add(t->pending, g_string_new(g_ptr_array_index(line->cells, i)));
        t->pending_where = line->where;
        return true;
    }
    if (!t->ready) {
        table_heading(p, line);
        return true;
    }
    if (nonblank_cells(line) <= 1 && line->cells->len <= 1)
        return false; /* a lone line of text: a title after the table */
    if (t->pending && cell_blank(grid_cell(line, t->no_col))) {
        /* a row continued on a further line */
        for (guint i = 0; i < line->cells->len; i++) {
            const char *cell = g_ptr_array_index(line->cells, i);
            if (cell_blank(cell))
                continue;
            while (t->pending->len <= i)
                g_ptr_array_add(t->pending, g_string_new(NULL));
            GString *acc = g_ptr_array_index(t->pending, i);
            if (acc->len)
                g_string_append_c(acc, ' ');
            g_string_append(acc, cell);
        }
        location_extend(&t->pending_where, &line->where);
        return true;
    }
    return true; /* a repeated heading line: skipped */
}

/* ---- summary list ----------------------------------------------------- */

static void summary_line(parser *p, const kp_grid_line *line)
{
    if (!p->summary_goal)
        return;
    const char *first = grid_cell(line, 0);
    int n;
    char *title = NULL;
    guint kpi_from = 1;
    if (match_numbered(p, "measure", first, &n, &title)) {
        p->summary_measure = goal_measure(p->summary_goal, n, true);
        if (!p->summary_measure->summary_title) {
            p->summary_measure->summary_title = title;
            p->summary_measure->summary_where = line->where;
            title = NULL;
        }
    } else if (!cell_blank(first)) {
        kpi_from = 0; /* a KPI name in the first cell */
    }
    g_free(title);
    if (!p->summary_measure)
        return;
    for (guint i = kpi_from; i < line->cells->len; i++) {
        char *name = cell_unwrap(g_ptr_array_index(line->cells, i));
        if (*name)
            g_ptr_array_add(p->summary_measure->kpis, name);
        else
            g_free(name);
    }
}

/* ---- the document ----------------------------------------------------- */

static void front_matter(parser *p, const kp_grid_line *line)
{
    kp_document *doc = p->doc;
    GString *joined = g_string_new(NULL);
    for (guint i = 0; i < line->cells->len; i++) {
        if (i)
            g_string_append_c(joined, ' ');
        g_string_append(joined, g_ptr_array_index(line->cells, i));
    }
    char *text = cell_unwrap(joined->str);
    g_string_free(joined, TRUE);
    if (!doc->title && *text && nonblank_cells(line) == 1) {
        doc->title = g_strdup(text);
        kp_match m;
        if (rules_search(p->rules, "structure", "municipality", text, 0, &m)) {
            doc->municipality = kp_match_dup(&m, 1);
            kp_match_free(&m);
        }
    }
    kp_match m;
    if (!doc->has_period && rules_search(p->rules, "structure", "period", text, 0, &m)) {
        char *a = kp_match_dup(&m, 1), *b = kp_match_dup(&m, 2);
        int first = a ? fiscal_year_parse(p->rules, a, true) : 0;
        int last = b ? fiscal_year_parse(p->rules, b, true) : 0;
        if (first && last && first <= last) {
            doc->has_period = true;
            doc->first_fy = first;
            doc->last_fy = last;
        }
        g_free(a);
        g_free(b);
        kp_match_free(&m);
    }
    g_free(text);
}

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

static void finish(parser *p)
{
    kp_document *doc = p->doc;
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
        for (guint ri = 0; ri < g->rows->len; ri++) {
            kp_row *row = g_ptr_array_index(g->rows, ri);
            resolve_kpi_name(listed, row);
            if (row->target && !row->target->fy)
                row->target->fy = last_fy;
        }
        g_hash_table_destroy(listed);
    }
    document_sort(doc);
}

bool parse_rules_check(const kp_rules *rules, kp_error *err)
{
    static const char *const required[] = {
        "goal", "measure", "period", "municipality", "row-number", "col-target",
        "col-baseline", "col-kpi", "col-activities", "col-projects", "col-measure", "col-no",
        "no-project", "relisted", "remark", "project-end", "project-tail", "list",
        "list-item", "list-tag", "bullet",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(required); i++)
        if (!rules_find(rules, "structure", required[i])) {
            kp_error_set(err, KP_EXIT_UNUSABLE, NULL, 0, 0, 0,
                         "rules/structure.rules has no rule '%s'", required[i]);
            return false;
        }
    return true;
}

kp_document *parse_document(const kp_grid *grid, const kp_rules *rules, kp_source *source,
                            const char *file, kp_error *err)
{
    parser p = {0};
    p.rules = rules;
    p.doc = document_new();
    p.doc->source = *source;
    memset(source, 0, sizeof *source);
    bool any_table = false;

    for (guint li = 0; li < grid->lines->len; li++) {
        const kp_grid_line *line = g_ptr_array_index(grid->lines, li);
        if (nonblank_cells(line) == 0) {
            if (p.table)
                table_end(&p);
            continue;
        }
        int number;
        char *title = NULL;
        if (match_numbered(&p, "goal", grid_cell(line, 0), &number, &title)) {
            if (is_detail_heading(&p, line)) {
                table_begin(&p, number, title, line);
                table_heading(&p, line);
                any_table = true;
            } else {
                table_end(&p);
                kp_goal *g = document_goal(p.doc, number, true);
                g->in_summary = true;
                if (!g->summary_seq) {
                    g->summary_seq = ++p.summary_goals;
                    g->summary_where = line->where;
                }
                if (!g->summary_title)
                    g->summary_title = title;
                else
                    g_free(title);
                p.summary_goal = g;
                p.summary_measure = NULL;
            }
            continue;
        }
        g_free(title);
        if (p.table && table_line(&p, line))
            continue;
        if (p.table)
            table_end(&p);
        if (p.summary_goal && line->cells->len > 1) {
            summary_line(&p, line);
            continue;
        }
        p.summary_goal = NULL;
        front_matter(&p, line);
    }
    table_end(&p);

    if (!any_table) {
        kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0,
                     "no KPI table found (no 基本目標 heading with KPI, 基準値 or 目標値 columns)");
        document_free(p.doc);
        return NULL;
    }
    finish(&p);
    return p.doc;
}
