/* kpipe — figures (see include/kpipe/quantity.h).
 *
 * The grammar is data: this file only applies the rules in order and does the
 * decimal arithmetic the rules cannot. */
#include "kpipe/quantity.h"

#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpipe/celltext.h"

static void check_set(kp_figure_check *check, kp_figure_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void check_set(kp_figure_check *check, kp_figure_status status, const char *fmt, ...)
{
    check->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(check->reason, sizeof check->reason, fmt, ap);
    va_end(ap);
}

/* Takes the span of a match out of WORK. */
static void erase_group(GString *work, const kp_match *m, int group)
{
    size_t s, e;
    if (kp_match_group(m, group, &s, &e))
        g_string_erase(work, (gssize)s, (gssize)(e - s));
}

/* Parses a run of digits, commas and one decimal point into D. */
static bool digits_value(const char *s, size_t len, kp_decimal *d)
{
    d->coef = 0;
    d->exp = 0;
    bool point = false, any = false;
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == ',')
            continue;
        if (c == '.') {
            if (point)
                return false;
            point = true;
            continue;
        }
        int v = g_unichar_digit_value(c);
        if (v < 0)
            return false;
        if (__builtin_mul_overflow(d->coef, 10, &d->coef) ||
            __builtin_add_overflow(d->coef, v, &d->coef))
            return false;
        if (point)
            d->exp--;
        any = true;
    }
    return any;
}

/* Length of the longest scale word at S[AT], and its multiplier. */
static size_t scale_at(const kp_rules *rules, const char *s, size_t len, size_t at,
                       int64_t *mult)
{
    size_t n, best = 0;
    const kp_rule *const *rs = rules_set(rules, "scale", &n);
    for (size_t i = 0; i < n; i++) {
        kp_match m;
        if (rule_match(rules, rs[i], s, len, at, 0, &m) != 1)
            continue;
        size_t ms, me;
        if (kp_match_group(&m, 0, &ms, &me) && ms == at && me - ms > best) {
            best = me - ms;
            *mult = g_ascii_strtoll(rs[i]->name, NULL, 10);
        }
        kp_match_free(&m);
    }
    return best;
}

/* Evaluates a numeral such as "4億3,000万" or "1万8740" to a decimal. */
static bool numeral_value(const kp_rules *rules, const char *s, size_t len, kp_decimal *out,
                          kp_figure_check *check)
{
    kp_decimal total = {0, 0};
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && (g_ascii_isdigit(s[j]) || s[j] == ',' || s[j] == '.' ||
                           ((unsigned char)s[j] >= 0x80 &&
                            g_unichar_digit_value(g_utf8_get_char(s + j)) >= 0)))
            j = (size_t)(g_utf8_next_char(s + j) - s);
        kp_decimal term;
        if (j == i || !digits_value(s + i, j - i, &term)) {
            check_set(check, KP_FIGURE_MALFORMED, _("its digits do not form a number"));
            return false;
        }
        int64_t mult = 1;
        size_t sl = j < len ? scale_at(rules, s, len, j, &mult) : 0;
        if (j < len && sl == 0) {
            check_set(check, KP_FIGURE_MALFORMED, _("「%.*s」is not a scale word of rules/scale.rules"),
                      (int)(len - j), s + j);
            return false;
        }
        if (!decimal_mul_int(&term, mult) || !decimal_add(&total, term)) {
            check_set(check, KP_FIGURE_MALFORMED, _("the number is beyond ±2^53"));
            return false;
        }
        i = j + sl;
    }
    decimal_normalize(&total);
    *out = total;
    return true;
}

kp_quantity *quantity_parse(const kp_rules *rules, const char *cell, kp_figure_check *check)
{
    check->status = KP_FIGURE_OK;
    check->reason[0] = '\0';
    char *text = cell_strip_spaces(cell);
    if (!*text) {
        g_free(text);
        return NULL;
    }
    kp_quantity *q = g_new0(kp_quantity, 1);
    q->text = text;
    char *norm = cell_nfkc(text);
    kp_match m;

    if (rules_search(rules, "nofigure", NULL, norm, KP_MATCH_WHOLE, NULL)) {
        g_free(norm);
        return q;
    }
    GString *work = g_string_new(norm);
    g_free(norm);

    if (rules_search(rules, "figure", "cumulative", work->str, 0, &m)) {
        q->cumulative = true;
        erase_group(work, &m, 0);
        kp_match_free(&m);
    }
    if (rules_find(rules, "figure", "footnote") &&
        rules_search(rules, "figure", "footnote", work->str, 0, &m)) {
        erase_group(work, &m, 0);
        kp_match_free(&m);
    }
    if (rules_search(rules, "figure", "note", work->str, 0, &m)) {
        q->note = kp_match_dup(&m, 1);
        erase_group(work, &m, 0);
        kp_match_free(&m);
        if (q->note && rules_search(rules, "figure", "cumulative-word", q->note, 0, NULL))
            q->cumulative = true;
    }
    /* A qualifier stands before or after the figure, never inside it. The
     * first that matches names the figure; all are taken off ("約1,000人以上"). */
    size_t nq;
    const kp_rule *const *qs = rules_set(rules, "qualifier", &nq);
    for (size_t i = 0; i < nq; i++) {
        if (rule_match(rules, qs[i], work->str, work->len, 0, 0, &m) != 1)
            continue;
        size_t s, e;
        if (kp_match_group(&m, 0, &s, &e) && e > s && (s == 0 || e == work->len)) {
            if (!q->qualifier)
                q->qualifier = g_strdup(qs[i]->name);
            erase_group(work, &m, 0);
        }
        kp_match_free(&m);
    }
    if (rules_find(rules, "figure", "forecast") &&
        rules_search(rules, "figure", "forecast", work->str, 0, &m)) {
        char *forecast = kp_match_dup(&m, 1);
        char *note = q->note ? g_strconcat(forecast, " ", q->note, NULL) : g_strdup(forecast);
        g_free(q->note);
        q->note = note;
        g_free(forecast);
        erase_group(work, &m, 0);
        kp_match_free(&m);
    }
    if (rules_search(rules, "figure", "year-before", work->str, 0, &m)) {
        char *year = kp_match_dup(&m, 0);
        int fy = year ? fiscal_year_dated(rules, year) : 0;
        if (fy) {
            q->fy = fy;
            erase_group(work, &m, 0);
        }
        g_free(year);
        kp_match_free(&m);
    }
    bool negative = false;
    if (rules_search(rules, "figure", "negative", work->str, 0, &m)) {
        size_t s, e;
        if (kp_match_group(&m, 0, &s, &e) && s == 0) {
            negative = true;
            erase_group(work, &m, 0);
        }
        kp_match_free(&m);
    }

    int matched = rule_match(rules, rules_find(rules, "figure", "figure"), work->str, work->len, 0,
                             KP_MATCH_WHOLE, &m);
    if (matched != 1) {
        if (matched < 0) /* PCRE2's match or depth limit: a hostile cell, not a hang */
            check_set(check, KP_FIGURE_MALFORMED, _("the figure rules gave up on it (PCRE2 match limit)"));
        else
            check_set(check, KP_FIGURE_MALFORMED, _("it is neither a figure nor a no-figure mark"));
        g_string_free(work, TRUE);
        return q;
    }
    size_t ns, ne, us = 0, ue = 0;
    kp_decimal value;
    bool ok = kp_match_named(&m, "number", &ns, &ne) &&
              numeral_value(rules, work->str + ns, ne - ns, &value, check);
    if (!ok && check->status == KP_FIGURE_OK)
        check_set(check, KP_FIGURE_MALFORMED, "rule figure has no (?<number>…) group");
    if (ok && negative)
        value.coef = -value.coef;
    if (ok && !decimal_in_range(value)) {
        check_set(check, KP_FIGURE_MALFORMED, _("the number is beyond ±2^53"));
        ok = false;
    }
    if (ok) {
        q->has_value = true;
        q->value = value;
        q->unit_known = true;
        if (kp_match_named(&m, "unit", &us, &ue) && ue > us) {
            char *unit = g_strndup(work->str + us, ue - us);
            const kp_rule *known = rules_search(rules, "unit", NULL, unit, KP_MATCH_WHOLE, NULL);
            if (known) {
                q->unit = g_strdup(known->name);
                g_free(unit);
            } else {
                q->unit = unit;
                q->unit_known = false;
                check_set(check, KP_FIGURE_UNKNOWN_UNIT,
                          _("the counter「%s」is not listed in rules/unit.rules"), unit);
            }
        }
    }
    kp_match_free(&m);
    g_string_free(work, TRUE);
    return q;
}

/* The first year of KEY (NFKC, no spaces) by the era rules, the earliest
 * match winning; *END receives where it ends. 0 when none. */
static int year_in(const kp_rules *rules, const char *key, bool whole, size_t *end, bool *era)
{
    int year = 0;
    size_t n, best = (size_t)-1;
    const kp_rule *const *rs = rules_set(rules, "era", &n);
    for (size_t i = 0; i < n; i++) {
        kp_match m;
        if (rule_match(rules, rs[i], key, strlen(key), 0, whole ? KP_MATCH_WHOLE : 0, &m) != 1)
            continue;
        size_t ms, me;
        char *y = kp_match_dup(&m, 1);
        if (y && kp_match_group(&m, 0, &ms, &me) && ms < best) {
            /* the era rules allow two digits; a longer match is no year */
            int within = strcmp(y, "元") == 0 ? 1 : strlen(y) <= 4 ? atoi(y) : 0;
            if (within > 0) {
                year = atoi(rs[i]->name) + within;
                best = ms;
                *end = me;
                if (era) /* an era's rule names the year before it; the Western one 0 */
                    *era = atoi(rs[i]->name) != 0;
            }
        }
        g_free(y);
        kp_match_free(&m);
    }
    return year;
}

int fiscal_year_parse(const kp_rules *rules, const char *text, bool whole)
{
    char *key = cell_key(text);
    size_t end;
    int year = year_in(rules, key, whole, &end, NULL);
    g_free(key);
    return year;
}

bool fiscal_year_era(const kp_rules *rules, const char *text)
{
    char *key = cell_key(text);
    size_t end;
    bool era = false;
    year_in(rules, key, false, &end, &era);
    g_free(key);
    return era;
}

int fiscal_year_dated(const kp_rules *rules, const char *text)
{
    char *key = cell_key(text);
    size_t end = 0;
    int year = year_in(rules, key, false, &end, NULL);
    kp_match m;
    const kp_rule *month = rules_find(rules, "structure", "year-month");
    /* a bare 年 (no 度) with a month is a date: Jan–Mar close the year before */
    if (year && month && rule_match(rules, month, key, strlen(key), end, 0, &m) == 1) {
        size_t ms, me;
        char *mon = kp_match_dup(&m, 1);
        if (!mon)
            mon = kp_match_dup(&m, 2);
        bool at_end = kp_match_group(&m, 0, &ms, &me) && ms == end;
        bool fiscal = end >= strlen("度") && memcmp(key + end - strlen("度"), "度", strlen("度")) == 0;
        int mo = mon ? atoi(mon) : 0;
        if (at_end && !fiscal && mo >= 1 && mo <= 3)
            year--;
        g_free(mon);
        kp_match_free(&m);
    }
    g_free(key);
    return year;
}

/* The scale and base unit of UNIT (千円: 1000, 円) as a quantity of 1 UNIT. */
static kp_quantity *unit_quantity(const kp_rules *rules, const char *unit, kp_figure_check *check)
{
    char *one = g_strconcat("1", unit, NULL);
    kp_quantity *u = quantity_parse(rules, one, check);
    g_free(one);
    return u;
}

/* A label printed before the figure (登録件数 9件, often with no space in
 * the PDF): when the whole cell is no figure, a leading run of Japanese
 * letters directly before a numeral is taken off and the rest read. */
static kp_quantity *without_label(const kp_rules *rules, const char *cell, kp_quantity *q,
                                  kp_figure_check *check)
{
    const char *p = cell;
    while (*p && g_unichar_isspace(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    const char *label = p;
    while (*p && char_is_japanese(g_utf8_get_char(p)) && !g_unichar_isdigit(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    while (*p && g_unichar_isspace(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    if (p == label || !g_unichar_isdigit(g_utf8_get_char(p)))
        return q;
    kp_figure_check rest_check;
    kp_quantity *rest = quantity_parse(rules, p, &rest_check);
    if (!rest || !rest->has_value || rest_check.status == KP_FIGURE_MALFORMED) {
        quantity_free(rest);
        return q;
    }
    g_free(rest->text);
    rest->text = g_strdup(q->text); /* as printed */
    quantity_free(q);
    *check = rest_check;
    return rest;
}

kp_quantity *quantity_parse_in(const kp_rules *rules, const char *cell,
                               const kp_figure_context *ctx, kp_figure_check *check)
{
    const char *body = cell;
    char *key = NULL;
    if (ctx && ctx->prefix && *ctx->prefix) {
        /* a KPI name repeated before the figure: 相談件数 40件 */
        key = cell_key(cell);
        char *pre = cell_key(ctx->prefix);
        if (g_str_has_prefix(key, pre) && key[strlen(pre)])
            body = key + strlen(pre);
        g_free(pre);
    }
    kp_quantity *q = quantity_parse(rules, body, check);
    g_free(key);
    if (!q)
        return NULL;
    if (check->status == KP_FIGURE_MALFORMED)
        q = without_label(rules, cell, q, check);
    if (body != cell) {
        g_free(q->text);
        q->text = cell_strip_spaces(cell);
    }
    if (!q->fy && q->note && rules_find(rules, "figure", "year-note") &&
        rules_search(rules, "figure", "year-note", q->note, KP_MATCH_WHOLE, NULL))
        q->fy = fiscal_year_dated(rules, q->note); /* 58.2% (H26) */
    if (q->has_value && !q->unit && ctx && ctx->unit && *ctx->unit) {
        kp_figure_check ucheck;
        kp_quantity *u = unit_quantity(rules, ctx->unit, &ucheck);
        kp_decimal v = q->value;
        if (u && u->has_value && u->unit && decimal_mul(&v, u->value) && decimal_in_range(v)) {
            q->value = v;
            q->unit = g_strdup(u->unit);
            q->unit_known = u->unit_known;
            if (check->status == KP_FIGURE_OK && ucheck.status != KP_FIGURE_OK)
                *check = ucheck;
        }
        quantity_free(u);
    }
    return q;
}

bool unit_is_known(const kp_rules *rules, const char *unit)
{
    kp_figure_check check;
    kp_quantity *u = unit_quantity(rules, unit, &check);
    bool known = u && u->has_value && u->unit && check.status == KP_FIGURE_OK;
    quantity_free(u);
    return known;
}

static bool is_whole_number(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!g_ascii_isdigit(*s))
            return false;
    return true;
}

/* An era rule names the year before the era's first: a Western year. */
#define ERA_MAX_YEAR 9999

bool quantity_rules_check(const kp_rules *rules, kp_error *err)
{
    static const char *const required[][2] = {
        {"figure", "cumulative"}, {"figure", "cumulative-word"}, {"figure", "note"},
        {"figure", "negative"}, {"figure", "figure"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(required); i++)
        if (!rules_find(rules, required[i][0], required[i][1])) {
            kp_error_set(err, KP_ERR_RULES, NULL, 0, 0, 0,
                         "rules/%s.rules has no rule '%s'", required[i][0], required[i][1]);
            return false;
        }
    static const char *const numeric_sets[] = {"scale", "era"};
    for (size_t s = 0; s < G_N_ELEMENTS(numeric_sets); s++) {
        size_t n;
        const kp_rule *const *rs = rules_set(rules, numeric_sets[s], &n);
        if (n == 0) {
            kp_error_set(err, KP_ERR_RULES, NULL, 0, 0, 0, "rules/%s.rules is missing or empty",
                         numeric_sets[s]);
            return false;
        }
        for (size_t i = 0; i < n; i++)
            if (!is_whole_number(rs[i]->name) || strlen(rs[i]->name) > 18 ||
                (s == 0 && g_ascii_strtoll(rs[i]->name, NULL, 10) <= 0) ||
                (s == 1 && g_ascii_strtoll(rs[i]->name, NULL, 10) > ERA_MAX_YEAR)) {
                kp_error_set(err, KP_ERR_RULES, rs[i]->file, 0, rs[i]->line, 1,
                             s == 1 ? "the name of an era rule must be a year from 0 to 9999, "
                                      "not '%s'"
                                    : "the name of a scale rule must be a whole number, not '%s'",
                             rs[i]->name);
                return false;
            }
    }
    return true;
}
