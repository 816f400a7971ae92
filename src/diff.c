/* kpipe — edition diffs (see include/kpipe/diff.h). */
#include "kpipe/diff.h"

#include <stdio.h>
#include <string.h>

#include "kpipe/json.h"
#include "kpipe/celltext.h"

static const char *const kind_names[] = {
    "row-added", "row-removed", "moved",   "renamed",        "baseline-changed",
    "added",     "revised",     "removed", "target-changed",
};

const char *change_kind_name(kp_change_kind kind)
{
    return kind_names[kind];
}

static void change_free(gpointer p)
{
    kp_change *c = p;
    g_free(c->kpi);
    g_free(c->old_kpi);
    g_free(c->field);
    g_free(c);
}

void diff_free(kp_diff *diff)
{
    if (!diff)
        return;
    g_ptr_array_free(diff->changes, TRUE);
    g_ptr_array_free(diff->warnings, TRUE);
    g_free(diff);
}

int diff_count(const kp_diff *diff, kp_change_kind kind)
{
    int n = 0;
    for (guint i = 0; i < diff->changes->len; i++)
        n += ((kp_change *)g_ptr_array_index(diff->changes, i))->kind == kind;
    return n;
}

static kp_change *add_change(kp_diff *d, kp_change_kind kind, int goal, const kp_row *row,
                             const char *field, int rank)
{
    kp_change *c = g_new0(kp_change, 1);
    c->kind = kind;
    c->goal = goal;
    c->row = row->number;
    c->kpi = g_strdup(row->kpi_name);
    c->field = g_strdup(field);
    c->field_rank = rank;
    g_ptr_array_add(d->changes, c);
    return c;
}

/* Do two figures differ in what they say (value or unit)? The printed text
 * alone ("2.2億円" for "220,000,000円") is no change. */
static bool figures_differ(const kp_quantity *a, const kp_quantity *b)
{
    if (!a || !b)
        return a != b;
    if (a->has_value != b->has_value)
        return true;
    if (!a->has_value) /* two no-figure marks */
        return false;
    if (decimal_compare(a->value, b->value) != 0)
        return true;
    if (!a->unit || !b->unit)
        return a->unit != b->unit;
    return strcmp(a->unit, b->unit) != 0 || a->cumulative != b->cumulative;
}

static const kp_quantity *actual_at(const kp_row *r, int fy)
{
    for (guint i = 0; i < r->actuals->len; i++) {
        const kp_actual *a = g_ptr_array_index(r->actuals, i);
        if (a->fy == fy)
            return a->quantity;
    }
    return NULL;
}

static gint compare_int(gconstpointer a, gconstpointer b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Appends V to INTS unless it is there already (a handful of years or goals). */
static void append_new_int(GArray *ints, int v)
{
    for (guint k = 0; k < ints->len; k++)
        if (g_array_index(ints, int, k) == v)
            return;
    g_array_append_val(ints, v);
}

static void compare_rows(kp_diff *d, int goal, const kp_row *o, const kp_row *n)
{
    if (o->number != n->number)
        add_change(d, KP_CHANGE_MOVED, goal, n, NULL, 0)->old_row = o->number;
    if (o->kpi_name && n->kpi_name && !cell_same_key(o->kpi_name, n->kpi_name))
        add_change(d, KP_CHANGE_RENAMED, goal, n, NULL, 1)->old_kpi = g_strdup(o->kpi_name);
    if (figures_differ(o->baseline, n->baseline)) {
        kp_change *c = add_change(d, KP_CHANGE_BASELINE, goal, n, "baseline", 2);
        c->old = o->baseline;
        c->new_ = n->baseline;
    }
    /* every year either edition has, in order */
    GArray *years = g_array_new(FALSE, FALSE, sizeof(int));
    for (int side = 0; side < 2; side++) {
        const kp_row *r = side ? n : o;
        for (guint i = 0; i < r->actuals->len; i++)
            append_new_int(years, ((kp_actual *)g_ptr_array_index(r->actuals, i))->fy);
    }
    g_array_sort(years, compare_int);
    for (guint i = 0; i < years->len; i++) {
        int fy = g_array_index(years, int, i);
        const kp_quantity *a = actual_at(o, fy), *b = actual_at(n, fy);
        kp_change_kind kind;
        if (!a)
            kind = KP_CHANGE_ADDED;
        else if (!b)
            kind = KP_CHANGE_REMOVED;
        else if (figures_differ(a, b))
            kind = KP_CHANGE_REVISED;
        else
            continue;
        char field[32];
        snprintf(field, sizeof field, "actuals.%d", fy);
        kp_change *c = add_change(d, kind, goal, n, field, 3 + (int)i);
        c->old = a;
        c->new_ = b;
    }
    g_array_free(years, TRUE);
    if (figures_differ(o->target, n->target) ||
        (o->target && n->target && o->target->fy != n->target->fy)) {
        kp_change *c = add_change(d, KP_CHANGE_TARGET, goal, n, "target", G_MAXINT);
        c->old = o->target;
        c->new_ = n->target;
        c->target = true;
    }
}

/* The key a row is matched by in pass PASS: 0 its KPI (NFKC, no spaces) and
 * number, 1 its KPI, 2 its number; NULL where it has none (no KPI). */
static char *match_key(const kp_row *r, const char *kpi_key, int pass)
{
    if (pass < 2 && !kpi_key)
        return NULL;
    return pass == 0 ? g_strdup_printf("%d|%s", r->number, kpi_key)
           : pass == 1 ? g_strdup(kpi_key)
                       : g_strdup_printf("%d", r->number);
}

static void queue_free(gpointer q)
{
    g_queue_free(q);
}

/* Rows are matched by KPI and number first, then by KPI (a renumbered row),
 * then by number; each old row, in order, takes the first new row, in order,
 * that fits and is not taken. Keys are computed once and looked up: two
 * editions of thousands of rows are matched in linear time. */
static void match_rows(const GPtrArray *orows, const GPtrArray *nrows, int *match, bool *taken)
{
    guint no = orows ? orows->len : 0, nn = nrows ? nrows->len : 0;
    char **okey = g_new0(char *, no + 1), **nkey = g_new0(char *, nn + 1);
    for (guint i = 0; i < no; i++) {
        const kp_row *r = g_ptr_array_index(orows, i);
        okey[i] = r->kpi_name ? cell_key(r->kpi_name) : NULL;
    }
    for (guint k = 0; k < nn; k++) {
        const kp_row *r = g_ptr_array_index(nrows, k);
        nkey[k] = r->kpi_name ? cell_key(r->kpi_name) : NULL;
    }
    for (int pass = 0; pass < 3; pass++) {
        GHashTable *waiting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, queue_free);
        for (guint k = 0; k < nn; k++) {
            char *key = taken[k] ? NULL : match_key(g_ptr_array_index(nrows, k), nkey[k], pass);
            if (!key)
                continue;
            GQueue *q = g_hash_table_lookup(waiting, key);
            if (!q) {
                q = g_queue_new();
                g_hash_table_insert(waiting, g_strdup(key), q);
            }
            g_queue_push_tail(q, GUINT_TO_POINTER(k));
            g_free(key);
        }
        for (guint i = 0; i < no; i++) {
            char *key = match[i] >= 0 ? NULL : match_key(g_ptr_array_index(orows, i), okey[i], pass);
            GQueue *q = key ? g_hash_table_lookup(waiting, key) : NULL;
            while (q && !g_queue_is_empty(q)) {
                guint k = GPOINTER_TO_UINT(g_queue_pop_head(q));
                if (!taken[k]) {
                    match[i] = (int)k;
                    taken[k] = true;
                    break;
                }
            }
            g_free(key);
        }
        g_hash_table_destroy(waiting);
    }
    for (guint i = 0; i < no; i++)
        g_free(okey[i]);
    for (guint k = 0; k < nn; k++)
        g_free(nkey[k]);
    g_free(okey);
    g_free(nkey);
}

int *diff_row_origins(const GPtrArray *old_rows, const GPtrArray *new_rows)
{
    guint no = old_rows ? old_rows->len : 0, nn = new_rows ? new_rows->len : 0;
    int *match = g_new(int, no + 1), *origin = g_new(int, nn + 1);
    bool *taken = g_new0(bool, nn + 1);
    for (guint i = 0; i < no; i++)
        match[i] = -1;
    for (guint k = 0; k < nn; k++)
        origin[k] = -1;
    match_rows(old_rows, new_rows, match, taken);
    for (guint i = 0; i < no; i++)
        if (match[i] >= 0)
            origin[match[i]] = (int)i;
    g_free(match);
    g_free(taken);
    return origin;
}

static void compare_goal(kp_diff *d, int number, const kp_goal *og, const kp_goal *ng)
{
    guint no = og ? og->rows->len : 0, nn = ng ? ng->rows->len : 0;
    int *match = g_new(int, no + 1); /* old row -> new row, -1 none */
    bool *taken = g_new0(bool, nn + 1);
    for (guint i = 0; i < no; i++)
        match[i] = -1;
    match_rows(og ? og->rows : NULL, ng ? ng->rows : NULL, match, taken);
    for (guint i = 0; i < no; i++) {
        const kp_row *o = g_ptr_array_index(og->rows, i);
        if (match[i] >= 0)
            compare_rows(d, number, o, g_ptr_array_index(ng->rows, match[i]));
        else
            add_change(d, KP_CHANGE_ROW_REMOVED, number, o, NULL, 0);
    }
    for (guint k = 0; k < nn; k++)
        if (!taken[k])
            add_change(d, KP_CHANGE_ROW_ADDED, number, g_ptr_array_index(ng->rows, k), NULL, 0);
    g_free(match);
    g_free(taken);
}

static gint change_order(gconstpointer a, gconstpointer b)
{
    const kp_change *x = *(kp_change *const *)a, *y = *(kp_change *const *)b;
    if (x->goal != y->goal)
        return (x->goal > y->goal) - (x->goal < y->goal);
    if (x->row != y->row)
        return (x->row > y->row) - (x->row < y->row);
    if (x->field_rank != y->field_rank)
        return (x->field_rank > y->field_rank) - (x->field_rank < y->field_rank);
    return (x->kind > y->kind) - (x->kind < y->kind);
}

/* Two editions of one plan name one municipality and one plan period;
 * where both name theirs and they differ, the diff says so. */
static GPtrArray *edition_warnings(const kp_document *old, const kp_document *new_)
{
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    if (old->municipality && new_->municipality && !cell_same_key(old->municipality, new_->municipality))
        g_ptr_array_add(w, g_strdup_printf("the editions name different municipalities "
                                           "(%s, %s): are they one plan?",
                                           old->municipality, new_->municipality));
    if (old->has_period && new_->has_period &&
        (old->first_fy != new_->first_fy || old->last_fy != new_->last_fy))
        g_ptr_array_add(w, g_strdup_printf("the editions have different plan periods "
                                           "(FY%d–%d, FY%d–%d): are they one plan?",
                                           old->first_fy, old->last_fy, new_->first_fy,
                                           new_->last_fy));
    return w;
}

kp_diff *diff_documents(const kp_document *old, const kp_document *new_)
{
    kp_diff *d = g_new0(kp_diff, 1);
    d->old = old;
    d->new_ = new_;
    d->changes = g_ptr_array_new_with_free_func(change_free);
    GArray *numbers = g_array_new(FALSE, FALSE, sizeof(int));
    for (int side = 0; side < 2; side++) {
        const kp_document *doc = side ? new_ : old;
        for (guint i = 0; i < doc->goals->len; i++)
            append_new_int(numbers, ((kp_goal *)g_ptr_array_index(doc->goals, i))->number);
    }
    for (guint i = 0; i < numbers->len; i++) {
        int n = g_array_index(numbers, int, i);
        compare_goal(d, n, document_goal((kp_document *)old, n, false),
                     document_goal((kp_document *)new_, n, false));
    }
    g_array_free(numbers, TRUE);
    g_ptr_array_sort(d->changes, change_order);
    d->warnings = edition_warnings(old, new_);
    return d;
}

json_t *diff_to_json(const kp_diff *d)
{
    json_t *changes = json_array();
    for (guint i = 0; i < d->changes->len; i++) {
        const kp_change *c = g_ptr_array_index(d->changes, i);
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(change_kind_name(c->kind)));
        json_object_set_new(o, "goal", json_integer(c->goal));
        json_object_set_new(o, "row", json_integer(c->row));
        json_object_set_new(o, "kpi", c->kpi ? json_string(c->kpi) : json_null());
        if (c->field)
            json_object_set_new(o, "field", json_string(c->field));
        json_object_set_new(o, "old", quantity_to_json(c->old, c->target));
        json_object_set_new(o, "new", quantity_to_json(c->new_, c->target));
        if (c->kind == KP_CHANGE_MOVED)
            json_object_set_new(o, "old_row", json_integer(c->old_row));
        if (c->kind == KP_CHANGE_RENAMED)
            json_object_set_new(o, "old_kpi", json_string(c->old_kpi));
        json_array_append_new(changes, o);
    }
    json_t *warnings = json_array();
    for (guint i = 0; i < d->warnings->len; i++)
        json_array_append_new(warnings, json_string(g_ptr_array_index(d->warnings, i)));
    return json_pack("{s:s,s:{s:s?,s:s},s:{s:s?,s:s},s:o,s:o}", "format", "kpi-diff/1", "old",
                     "name", d->old->source.name, "sha256", d->old->source.sha256, "new", "name",
                     d->new_->source.name, "sha256", d->new_->source.sha256, "changes", changes,
                     "warnings", warnings);
}

static const char *text_of(const kp_quantity *q)
{
    return q ? q->text : "(blank)";
}

static void change_line(GString *out, const kp_change *c)
{
    g_string_append_printf(out, "  goal %d row %d", c->goal, c->row);
    if (c->kpi)
        g_string_append_printf(out, " %s", c->kpi);
    switch (c->kind) {
    case KP_CHANGE_ROW_ADDED: g_string_append(out, ": new row"); break;
    case KP_CHANGE_ROW_REMOVED: g_string_append(out, ": row no longer there"); break;
    case KP_CHANGE_MOVED: g_string_append_printf(out, ": was row %d", c->old_row); break;
    case KP_CHANGE_RENAMED: g_string_append_printf(out, ": was「%s」", c->old_kpi); break;
    default:
        g_string_append_printf(out, " %s: %s → %s", c->field, text_of(c->old), text_of(c->new_));
    }
    g_string_append_c(out, '\n');
}

char *diff_to_text(const kp_diff *d)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "kpipe diff: %s → %s\n", d->old->source.name ? d->old->source.name : "old",
                           d->new_->source.name ? d->new_->source.name : "new");
    for (guint i = 0; i < d->warnings->len; i++)
        g_string_append_printf(out, "warning: %s\n", (const char *)g_ptr_array_index(d->warnings, i));
    static const struct {
        kp_change_kind kind;
        const char *heading;
    } sections[] = {
        {KP_CHANGE_REVISED, "Revised — figures published before and changed since"},
        {KP_CHANGE_ADDED, "Added"},
        {KP_CHANGE_REMOVED, "Removed"},
        {KP_CHANGE_BASELINE, "Baselines changed"},
        {KP_CHANGE_TARGET, "Targets changed"},
        {KP_CHANGE_RENAMED, "KPIs renamed"},
        {KP_CHANGE_MOVED, "Rows renumbered"},
        {KP_CHANGE_ROW_ADDED, "Rows added"},
        {KP_CHANGE_ROW_REMOVED, "Rows removed"},
    };
    for (size_t s = 0; s < G_N_ELEMENTS(sections); s++) {
        int n = diff_count(d, sections[s].kind);
        if (!n)
            continue;
        g_string_append_printf(out, "%s (%d):\n", sections[s].heading, n);
        for (guint i = 0; i < d->changes->len; i++) {
            const kp_change *c = g_ptr_array_index(d->changes, i);
            if (c->kind == sections[s].kind)
                change_line(out, c);
        }
    }
    /* the closing count names every kind there is, in the sections' order */
    if (!d->changes->len)
        g_string_append(out, "no changes");
    else
        g_string_append_printf(out, "%u change%s:", d->changes->len, d->changes->len == 1 ? "" : "s");
    const char *sep = " ";
    for (size_t s = 0; s < G_N_ELEMENTS(sections); s++) {
        int n = diff_count(d, sections[s].kind);
        if (n) {
            g_string_append_printf(out, "%s%d %s", sep, n, change_kind_name(sections[s].kind));
            sep = ", ";
        }
    }
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}
