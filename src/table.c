/* kpipe — detail tables: heading lines joined per column (two-row headings
 * and letter-spacing undone) and classified by the role table, then each row
 * read in two passes — its cells by role first (unit, KPI name, target date),
 * then its figures with that context. */
#include <stdio.h>
#include <string.h>

#include "kpipe/limits.h"
#include "kpipe/spool.h"
#include "parser.h"

#include "i18n.h"

/* Heading cells longer than this are prose, not a heading. */
#define HEADING_MAX_CHARS 40

static void gstring_free(gpointer p)
{
    g_string_free(p, TRUE);
}

static void cells_free(gpointer p)
{
    g_ptr_array_free(p, TRUE);
}

/* ---- headings ------------------------------------------------------------ */

static bool cell_is_figure(const parser *p, const char *cell)
{
    if (fiscal_year_parse(p->rules, cell, true))
        return false; /* a year heading such as 2020年度 */
    kp_figure_check check;
    kp_quantity *q = quantity_parse(p->rules, cell, &check);
    bool figure = q && q->has_value && check.status == KP_FIGURE_OK;
    quantity_free(q);
    return figure;
}

bool line_is_heading(const parser *p, const kp_grid_line *line, guint from, guint min_known,
                     bool *figures)
{
    guint nonblank = 0, known = 0;
    *figures = false;
    for (guint i = from; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        if (cell_blank(cell))
            continue;
        nonblank++;
        char *key = cell_key(cell);
        int fy;
        column_role role = g_utf8_strlen(key, -1) <= HEADING_MAX_CHARS
                               ? parser_heading_role(p, key, &fy)
                               : ROLE_NONE;
        g_free(key);
        if (role == ROLE_NONE && cell_is_figure(p, cell))
            return false;
        known += role != ROLE_NONE;
        *figures |= role_is_figure(role);
    }
    return known >= min_known && known * 2 >= nonblank;
}

static void heading_add(detail_table *t, const parser *p, const kp_grid_line *line)
{
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        /* the goal cell heads the table, not a column */
        bool goal = rules_search(p->rules, "structure", "goal", cell, 0, NULL) != NULL;
        g_ptr_array_add(cells, g_strdup(goal ? "" : cell));
    }
    g_ptr_array_add(t->heading_lines, cells);
}

/* A heading cell that spans the columns to its right over a second heading
 * line ("実績値" over R2年度 | R3年度, "H27" over 実績 | 達成度) is printed once,
 * in its first column: give it to each column it spans. */
static void headings_spread(detail_table *t)
{
    for (guint li = 0; li + 1 < t->heading_lines->len; li++) {
        GPtrArray *cur = g_ptr_array_index(t->heading_lines, li);
        GPtrArray *next = g_ptr_array_index(t->heading_lines, li + 1);
        const char *parent = NULL;
        for (guint c = 0; c < cur->len; c++) {
            const char *cell = g_ptr_array_index(cur, c);
            const char *below = c < next->len ? g_ptr_array_index(next, c) : "";
            if (!cell_blank(cell)) {
                parent = cell_blank(below) ? NULL : cell; /* a parent has children below */
                continue;
            }
            if (parent && !cell_blank(below)) {
                g_free(g_ptr_array_index(cur, c));
                g_ptr_array_index(cur, c) = g_strdup(parent);
            } else {
                parent = NULL;
            }
        }
    }
}

static void table_unit_from(parser *p, detail_table *t, const char *text)
{
    kp_match m;
    if (t->unit || !rules_search(p->rules, "structure", "table-unit", text, 0, &m))
        return;
    t->unit = kp_match_dup(&m, 1);
    kp_match_free(&m);
}

static void note_columns(parser *p, const detail_table *t)
{
    if (!p->notes)
        return;
    GString *s = g_string_new("# columns:");
    for (guint i = 0; i < t->columns->len; i++) {
        const column_info *col = &g_array_index(t->columns, column_info, i);
        g_string_append(s, i ? ", " : " ");
        if (col->role == ROLE_NONE)
            g_string_append_printf(s, "?%s", *col->heading ? col->heading : "");
        else
            g_string_append(s, role_name(col->role));
        if (col->fy && (col->role == ROLE_ACTUAL || col->role == ROLE_CURRENT))
            g_string_append_printf(s, " %d", col->fy);
    }
    kp_table_note note = {t->first_line, g_string_free(s, FALSE)};
    g_array_append_val(p->notes, note);
}

static void unknown_column(parser *p, const detail_table *t, const column_info *col)
{
    int goal = t->goal ? t->goal->number : 0;
    char page[64] = "";
    if (t->where.page)
        snprintf(page, sizeof page, _(" (page %d)"), t->where.page);
    document_diagnose(p->doc, KP_SEV_WARNING, "unknown-column", goal, 0, NULL, t->where.page,
                      t->where.line,
                      _("The table of goal %d%s has a column headed「%s」that kpipe does not "
                        "know; its cells are not read. Add the heading word to the rule of its "
                        "role in rules/structure.rules."),
                      goal, page, col->heading);
}

static void table_classify(parser *p)
{
    detail_table *t = p->table;
    headings_spread(t);
    guint ncols = 0;
    for (guint li = 0; li < t->heading_lines->len; li++)
        ncols = MAX(ncols, ((GPtrArray *)g_ptr_array_index(t->heading_lines, li))->len);
    for (guint c = 0; c < ncols; c++) {
        GString *joined = g_string_new(NULL);
        for (guint li = 0; li < t->heading_lines->len; li++) {
            GPtrArray *cells = g_ptr_array_index(t->heading_lines, li);
            const char *cell = c < cells->len ? g_ptr_array_index(cells, c) : "";
            if (cell_blank(cell))
                continue;
            g_string_append(joined, joined->len ? " " : "");
            g_string_append(joined, cell);
            table_unit_from(p, t, cell);
        }
        char *key = cell_key(joined->str);
        column_info col = {ROLE_NONE, 0, heading_text(joined->str)};
        if (g_utf8_strlen(key, -1) <= 2 * HEADING_MAX_CHARS)
            col.role = parser_heading_role(p, key, &col.fy);
        g_free(key);
        g_string_free(joined, TRUE);
        t->has_baseline |= col.role == ROLE_BASELINE;
        g_array_append_val(t->columns, col);
    }
    table_columns_mended(p, t);
    bool kpi = false, indicator = false;
    for (guint c = 0; c < t->columns->len; c++) {
        column_info *col = &g_array_index(t->columns, column_info, c);
        kpi |= col->role == ROLE_KPI;
        indicator |= col->role == ROLE_INDICATOR;
        if (col->role == ROLE_NO && t->no_col < 0)
            t->no_col = (int)c;
        if (col->role == ROLE_NONE && *col->heading)
            unknown_column(p, t, col);
    }
    t->indicators = indicator && !kpi;
    if (!t->unit && p->table_unit)
        t->unit = g_strdup(p->table_unit);
    if (!kpi && !indicator && p->kpi_line)
        t->kpi_line = g_strdup(p->kpi_line); /* family D: 指標：… above the table */
    t->line_measure = p->line_measure;
    note_columns(p, t);
    t->ready = true;
}

/* The fiscal years of the table's actual columns, in the goal and the document. */
static void table_years(parser *p, detail_table *t)
{
    kp_goal *g = t->goal;
    bool first_table_of_goal = g->fiscal_years->len == 0;
    for (guint c = 0; c < t->columns->len; c++) {
        const column_info *col = &g_array_index(t->columns, column_info, c);
        bool actual = col->role == ROLE_ACTUAL || (col->role == ROLE_CURRENT && t->has_baseline);
        int fy = col->fy ? col->fy : p->report_fy;
        if (!actual || !fy || t->indicators)
            continue;
        p->doc->era_years |= col->fy && fiscal_year_era(p->rules, col->heading);
        if (first_table_of_goal)
            g_array_append_val(g->fiscal_years, fy);
        bool seen = false;
        for (guint y = 0; y < p->doc->fiscal_years->len; y++)
            seen |= g_array_index(p->doc->fiscal_years, int, y) == fy;
        if (!seen)
            g_array_append_val(p->doc->fiscal_years, fy);
    }
}

/* ---- rows ------------------------------------------------------------------- */

/* Warns that FIELD of ROW, read by OCR as TEXT with CONFIDENCE, may be
 * misread. */
static void doubt_figure(parser *p, int goal, const kp_row *row, const char *field,
                         const char *text, float confidence)
{
    char *at = document_place(p->doc, goal, row->number, field);
    document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", goal, row->number, field,
                      row->where.page, row->where.line,
                      _("%s「%s」was read by OCR with little confidence (%.0f of 100); "
                        "check it against the page."),
                      at, text, confidence);
    g_free(at);
}

kp_quantity *table_figure(row_context *ctx, const char *cell, const char *field,
                          const char *unit)
{
    parser *p = ctx->p;
    kp_row *row = ctx->row;
    kp_figure_check check;
    kp_figure_context fc = {unit, row->kpi_name};
    kp_quantity *q = quantity_parse_in(p->rules, cell, &fc, &check);
    if (!q)
        return NULL;
    int goal = ctx->t->goal->number;
    ctx->t->figures++;
    /* Read by OCR: uncertain below the floor, and where what was read is
     * no good figure (a misread unit or mark is no typo of the page's) */
    float confidence = MIN(ctx->confidence, ctx->unit == ctx->unit_owned ? ctx->unit_confidence
                                                                          : GRID_CERTAIN);
    bool mended = false;
    if (confidence < GRID_CERTAIN)
        q = figure_mended(p->rules, q, &fc, &check, &mended);
    if (confidence < GRID_CERTAIN &&
        (confidence < p->ocr_floor || mended || check.status != KP_FIGURE_OK ||
         (q->has_value && !q->unit) || figure_stray_prefix(q) ||
         percent_sign_lost(q->text, unit))) {
        doubt_figure(p, goal, row, field, q->text, confidence);
    }
    if (check.status == KP_FIGURE_MALFORMED) {
        ctx->t->malformed++;
        char *at = document_place(p->doc, goal, row->number, field);
        document_diagnose(p->doc, KP_SEV_ERROR, "malformed-figure", goal, row->number, field,
                          row->where.page, row->where.line,
                          _("%s「%s」is not a figure: %s; correct the cell."), at, q->text,
                          check.reason);
        g_free(at);
    } else if (check.status == KP_FIGURE_UNKNOWN_UNIT) {
        char *at = document_place(p->doc, goal, row->number, field);
        document_diagnose(p->doc, KP_SEV_WARNING, "unknown-unit", goal, row->number, field,
                          row->where.page, row->where.line,
                          _("%s「%s」: %s; add it there if it is a unit."), at, q->text,
                          check.reason);
        g_free(at);
    }
    kp_match m;
    /* a rate printed inside a value cell: 9件(達成率 75%) */
    if (q->note && !row->achievement && strcmp(field, "achievement") != 0 &&
        rules_search(p->rules, "structure", "inline-rate", q->note, 0, &m)) {
        char *rate = kp_match_dup(&m, 1);
        kp_figure_context pc = {"%", NULL};
        kp_figure_check rcheck;
        row->achievement = rate ? quantity_parse_in(p->rules, rate, &pc, &rcheck) : NULL;
        bool rate_mended = false;
        if (row->achievement && confidence < GRID_CERTAIN)
            row->achievement = figure_mended(p->rules, row->achievement, &pc, &rcheck, &rate_mended);
        if (row->achievement && confidence < GRID_CERTAIN &&
            (confidence < p->ocr_floor || rate_mended || percent_sign_lost(rate, "%")))
            doubt_figure(p, goal, row, "achievement", rate, confidence);
        g_free(rate);
        kp_match_free(&m);
    }
    return q;
}

void table_switch_goal(parser *p, detail_table *t, int number, char *title,
                       const kp_location *where)
{
    t->goal = detail_goal(p, number, title, where);
    t->last_measure = 0; /* a merged measure or KPI cell does not go on into it */
    g_free(t->last_kpi);
    t->last_kpi = NULL;
}

static kp_goal *table_goal(parser *p, detail_table *t, const kp_location *where)
{
    if (!t->goal) {
        t->goal = detail_goal(p, 1, NULL, where);
        document_diagnose(p->doc, KP_SEV_INFO, "no-goal", 1, 0, NULL, where->page, where->line,
                          _("A KPI table names no 基本目標 (goal); its rows are given as goal "
                            "1."));
    }
    return t->goal;
}

static int cell_number(const char *cell)
{
    char *k = cell_key(cell);
    int n = numbering_value(k);
    g_free(k);
    return n;
}

static void row_read(parser *p, detail_table *t, GPtrArray *cells, const GArray *confidence,
                     kp_row *row)
{
    row_context ctx = {p, t, row, t->unit, NULL, 0, GRID_CERTAIN, GRID_CERTAIN};
    row->measure = t->line_measure; /* a measure column, if any, says otherwise */
    if (t->kpi_line) {
        row->kpi_name = g_strdup(t->kpi_line);
        unit_from_kpi_name(&ctx, row->kpi_name);
    }
    for (int pass = 1; pass <= 2; pass++)
        for (guint i = 0; i < t->columns->len && i < cells->len; i++) {
            const column_info *col = &g_array_index(t->columns, column_info, i);
            if (col->role == ROLE_GOAL) /* read first, by table_flush_row */
                continue;
            ctx.confidence = g_array_index(confidence, float, i);
            role_read(&ctx, col, ((GString *)g_ptr_array_index(cells, i))->str, pass);
        }
    g_free(ctx.unit_owned);
}

static bool row_is_empty(const kp_row *row)
{
    return !row->baseline && !row->target && !row->achievement && row->actuals->len == 0 &&
           row->evaluations->len == 0;
}

static void table_flush_row(parser *p)
{
    detail_table *t = p->table;
    if (!t || !t->pending)
        return;
    GPtrArray *cells = t->pending;
    GArray *confidence = t->pending_confidence;
    t->pending = NULL;
    t->pending_confidence = NULL;
    kp_row *row = row_new();
    row->seq = p->rows++;
    row->where = t->pending_where;
    /* the goal and the number first: diagnostics of the other cells name them */
    for (guint i = 0; i < t->columns->len && i < cells->len; i++)
        if (g_array_index(t->columns, column_info, i).role == ROLE_GOAL) {
            row_context ctx = {p, t, row, NULL, NULL, 0, GRID_CERTAIN, GRID_CERTAIN};
            role_read(&ctx, &g_array_index(t->columns, column_info, i),
                      ((GString *)g_ptr_array_index(cells, i))->str, 1);
        }
    kp_goal *g = table_goal(p, t, &row->where);
    if (g->fiscal_years->len == 0)
        table_years(p, t);
    GPtrArray *to = t->indicators ? g->indicators : g->rows;
    /* unnumbered: its place among the goal's rows (some parked, spool.h) */
    int place = (int)(t->indicators ? to->len : goal_row_count(g)) + 1;
    if (t->no_col >= 0 && (guint)t->no_col < cells->len)
        row->number = cell_number(((GString *)g_ptr_array_index(cells, t->no_col))->str);
    else
        row->number = place;
    if (row->number < 0) {
        const char *printed = ((GString *)g_ptr_array_index(cells, t->no_col))->str;
        row->number = place;
        document_diagnose(p->doc, KP_SEV_ERROR, "numbering", g->number, row->number, NULL,
                          row->where.page, row->where.line,
                          _("Goal %d has a row numbered「%s」: row numbers run from 1 to %d; it "
                            "is given as row %d."),
                          g->number, printed, KP_MAX_NUMBER, row->number);
    }
    table_measure_column_found(p, t, cells);
    row_read(p, t, cells, confidence, row);
    if (p->doc->source.ocr_pages > 0) {
        row_units_mended(p->rules, row);
        row_magnitudes_mended(p, g->number, row);
    }
    g_ptr_array_free(cells, TRUE);
    g_array_free(confidence, TRUE);
    if (t->indicators)
        row->measure = 0;
    if (!row->kpi_name && !t->kpi_line && t->last_kpi == NULL && row_is_empty(row)) {
        row_free(row); /* a line of the table that holds nothing a row has */
        return;
    }
    g_ptr_array_add(to, row);
    t->last_row = row;
}

/* ---- lines ------------------------------------------------------------------- */

void table_begin(parser *p, kp_goal *goal, const kp_grid_line *line, guint index)
{
    table_end(p);
    detail_table *t = g_new0(detail_table, 1);
    t->goal = goal;
    t->heading_lines = g_ptr_array_new_with_free_func(cells_free);
    t->columns = g_array_new(FALSE, TRUE, sizeof(column_info));
    t->no_col = -1;
    t->where = line->where;
    t->first_line = index;
    p->table = t;
    p->tables++;
    heading_add(t, p, line);
}

void table_end(parser *p)
{
    detail_table *t = p->table;
    if (!t)
        return;
    table_flush_row(p);
    if (t->figures >= 4 && t->malformed * 2 > t->figures)
        document_diagnose(p->doc, KP_SEV_ERROR, "unreadable-table", t->goal ? t->goal->number : 0,
                          0, NULL, t->where.page, t->where.line,
                          _("%d of the %d figure cells of goal %d's table are not figures: its "
                            "columns were not understood (see `kpipe text`); check the table."),
                          t->malformed, t->figures, t->goal ? t->goal->number : 0);
    for (guint i = 0; i < t->columns->len; i++)
        g_free(g_array_index(t->columns, column_info, i).heading);
    g_array_free(t->columns, TRUE);
    g_ptr_array_free(t->heading_lines, TRUE);
    if (t->pending)
        g_ptr_array_free(t->pending, TRUE);
    if (t->pending_confidence)
        g_array_free(t->pending_confidence, TRUE);
    g_free(t->last_kpi);
    g_free(t->unit);
    g_free(t->kpi_line);
    g_free(t);
    p->table = NULL;
    g_free(p->table_unit);
    p->table_unit = NULL;
    g_free(p->kpi_line);
    p->kpi_line = NULL;
}

bool cell_is_row_number(const parser *p, const char *cell)
{
    char *k = cell_key(cell);
    bool yes = *k && rules_search(p->rules, "structure", "row-number", k, 0, NULL);
    g_free(k);
    return yes;
}

static bool is_numbered_row(const parser *p, const kp_grid_line *line, guint col)
{
    return cell_is_row_number(p, grid_cell(line, col));
}

/* The No column among the heading lines read so far, or -1. */
static int heading_no_col(const parser *p, const detail_table *t)
{
    for (guint li = 0; li < t->heading_lines->len; li++) {
        GPtrArray *cells = g_ptr_array_index(t->heading_lines, li);
        for (guint c = 0; c < cells->len; c++) {
            char *k = cell_key(g_ptr_array_index(cells, c));
            bool no = rules_search(p->rules, "structure", "col-no", k, 0, NULL) != NULL;
            g_free(k);
            if (no)
                return (int)c;
        }
    }
    return -1;
}

/* Does a line (the table being read) start a row of its own? */
static bool starts_row(const parser *p, const detail_table *t, const kp_grid_line *line)
{
    if (t->no_col >= 0)
        return is_numbered_row(p, line, (guint)t->no_col);
    if (!t->pending)
        return true;
    for (guint i = 0; i < t->columns->len; i++) {
        column_role r = g_array_index(t->columns, column_info, i).role;
        if ((r == ROLE_KPI || r == ROLE_INDICATOR || r == ROLE_GOAL || role_is_figure(r)) &&
            !cell_blank(grid_cell(line, i)))
            return true;
    }
    return false;
}

static void row_start(detail_table *t, const kp_grid_line *line)
{
    t->pending = g_ptr_array_new_with_free_func(gstring_free);
    t->pending_confidence = g_array_new(FALSE, FALSE, sizeof(float));
    for (guint i = 0; i < line->cells->len; i++) {
        g_ptr_array_add(t->pending, g_string_new(g_ptr_array_index(line->cells, i)));
        float c = grid_cell_confidence(line, i);
        g_array_append_val(t->pending_confidence, c);
    }
    t->pending_where = line->where;
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

static void row_continue(detail_table *t, const kp_grid_line *line)
{
    for (guint i = 0; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        if (cell_blank(cell))
            continue;
        float certain = GRID_CERTAIN;
        while (t->pending->len <= i) {
            g_ptr_array_add(t->pending, g_string_new(NULL));
            g_array_append_val(t->pending_confidence, certain);
        }
        float *least = &g_array_index(t->pending_confidence, float, i);
        *least = MIN(*least, grid_cell_confidence(line, i));
        GString *acc = g_ptr_array_index(t->pending, i);
        if (acc->len)
            g_string_append_c(acc, ' ');
        g_string_append(acc, cell);
    }
    location_extend(&t->pending_where, &line->where);
}

/* The only non-blank cell of LINE, or NULL. */
static const char *lone_cell(const kp_grid_line *line)
{
    const char *only = NULL;
    for (guint i = 0; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        if (cell_blank(cell))
            continue;
        if (only && strcmp(only, cell) != 0)
            return NULL; /* (a cell merged across the row may be given in each) */
        only = cell;
    }
    return only;
}

/* A line that is not a KPI row: a goal row, a prose row (≪成果と見直し≫ …,
 * a remark of the row above), a budget row. True when LINE was one. */
static bool table_other_row(parser *p, const kp_grid_line *line)
{
    detail_table *t = p->table;
    const char *only = lone_cell(line);
    int n;
    char *title = NULL;
    kp_match m;
    if (only && match_numbered(p, "goal", only, &n, &title)) {
        table_flush_row(p);
        table_switch_goal(p, t, n, title, &line->where);
        t->last_row = NULL;
        return true;
    }
    g_free(title);
    if (only && rules_search(p->rules, "structure", "prose-row", only, 0, &m)) {
        table_flush_row(p);
        char *label = kp_match_dup(&m, 1), *rest = kp_match_dup(&m, 2);
        char *text = cell_unwrap(rest ? rest : "");
        if (t->last_row && label)
            row_add_remark(t->last_row, label, text);
        g_free(label);
        g_free(rest);
        g_free(text);
        kp_match_free(&m);
        return true;
    }
    for (guint i = 0; i < line->cells->len; i++) {
        const char *cell = g_ptr_array_index(line->cells, i);
        if (cell_blank(cell) || (t->no_col >= 0 && i == (guint)t->no_col))
            continue;
        char *k = cell_key(cell);
        bool budget = rules_search(p->rules, "structure", "budget-row", k, 0, NULL) != NULL;
        g_free(k);
        if (!budget)
            return false;
        table_flush_row(p);
        t->last_row = NULL;
        return true;
    }
    return false;
}

guint first_nonblank(const kp_grid_line *line)
{
    guint first = 0;
    while (first < line->cells->len && cell_blank(grid_cell(line, first)))
        first++;
    return first;
}

bool headings_after(const parser *p, const kp_grid_line *line, guint from)
{
    bool figures = false;
    return line_is_heading(p, line, from, 1, &figures) && figures;
}

/* A goal cell followed by column headings: the next goal's own table. */
static bool starts_other_table(const parser *p, const kp_grid_line *line)
{
    guint first = first_nonblank(line);
    int n;
    char *title = NULL;
    bool goal = match_numbered(p, "goal", grid_cell(line, first), &n, &title);
    g_free(title);
    return goal && headings_after(p, line, first + 1);
}

bool table_line(parser *p, const kp_grid_line *line)
{
    detail_table *t = p->table;
    bool figures;
    if (!t->ready) {
        int no_col = heading_no_col(p, t);
        bool numbered = no_col >= 0 && is_numbered_row(p, line, (guint)no_col);
        if (!numbered && line_is_heading(p, line, 0, 1, &figures)) {
            heading_add(t, p, line);
            return true;
        }
        table_classify(p);
    }
    if (t->no_col < 0 || !is_numbered_row(p, line, (guint)t->no_col)) {
        if (starts_other_table(p, line))
            return false; /* a table set edge to edge with this one */
        if (table_other_row(p, line))
            return true;
        if (line_is_heading(p, line, 0, 1, &figures))
            return true; /* a heading repeated on a new page */
        if (nonblank_cells(line) <= 1 && line->cells->len <= 1)
            return false; /* a lone line of text: a title after the table */
    }
    if (starts_row(p, t, line)) {
        table_flush_row(p);
        row_start(t, line);
    } else if (t->pending) {
        row_continue(t, line); /* a row continued on a further line */
    }
    return true;
}
