/* kpipe — column roles: one table that says, for every role a column of a
 * KPI table can play, which heading rule finds it and how its cells are read.
 * A new role is one row here and one rule in rules/structure.rules; a new
 * heading word for an existing role is a rules line only. */
#include <stdio.h>
#include <string.h>

#include "parser.h"

#include "i18n.h"

typedef void (*cell_reader)(row_context *ctx, const column_info *col, const char *cell);

typedef struct {
    column_role role;
    const char *name;   /* shown by `kpipe text` (# columns: …) */
    const char *rule;   /* structure.rules heading rule */
    bool figure;        /* its cells are figures (for telling headings from rows) */
    int pass;           /* 1: read before the figures (their context); 2: after */
    cell_reader read;
} role_entry;

/* ---- readers ---------------------------------------------------------------- */

static void read_no(row_context *ctx, const column_info *col, const char *cell)
{
    (void)ctx, (void)col, (void)cell; /* read by table.c before any other cell */
}

static void read_goal(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    parser *p = ctx->p;
    int n = 0;
    char *title = NULL;
    char *key = nfkc(cell);
    if (cell_blank(cell))
        n = 0; /* merged from the row above: the goal goes on */
    else if (!match_numbered(p, "goal", cell, &n, &title) &&
             rules_search(p->rules, "structure", "goal-number", g_strstrip(key), 0, NULL))
        n = numbering_value(key);
    g_free(key);
    detail_table *t = ctx->t;
    if (n > 0 && (!t->goal || n != t->goal->number)) {
        table_switch_goal(p, t, n, title, &ctx->row->where);
        title = NULL;
    }
    g_free(title);
}

static void read_measure(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    detail_table *t = ctx->t;
    t->goal->measures_printed = true;
    int n = cell_blank(cell) ? 0 : measure_of_cell(ctx->p, t->goal, cell, &ctx->row->where, true);
    ctx->row->measure = n ? n : t->last_measure; /* blank: a merged cell covers it */
    if (n)
        t->last_measure = n;
}

static void read_projects(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    parse_projects(ctx->p->rules, cell, ctx->row);
}

static void read_activities(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    parse_activities(ctx->p->rules, cell, ctx->row);
}

/* A unit in brackets ending the KPI name (…被害額(千円)), when it reads as one. */
void unit_from_kpi_name(row_context *ctx, const char *name)
{
    kp_match m;
    if (ctx->unit || !rules_search(ctx->p->rules, "structure", "kpi-unit", name, 0, &m))
        return;
    char *unit = kp_match_dup(&m, 1);
    kp_match_free(&m);
    if (unit && unit_is_known(ctx->p->rules, unit)) {
        ctx->unit_owned = unit;
        ctx->unit = unit;
    } else {
        g_free(unit);
    }
}

static void read_kpi(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    detail_table *t = ctx->t;
    kp_row *row = ctx->row;
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
    if (row->kpi_name)
        unit_from_kpi_name(ctx, row->kpi_name);
}

static void read_unit(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    char *unit = cell_strip_spaces(cell);
    if (*unit && !ctx->unit_owned) {
        ctx->unit_owned = unit;
        ctx->unit = unit;
        ctx->unit_confidence = ctx->confidence; /* a misread unit misreads the row's figures */
    } else {
        g_free(unit);
    }
}

static void read_target_date(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    int fy = fiscal_year_dated(ctx->p->rules, cell);
    if (fy)
        ctx->target_fy = fy;
}

static void add_actual(row_context *ctx, int fy, const char *cell)
{
    char field[32];
    snprintf(field, sizeof field, "actuals.%d", fy);
    kp_quantity *q = table_figure(ctx, cell, field, ctx->unit);
    if (!q)
        return;
    for (guint i = 0; i < ctx->row->actuals->len; i++) {
        kp_actual *a = g_ptr_array_index(ctx->row->actuals, i);
        if (a->fy == fy) { /* a year given twice: the later column */
            quantity_free(a->quantity);
            a->quantity = q;
            return;
        }
    }
    kp_actual *a = g_new0(kp_actual, 1);
    a->fy = fy;
    a->quantity = q;
    g_ptr_array_add(ctx->row->actuals, a);
}

static void read_actual(row_context *ctx, const column_info *col, const char *cell)
{
    int fy = col->fy ? col->fy : ctx->p->report_fy;
    if (fy) {
        add_actual(ctx, fy, cell);
        return;
    }
    detail_table *t = ctx->t;
    if (!cell_blank(cell) && !t->year_missing_said) {
        t->year_missing_said = true;
        document_diagnose(ctx->p->doc, KP_SEV_ERROR, "unknown-year", t->goal->number,
                          ctx->row->number, NULL, t->where.page, t->where.line,
                          _("Goal %d's table has an actuals column「%s」that names no fiscal "
                            "year, nor do the title lines; its figures are not read."),
                          t->goal->number, col->heading);
    }
}

static void read_baseline(row_context *ctx, const column_info *col, const char *cell)
{
    quantity_free(ctx->row->baseline);
    ctx->row->baseline = table_figure(ctx, cell, "baseline", ctx->unit);
    if (ctx->row->baseline && !ctx->row->baseline->fy)
        ctx->row->baseline->fy = col->fy;
}

/* 現状値: the baseline, unless the table has a 基準値 column (then, as one
 * city uses it, the latest actual). */
static void read_current(row_context *ctx, const column_info *col, const char *cell)
{
    if (ctx->t->has_baseline)
        read_actual(ctx, col, cell);
    else
        read_baseline(ctx, col, cell);
}

static void read_target(row_context *ctx, const column_info *col, const char *cell)
{
    kp_quantity *q = table_figure(ctx, cell, "target", ctx->unit);
    if (q && !q->fy)
        q->fy = ctx->target_fy ? ctx->target_fy : col->fy;
    kp_quantity *had = ctx->row->target;
    /* a target a year (令和2年度目標 …) and the final one (最終目標(R6)): the
     * latest year is the KPI's target */
    if (had && q && had->fy && q->fy && had->fy > q->fy) {
        quantity_free(q);
        return;
    }
    if (q || !had) {
        quantity_free(had);
        ctx->row->target = q;
    }
}

static void read_achievement(row_context *ctx, const column_info *col, const char *cell)
{
    (void)col;
    kp_quantity *q = table_figure(ctx, cell, "achievement", "%");
    if (q) {
        quantity_free(ctx->row->achievement);
        ctx->row->achievement = q;
    }
}

static void read_verdict(row_context *ctx, const column_info *col, const char *cell)
{
    char *mark = cell_unwrap(cell);
    if (*mark)
        row_add_evaluation(ctx->row, col->heading, mark);
    g_free(mark);
}

static void read_remark(row_context *ctx, const column_info *col, const char *cell)
{
    char *text = cell_unwrap(cell);
    if (*text)
        row_add_remark(ctx->row, col->heading, text);
    g_free(text);
}

/* ---- the table ---------------------------------------------------------------- */

/* In the order the heading rules are tried: a rate or a verdict wins over the
 * year in its heading, a remark over words it shares with other roles, the
 * target's date over the target. ROLE_ACTUAL also takes a heading that is a
 * fiscal year and nothing else of a role. */
static const role_entry roles[] = {
    {ROLE_ACHIEVEMENT, "achievement", "col-achievement", true, 2, read_achievement},
    {ROLE_REMARK, "remark", "col-remark", false, 2, read_remark},
    {ROLE_VERDICT, "verdict", "col-verdict", false, 2, read_verdict},
    {ROLE_TARGET_DATE, "target-date", "col-target-date", false, 1, read_target_date},
    {ROLE_INDICATOR, "indicator", "col-indicator", false, 1, read_kpi},
    {ROLE_TARGET, "target", "col-target", true, 2, read_target},
    {ROLE_BASELINE, "baseline", "col-baseline", true, 2, read_baseline},
    {ROLE_CURRENT, "current", "col-current", true, 2, read_current},
    {ROLE_ACTUAL, "actual", "col-actual", true, 2, read_actual},
    {ROLE_UNIT, "unit", "col-unit", false, 1, read_unit},
    {ROLE_KPI, "kpi", "col-kpi", false, 1, read_kpi},
    {ROLE_DEPARTMENT, "department", "col-department", false, 2, read_remark},
    {ROLE_ACTIVITIES, "activities", "col-activities", false, 2, read_activities},
    {ROLE_PROJECTS, "projects", "col-projects", false, 2, read_projects},
    {ROLE_MEASURE, "measure", "col-measure", false, 1, read_measure},
    {ROLE_GOAL, "goal", "col-goal", false, 1, read_goal},
    {ROLE_NO, "no", "col-no", false, 1, read_no},
};

static const role_entry *entry_of(column_role role)
{
    for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
        if (roles[i].role == role)
            return &roles[i];
    return NULL;
}

column_role role_of_heading(const kp_rules *rules, const char *key, int *fy)
{
    *fy = *key ? fiscal_year_dated(rules, key) : 0;
    for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
        if (rules_search(rules, "structure", roles[i].rule, key, 0, NULL))
            return roles[i].role;
    /* a year alone (R2年度, H27) heads a column of actuals */
    return *fy && fiscal_year_parse(rules, key, true) ? ROLE_ACTUAL : ROLE_NONE;
}

/* KEY with its character at byte OFFSET (LEN bytes) replaced by WITH. */
static char *key_with(const char *key, size_t offset, size_t len, gunichar with)
{
    GString *s = g_string_new_len(key, (gssize)offset);
    g_string_append_unichar(s, with);
    g_string_append(s, key + offset + len);
    return g_string_free(s, FALSE);
}

column_role role_of_read_heading(const kp_rules *rules, const char *key, int *fy)
{
    column_role role = role_of_heading(rules, key, fy);
    size_t n = 0;
    const kp_rule *const *confusable = rules_set(rules, "ocr", &n);
    for (const char *p = key; *p && role == ROLE_NONE; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        size_t len = (size_t)(g_utf8_next_char(p) - p);
        for (size_t i = 0; i < n && role == ROLE_NONE; i++) {
            const char *pair = confusable[i]->pattern;
            if (strcmp(confusable[i]->name, "confusable") || g_utf8_strlen(pair, -1) != 2)
                continue;
            gunichar a = g_utf8_get_char(pair), b = g_utf8_get_char(g_utf8_next_char(pair));
            if (c != a && c != b)
                continue;
            char *variant = key_with(key, (size_t)(p - key), len, c == a ? b : a);
            role = role_of_heading(rules, variant, fy);
            g_free(variant);
        }
    }
    return role;
}

const char *role_name(column_role role)
{
    const role_entry *e = entry_of(role);
    return e ? e->name : "?";
}

bool role_is_figure(column_role role)
{
    const role_entry *e = entry_of(role);
    return e && e->figure;
}

void role_read(row_context *ctx, const column_info *col, const char *cell, int pass)
{
    const role_entry *e = entry_of(col->role);
    if (e && e->pass == pass)
        e->read(ctx, col, cell);
}

bool roles_rules_check(const kp_rules *rules, kp_error *err)
{
    for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
        if (!rules_find(rules, "structure", roles[i].rule)) {
            kp_error_set(err, KP_ERR_RULES, NULL, 0, 0, 0,
                         "rules/structure.rules has no rule '%s'", roles[i].rule);
            return false;
        }
    return true;
}
