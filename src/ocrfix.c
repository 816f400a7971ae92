/* kpipe — what OCR is known to misread in a table, mended and said: a
 * table's columns whose heading was misread (by their place or cells, a
 * year's lost era, a text role named twice); figures: a speck after the
 * figure, a letter beside the digit it looks like, a rate's % read as 96,
 * a mark read as a letter (△ as A, 人); from the row, a counter one
 * misread character from the unit the row's other figures are in (百方円,
 * 位所, 作), and a decimal point or scale word lost where the row's other
 * figures print one. Each mended figure keeps the text as read and is
 * doubted (ocr-uncertain), by its caller or here. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parser.h"

#include "i18n.h"

/* ---- one figure ------------------------------------------------------------ */

/* The first digit of S, or its end. */
static const char *first_digit(const char *s)
{
    while (*s && !g_unichar_isdigit(g_utf8_get_char(s)))
        s = g_utf8_next_char(s);
    return s;
}

bool percent_sign_lost(const char *text, const char *unit)
{
    return unit && !strcmp(unit, "%") && text && !strstr(text, "%") && !strstr(text, "％");
}

/* A rate read by OCR as 7596 with no % is 75%: the sign read as 96 is the
 * commonest misread of a rate. Only where the value as read is beyond any
 * rate a table prints (a column of bare 96 under 達成率(%) stays 96). */
#define PERCENT_AS_96_MIN 1000

static char *percent_from_96(const kp_quantity *q, const char *unit)
{
    if (!q->has_value || !percent_sign_lost(q->text, unit))
        return NULL;
    char *t = g_strstrip(g_strdup(q->text));
    size_t n = strlen(t);
    if (n < 3 || strcmp(t + n - 2, "96") != 0 || !(decimal_to_double(q->value) >= PERCENT_AS_96_MIN)) {
        g_free(t);
        return NULL;
    }
    strcpy(t + n - 2, "%");
    /* 37.5% read as 37,596: the digits grouped by a comma were the 96's */
    char *comma = strrchr(t, ',');
    if (comma && strspn(comma + 1, "0123456789") < 3)
        *comma = '.';
    return t;
}

/* Is the letter at L beside the digit it looks like (rules/ocr.rules
 * digit-lookalike: S before or after 5)? */
static bool letter_beside_its_digit(const kp_rules *rules, const char *text, const char *l)
{
    size_t n = 0;
    const kp_rule *const *rs = rules_set(rules, "ocr", &n);
    for (size_t i = 0; i < n; i++) {
        const char *pair = rs[i]->pattern;
        if (strcmp(rs[i]->name, "digit-lookalike") != 0 || strlen(pair) != 2 || *l != pair[1])
            continue;
        if ((l > text && l[-1] == pair[0]) || l[1] == pair[0])
            return true;
    }
    return false;
}

/* A figure that is no figure as read, with one letter beside the digit it
 * looks like (2万S5,000人): the text without the letter, or NULL. */
static char *without_doubled_digit(const kp_rules *rules, const kp_quantity *q,
                                   const kp_figure_check *check)
{
    if (check->status != KP_FIGURE_MALFORMED)
        return NULL;
    const char *found = NULL;
    for (const char *c = q->text; *c; c++)
        if (g_ascii_isalpha(*c) && letter_beside_its_digit(rules, q->text, c)) {
            if (found)
                return NULL; /* two: no misread of one digit */
            found = c;
        }
    if (!found)
        return NULL;
    GString *t = g_string_new_len(q->text, found - q->text);
    g_string_append(t, found + 1);
    return g_string_free(t, FALSE);
}

/* The mark group (mark_group_of) of Q, a figure cell that is no figure
 * (CHECK) and holds one character, *C; NULL otherwise. */
static const char *lone_char_group(const kp_rules *rules, const kp_quantity *q,
                                   const kp_figure_check *check, gunichar *c)
{
    char *key = q->text && check->status == KP_FIGURE_MALFORMED ? cell_key(q->text) : NULL;
    bool lone = key && g_utf8_strlen(key, -1) == 1;
    *c = lone ? g_utf8_get_char(key) : 0;
    g_free(key);
    return lone ? mark_group_of(rules, *c) : NULL;
}

/* A lone character that is no figure, where a mark of its group
 * (mark_group_of) is a no-figure mark: that mark (△ read as A). */
static char *nofigure_mark(const kp_rules *rules, const kp_quantity *q,
                           const kp_figure_context *fc, const kp_figure_check *check)
{
    gunichar c;
    const char *group = lone_char_group(rules, q, check, &c);
    for (const char *m = group; m && *m; m = g_utf8_next_char(m)) {
        char *mark = g_utf8_substring(m, 0, 1);
        kp_figure_check mcheck;
        kp_quantity *r = quantity_parse_in(rules, mark, fc, &mcheck);
        bool nofigure = r && !r->has_value && mcheck.status == KP_FIGURE_OK;
        quantity_free(r);
        if (nofigure)
            return mark;
        g_free(mark);
    }
    return NULL;
}

/* A figure cell read as one character that is no figure and no mark, of
 * a mark group (mark_group_of) whose mark (its first character) is not
 * it: that mark (a lone △ read as A), still no figure. */
static char *lone_mark_as_printed(const kp_rules *rules, const kp_quantity *q,
                                  const kp_figure_check *check)
{
    gunichar c;
    const char *group = lone_char_group(rules, q, check, &c);
    return group && g_utf8_get_char(group) != c ? g_utf8_substring(group, 0, 1) : NULL;
}

/* The sign a figure's misread prefix stands for: one or two characters
 * before the number, each of the mark group of △ (A45, 人280人, 人へ320 人
 * for △45, △280人, △320人); the text with the sign for them, or NULL. */
#define SIGN_PREFIX_MAX_CHARS 2

static char *sign_for_prefix(const kp_rules *rules, const kp_quantity *q)
{
    static const char sign[] = "△";
    const char *digit = first_digit(q->text);
    int chars = 0;
    for (const char *p = q->text; p < digit; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        const char *group = mark_group_of(rules, c);
        if (!g_unichar_isspace(c) && (c == g_utf8_get_char(sign) || !group ||
                                      !g_utf8_strchr(group, -1, g_utf8_get_char(sign))))
            return NULL;
        chars += !g_unichar_isspace(c);
    }
    if (chars == 0 || chars > SIGN_PREFIX_MAX_CHARS || !*digit)
        return NULL;
    return g_strconcat(sign, digit, NULL);
}

/* A speck read after a figure (48.0%. , 0製品。): punctuation ending the
 * cell, where a figure never ends so; the text without it, or NULL. */
static char *without_trailing_speck(const kp_quantity *q, const kp_figure_check *check)
{
    if (check->status == KP_FIGURE_OK)
        return NULL;
    char *t = g_strstrip(g_strdup(q->text));
    char *end = t + strlen(t);
    while (end > t) {
        char *prev = g_utf8_prev_char(end);
        if (!g_utf8_strchr(".,。、・．，", -1, g_utf8_get_char(prev)))
            break;
        end = prev;
    }
    if (!*end || end == t) {
        g_free(t);
        return NULL;
    }
    *end = '\0';
    return t;
}

/* A figure read with one or two characters before it that no rule reads
 * as a qualifier or a sign (人へ320人): a mark OCR misread (△ as 人へ), as
 * a table prints no such short label. */
bool figure_stray_prefix(const kp_quantity *q)
{
    if (!q->has_value || q->qualifier || decimal_to_double(q->value) < 0 || !q->text)
        return false;
    int chars = 0;
    for (const char *c = q->text, *digit = first_digit(c); c < digit; c = g_utf8_next_char(c))
        chars += !g_unichar_isspace(g_utf8_get_char(c));
    return chars > 0 && chars <= SIGN_PREFIX_MAX_CHARS;
}

/* Q read again as TEXT, kept if that is a figure (WANT_VALUE: with a
 * value) or a no-figure mark that passes its checks. */
static kp_quantity *read_as(const kp_rules *rules, kp_quantity *q, char *text,
                            const kp_figure_context *fc, kp_figure_check *check, bool want_value,
                            bool *mended)
{
    if (!text)
        return q;
    kp_figure_check rcheck;
    kp_quantity *r = quantity_parse_in(rules, text, fc, &rcheck);
    g_free(text);
    if (!r || r->has_value != want_value || rcheck.status != KP_FIGURE_OK) {
        quantity_free(r);
        return q;
    }
    /* A figure keeps the text as read (for warnings); a mark is its text */
    if (want_value) {
        g_free(r->text);
        r->text = g_strdup(q->text);
    }
    quantity_free(q);
    *check = rcheck;
    *mended = true;
    return r;
}

kp_quantity *figure_mended(const kp_rules *rules, kp_quantity *q, const kp_figure_context *fc,
                           kp_figure_check *check, bool *mended)
{
    if (!q->text)
        return q;
    q = read_as(rules, q, without_trailing_speck(q, check), fc, check, true, mended);
    q = read_as(rules, q, without_doubled_digit(rules, q, check), fc, check, true, mended);
    q = read_as(rules, q, percent_from_96(q, fc->unit), fc, check, true, mended);
    q = read_as(rules, q, nofigure_mark(rules, q, fc, check), fc, check, false, mended);
    char *mark = lone_mark_as_printed(rules, q, check);
    if (mark) {
        g_free(q->text);
        q->text = mark;
        *mended = true;
    }
    if (check->status == KP_FIGURE_MALFORMED || (q->has_value && !q->qualifier))
        q = read_as(rules, q, sign_for_prefix(rules, q), fc, check, true, mended);
    return q;
}

/* ---- a row's units ------------------------------------------------------------ */

/* Figure I of ROW's baseline, target and actuals (I below
 * 2 + actuals->len), or NULL. */
static const kp_quantity *row_figure(const kp_row *row, guint i)
{
    return i == 0 ? row->baseline
         : i == 1 ? row->target
                  : ((const kp_actual *)g_ptr_array_index(row->actuals, i - 2))->quantity;
}

/* Is O another of the row's figures than Q, with a value in Q's unit? */
static bool row_peer(const kp_quantity *o, const kp_quantity *q)
{
    return o && o != q && o->has_value && o->unit && q->unit && strcmp(o->unit, q->unit) == 0;
}

/* The one base unit the row's figures with a known unit are in, or NULL
 * (none, or two). */
static const char *row_unit(const kp_row *row)
{
    const char *unit = NULL;
    for (guint i = 0; i < 2 + row->actuals->len; i++) {
        const kp_quantity *q = row_figure(row, i);
        if (!q || !q->has_value || !q->unit_known || !q->unit)
            continue;
        if (unit && strcmp(unit, q->unit) != 0)
            return NULL;
        unit = q->unit;
    }
    return unit;
}

/* Does a figure of ROW, other than SELF, print SPELLING? */
static bool row_prints(const kp_row *row, const kp_quantity *self, const char *spelling)
{
    for (guint i = 0; i < 2 + row->actuals->len; i++) {
        const kp_quantity *q = row_figure(row, i);
        if (q && q != self && q->unit_known && q->text && strstr(q->text, spelling))
            return true;
    }
    return false;
}

/* The distance (at most 1, else 2) between two units' spellings, a
 * hyphen left out of both: OCR drops the short stroke of t-CO2 as often as
 * it misreads a letter (LCO2). */
static int unit_distance(const char *a, const char *b)
{
    GString *bare[2] = {g_string_new(NULL), g_string_new(NULL)};
    const char *spelling[2] = {a, b};
    for (int i = 0; i < 2; i++)
        for (const char *c = spelling[i]; *c; c = g_utf8_next_char(c))
            if (!g_utf8_strchr("-‐－−", -1, g_utf8_get_char(c)))
                g_string_append_len(bare[i], c, g_utf8_next_char(c) - c);
    int d = cell_key_distance(bare[0]->str, bare[1]->str, 1);
    g_string_free(bare[0], TRUE);
    g_string_free(bare[1], TRUE);
    return d;
}

/* The spelling of UNIT, bare or after one of the scale words, that Q's
 * counter is one character away from (unit_distance): the only one, else the longest of
 * those the row's other figures print (代円 beside 3.1億円 is 億円); NULL
 * when there is no telling. */
static char *unit_spelling_near(const kp_rules *rules, const kp_row *row, const kp_quantity *q,
                                const char *unit)
{
    size_t n = 0;
    const kp_rule *const *scales = rules_set(rules, "scale", &n);
    char *only = NULL, *printed = NULL;
    int near = 0, printed_len = 0;
    bool printed_tie = false;
    for (size_t i = 0; i <= n; i++) {
        char *spelling = g_strconcat(i < n ? scales[i]->pattern : "", unit, NULL);
        if (unit_distance(q->unit, spelling) > 1) {
            g_free(spelling);
            continue;
        }
        near++;
        int len = (int)g_utf8_strlen(spelling, -1);
        if (row_prints(row, q, spelling) && len >= printed_len) {
            printed_tie = len == printed_len;
            printed_len = len;
            g_free(printed);
            printed = g_strdup(spelling);
        }
        g_free(only);
        only = spelling;
    }
    if (near == 1) {
        g_free(printed);
        return only;
    }
    g_free(only);
    if (printed_tie) {
        g_free(printed);
        return NULL;
    }
    return printed;
}

/* Q read again with its counter written as SPELLING; NULL when that is no
 * figure in a known unit. */
static kp_quantity *read_with_unit(const kp_rules *rules, const kp_quantity *q,
                                   const char *spelling, const char *kpi)
{
    const char *at = g_strrstr(q->text, q->unit);
    if (!at)
        return NULL;
    GString *text = g_string_new_len(q->text, at - q->text);
    g_string_append(text, spelling);
    g_string_append(text, at + strlen(q->unit));
    kp_figure_context fc = {NULL, kpi};
    kp_figure_check check;
    kp_quantity *r = quantity_parse_in(rules, text->str, &fc, &check);
    g_string_free(text, TRUE);
    if (!r || !r->has_value || !r->unit_known || check.status != KP_FIGURE_OK) {
        quantity_free(r);
        return NULL;
    }
    g_free(r->text);
    r->text = g_strdup(q->text);
    if (!r->fy)
        r->fy = q->fy;
    return r;
}

/* What mends one figure of a row: where the row holds it (a mend may
 * replace it) and its field's name. */
typedef void (*figure_fn)(void *ctx, const kp_row *row, kp_quantity **slot, const char *field);

/* FN on each of ROW's figures: baseline, target, actuals by year. */
static void row_figures_each(kp_row *row, figure_fn fn, void *ctx)
{
    fn(ctx, row, &row->baseline, "baseline");
    fn(ctx, row, &row->target, "target");
    for (guint i = 0; i < row->actuals->len; i++) {
        kp_actual *a = g_ptr_array_index(row->actuals, i);
        char field[32];
        snprintf(field, sizeof field, "actuals.%d", a->fy);
        fn(ctx, row, &a->quantity, field);
    }
}

static void mend_unit(const kp_rules *rules, const kp_row *row, kp_quantity **slot,
                      const char *unit)
{
    kp_quantity *q = *slot;
    if (!q || !q->has_value || q->unit_known || !q->unit || !q->text)
        return;
    char *spelling = unit_spelling_near(rules, row, q, unit);
    kp_quantity *r = spelling ? read_with_unit(rules, q, spelling, row->kpi_name) : NULL;
    g_free(spelling);
    if (r && !strcmp(r->unit, unit)) {
        quantity_free(q);
        *slot = r;
    } else {
        quantity_free(r);
    }
}

typedef struct {
    const kp_rules *rules;
    char *unit;
} unit_mend;

static void mend_unit_of(void *ctx, const kp_row *row, kp_quantity **slot, const char *field)
{
    const unit_mend *m = ctx;
    (void)field;
    mend_unit(m->rules, row, slot, m->unit);
}

void row_units_mended(const kp_rules *rules, kp_row *row)
{
    const char *unit = row_unit(row);
    if (!unit)
        return;
    unit_mend m = {rules, g_strdup(unit)}; /* (the figure that holds it may be replaced) */
    row_figures_each(row, mend_unit_of, &m);
    g_free(m.unit);
}

/* ---- a table's columns ---------------------------------------------------------- */

/* The role a column C that no rule names has from its place, its heading
 * naming fiscal year FY (or 0): with a year, between the baseline and the
 * target, actuals; in a table with no target column, just right of the
 * actuals, or with a year last, the target. In a table with no baseline column, left of the actuals and
 * of a year before theirs, or with no year just left of them, the
 * baseline. */
static column_role role_from_place(const detail_table *t, guint c, int fy)
{
    int baseline = -1, target = -1, first_actual = -1, last_actual = -1, actual_fy = 0;
    for (guint i = 0; i < t->columns->len; i++) {
        const column_info *col = &g_array_index(t->columns, column_info, i);
        if ((col->role == ROLE_BASELINE || col->role == ROLE_CURRENT) && baseline < 0)
            baseline = (int)i;
        if (col->role == ROLE_TARGET && target < 0)
            target = (int)i;
        if (col->role == ROLE_ACTUAL) {
            if (first_actual < 0)
                actual_fy = col->fy, first_actual = (int)i;
            last_actual = (int)i;
        }
    }
    int at = (int)c;
    if (fy && baseline >= 0 && at > baseline && target >= 0 && at < target)
        return ROLE_ACTUAL;
    if (baseline >= 0 && target < 0 && last_actual >= 0 &&
        (at == last_actual + 1 || (fy && at > last_actual && c + 1 == t->columns->len)))
        return ROLE_TARGET;
    if (baseline < 0 && first_actual >= 0 && at < first_actual && (!fy || fy < actual_fy) &&
        (target < 0 || at < target) && (fy || at + 1 == first_actual))
        return ROLE_BASELINE;
    return ROLE_NONE;
}

/* A column whose role is a row's text (measure, KPI, projects) that a
 * column left of it has already, right of a figure column: a heading that
 * lost a character to OCR (施策目標 read as 施策目, which names the measure)
 * — a row's text is printed left of its figures. Its role is left to its
 * place (roles_from_place). */
static bool role_is_row_text(column_role role)
{
    return role == ROLE_MEASURE || role == ROLE_KPI || role == ROLE_PROJECTS;
}

static void text_roles_right_of_figures_dropped(detail_table *t)
{
    bool figure_seen = false;
    for (guint c = 0; c < t->columns->len; c++) {
        column_info *col = &g_array_index(t->columns, column_info, c);
        bool named_before = false;
        for (guint o = 0; o < c && role_is_row_text(col->role); o++)
            named_before |= g_array_index(t->columns, column_info, o).role == col->role;
        if (figure_seen && named_before)
            col->role = ROLE_NONE;
        figure_seen |= role_is_figure(col->role);
    }
}

/* A heading read by OCR that no rule names (実績値 read as 突貫値, 基準値 as
 * 値) still has its place (role_from_place); said (ocr-uncertain) for the
 * column. */
static void roles_from_place(parser *p, detail_table *t)
{
    for (guint c = 0; c < t->columns->len; c++) {
        column_info *col = &g_array_index(t->columns, column_info, c);
        if (col->role != ROLE_NONE || !*col->heading)
            continue;
        col->role = role_from_place(t, c, col->fy);
        if (col->role == ROLE_NONE)
            continue;
        t->has_baseline |= col->role == ROLE_BASELINE;
        document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", t->goal ? t->goal->number : 0,
                          0, NULL, t->where.page, t->where.line,
                          _("The column headed「%s」(read by OCR) is taken for %s from its place "
                            "in the table; no heading rule names it."),
                          col->heading, role_name(col->role));
    }
}

/* The characters just before the first digit of HEADING (at most
 * ERA_MARK_MAX_CHARS, after any bracket): the era mark of its year (H of
 * (H26), 平成 of 平成26年度), or NULL. */
#define ERA_MARK_MAX_CHARS 2

static char *era_mark(const char *heading)
{
    char *key = cell_key(heading);
    const char *digit = first_digit(key);
    const char *from = digit;
    for (int n = 0; n < ERA_MARK_MAX_CHARS && from > key; n++) {
        const char *prev = g_utf8_prev_char(from);
        gunichar c = g_utf8_get_char(prev);
        if (!g_unichar_isalpha(c))
            break;
        from = prev;
    }
    char *mark = *digit && from < digit ? g_strndup(from, (gsize)(digit - from)) : NULL;
    g_free(key);
    return mark;
}

/* A figure column read by OCR whose heading's year lost its era mark
 * (実績値(H31年3月末) read as 実績値(31年3月末)) takes the era of another
 * heading of the table that has one. Said (ocr-uncertain). */
static void years_from_neighbours(parser *p, detail_table *t)
{
    for (guint c = 0; c < t->columns->len; c++) {
        column_info *col = &g_array_index(t->columns, column_info, c);
        if (col->fy || !role_is_figure(col->role) || !strpbrk(col->heading, "0123456789"))
            continue;
        char *key = cell_key(col->heading);
        const char *digit = first_digit(key);
        for (guint o = 0; o < t->columns->len && !col->fy; o++) {
            const column_info *other = &g_array_index(t->columns, column_info, o);
            char *mark = other->fy ? era_mark(other->heading) : NULL;
            if (mark) {
                char *variant = g_strdup_printf("%.*s%s%s", (int)(digit - key), key, mark, digit);
                col->fy = fiscal_year_dated(p->rules, variant);
                g_free(variant);
            }
            g_free(mark);
        }
        g_free(key);
        if (col->fy)
            document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain",
                              t->goal ? t->goal->number : 0, 0, NULL, t->where.page,
                              t->where.line,
                              _("The year of the column headed「%s」(read by OCR) names no era; "
                                "it is taken for FY%d, in the era of the table's other headings."),
                              col->heading, col->fy);
    }
}

void table_columns_mended(parser *p, detail_table *t)
{
    if (p->doc->source.ocr_pages == 0)
        return;
    text_roles_right_of_figures_dropped(t);
    roles_from_place(p, t);
    years_from_neighbours(p, t);
}

/* A table read by OCR with no measure column, whose heading was lost (具体的
 * 施策 read as |), and a column no rule names that holds a numbered measure
 * (①…): that column is the measures'. Said (ocr-uncertain). */
void table_measure_column_found(parser *p, detail_table *t, GPtrArray *cells)
{
    if (p->doc->source.ocr_pages == 0)
        return;
    for (guint i = 0; i < t->columns->len; i++)
        if (g_array_index(t->columns, column_info, i).role == ROLE_MEASURE)
            return;
    for (guint i = 0; i < t->columns->len && i < cells->len; i++) {
        column_info *col = &g_array_index(t->columns, column_info, i);
        int n = 0;
        char *title = NULL;
        if (col->role != ROLE_NONE ||
            !match_numbered(p, "measure", ((GString *)g_ptr_array_index(cells, i))->str, &n, &title)) {
            g_free(title);
            continue;
        }
        g_free(title);
        col->role = ROLE_MEASURE;
        document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", t->goal ? t->goal->number : 0,
                          0, NULL, t->where.page, t->where.line,
                          _("The column headed「%s」(read by OCR) is taken for %s from its "
                            "cells; no heading rule names it."),
                          col->heading, role_name(col->role));
        return;
    }
}


/* ---- a row's magnitudes: a decimal point or a scale word lost ----------------- */

/* A figure whose point OCR lost (1.5倍 read as 15倍), or its scale word
 * (112,178千円 as 112,178円), is put back where the value read is off the
 * row's other figures by more than this factor and the value mended is
 * within it: a KPI's baseline, actuals and
 * target keep to one order of magnitude far more often than not. */
#define MAGNITUDE_BAND 3.0

/* The digits after the decimal point of the one number TEXT prints (a run
 * of digits with , or . between digits), 0 when it has none, -1 when TEXT
 * prints no number or two. */
static int fraction_digits(const char *text)
{
    int numbers = 0, after = -1;
    for (const char *c = text; *c;) {
        if (!g_ascii_isdigit(*c)) {
            c++;
            continue;
        }
        numbers++;
        after = -1;
        for (; g_ascii_isdigit(*c) || ((*c == ',' || *c == '.') && g_ascii_isdigit(c[1])); c++)
            if (*c == '.')
                after = 0;
            else if (after >= 0 && *c != ',')
                after++;
        after = MAX(after, 0);
    }
    return numbers == 1 ? after : -1;
}

/* The fraction digits the other valued figures of ROW in Q's unit print
 * that print a point (at least two of them, each the same number), and the
 * least and greatest of their values; false when they do not agree. */
static bool row_points(const kp_row *row, const kp_quantity *q, int *digits, double *lo,
                       double *hi)
{
    int n = 0;
    *digits = 0;
    for (guint i = 0; i < 2 + row->actuals->len; i++) {
        const kp_quantity *o = row_figure(row, i);
        if (!row_peer(o, q))
            continue;
        int d = o->text ? fraction_digits(o->text) : -1;
        double v = decimal_to_double(o->value);
        if (d == 0)
            continue; /* printed whole, or its point lost as well */
        if (d < 0 || (n && d != *digits) || v <= 0)
            return false;
        *digits = d;
        *lo = n ? MIN(*lo, v) : v;
        *hi = n ? MAX(*hi, v) : v;
        n++;
    }
    return n >= 2;
}

static bool within_band(double v, double lo, double hi)
{
    return v >= lo / MAGNITUDE_BAND && v <= hi * MAGNITUDE_BAND;
}

/* The digits Q's point was printed before the end of its number, where
 * putting it back brings Q into the row's band; 0 otherwise. A cumulative
 * figure (a sum of years) is off the others by its nature. */
static int point_lost_digits(const kp_row *row, const kp_quantity *q)
{
    int digits = 0;
    double lo = 0, hi = 0, v = decimal_to_double(q->value);
    if (!q->has_value || !q->unit || !q->text || q->qualifier || q->cumulative ||
        fraction_digits(q->text) != 0 || !row_points(row, q, &digits, &lo, &hi) ||
        within_band(v, lo, hi) || !within_band(v / pow(10, digits), lo, hi))
        return 0;
    return digits;
}

static void mend_point(parser *p, int goal, const kp_row *row, kp_quantity *q, const char *field)
{
    int digits = q ? point_lost_digits(row, q) : 0;
    if (!digits)
        return;
    q->value.exp -= digits;
    decimal_normalize(&q->value);
    char *at = document_place(p->doc, goal, row->number, field);
    char *value = decimal_to_string(q->value);
    document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", goal, row->number, field,
                      row->where.page, row->where.line,
                      _("%s「%s」(read by OCR) is taken for %s %s: the row's other figures "
                        "print a decimal point, and only with one is it within a factor of %g of "
                        "them."),
                      at, q->text, value, q->unit, MAGNITUDE_BAND);
    g_free(value);
    g_free(at);
}

/* The scale word (of scale.rules) TEXT prints, and its multiplier; NULL
 * when none. */
static const char *printed_scale(const kp_rules *rules, const char *text, int64_t *mult)
{
    size_t n = 0;
    const kp_rule *const *scales = rules_set(rules, "scale", &n);
    for (size_t i = 0; text && i < n; i++)
        if (strstr(text, scales[i]->pattern)) {
            *mult = g_ascii_strtoll(scales[i]->name, NULL, 10);
            return scales[i]->pattern;
        }
    return NULL;
}

/* The multiplier of the scale word (scale.rules) the most other valued
 * figures of ROW in Q's unit print (at least two, no tie), and the least
 * and greatest of their values; 0 when there is none. */
static int64_t row_scale(const kp_rules *rules, const kp_row *row, const kp_quantity *q,
                         double *lo, double *hi)
{
    size_t n = 0;
    const kp_rule *const *scales = rules_set(rules, "scale", &n);
    int64_t best = 0;
    int best_count = 0;
    bool tie = false;
    for (size_t s = 0; s < n; s++) {
        int64_t mult = g_ascii_strtoll(scales[s]->name, NULL, 10), printed = 0;
        int count = 0;
        double l = 0, h = 0;
        for (guint i = 0; i < 2 + row->actuals->len; i++) {
            const kp_quantity *o = row_figure(row, i);
            if (!row_peer(o, q) || !printed_scale(rules, o->text, &printed) || printed != mult)
                continue;
            double v = decimal_to_double(o->value);
            l = count ? MIN(l, v) : v;
            h = count ? MAX(h, v) : v;
            count++;
        }
        if (count > best_count)
            best = mult, best_count = count, *lo = l, *hi = h, tie = false;
        else if (count && count == best_count)
            tie = true;
    }
    return best_count >= 2 && !tie ? best : 0;
}

/* A figure in a row whose other figures print a scale word (98,500千円),
 * read by OCR without one (112,178円: 千 lost on a wrapped line), where it
 * is off them by more than the band and with the scale within it: the
 * scale word's multiplier; 0 otherwise. */
static int64_t scale_lost(const kp_rules *rules, const kp_row *row, const kp_quantity *q)
{
    int64_t mult = 0;
    double lo = 0, hi = 0, v = decimal_to_double(q->value);
    if (!q->has_value || !q->unit || !q->text || q->cumulative ||
        printed_scale(rules, q->text, &mult))
        return 0;
    mult = row_scale(rules, row, q, &lo, &hi);
    return mult && !within_band(v, lo, hi) && within_band(v * (double)mult, lo, hi) ? mult : 0;
}

static void mend_scale(parser *p, int goal, const kp_row *row, kp_quantity *q, const char *field)
{
    int64_t mult = q ? scale_lost(p->rules, row, q) : 0;
    if (!mult || !decimal_mul_int(&q->value, mult))
        return;
    char *at = document_place(p->doc, goal, row->number, field);
    char *value = decimal_to_string(q->value);
    document_diagnose(p->doc, KP_SEV_WARNING, "ocr-uncertain", goal, row->number, field,
                      row->where.page, row->where.line,
                      _("%s「%s」(read by OCR) is taken for %s %s: the row's other figures "
                        "print a scale word, and only with it is it within a factor of %g of them."),
                      at, q->text, value, q->unit, MAGNITUDE_BAND);
    g_free(value);
    g_free(at);
}

typedef struct {
    parser *p;
    int goal;
} magnitude_mend;

static void mend_point_of(void *ctx, const kp_row *row, kp_quantity **slot, const char *field)
{
    const magnitude_mend *m = ctx;
    mend_point(m->p, m->goal, row, *slot, field);
}

static void mend_scale_of(void *ctx, const kp_row *row, kp_quantity **slot, const char *field)
{
    const magnitude_mend *m = ctx;
    mend_scale(m->p, m->goal, row, *slot, field);
}

void row_magnitudes_mended(parser *p, int goal, kp_row *row)
{
    magnitude_mend m = {p, goal};
    row_figures_each(row, mend_point_of, &m);
    row_figures_each(row, mend_scale_of, &m);
}
