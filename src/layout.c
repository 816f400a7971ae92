/* kpipe — grids and cell text (see include/kpipe/layout.h). */
#include "kpipe/layout.h"

#include <string.h>

static void grid_line_free(gpointer p)
{
    kp_grid_line *l = p;
    g_ptr_array_free(l->cells, TRUE);
    g_free(l);
}

kp_grid *grid_new(void)
{
    kp_grid *g = g_new0(kp_grid, 1);
    g->lines = g_ptr_array_new_with_free_func(grid_line_free);
    return g;
}

void grid_free(kp_grid *grid)
{
    if (!grid)
        return;
    g_ptr_array_free(grid->lines, TRUE);
    g_free(grid);
}

kp_grid_line *grid_add_line(kp_grid *grid, kp_location where)
{
    kp_grid_line *l = g_new0(kp_grid_line, 1);
    l->cells = g_ptr_array_new_with_free_func(g_free);
    l->where = where;
    g_ptr_array_add(grid->lines, l);
    return l;
}

void grid_line_add_cell(kp_grid_line *line, const char *text)
{
    g_ptr_array_add(line->cells, g_strdup(text ? text : ""));
}

const char *grid_cell(const kp_grid_line *line, guint n)
{
    return n < line->cells->len ? g_ptr_array_index(line->cells, n) : "";
}

char *grid_to_text(const kp_grid *grid)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < grid->lines->len; i++) {
        const kp_grid_line *l = g_ptr_array_index(grid->lines, i);
        for (guint c = 0; c < l->cells->len; c++) {
            if (c)
                g_string_append_c(s, '\t');
            /* a tab or newline inside a cell would break the layout */
            for (const char *p = g_ptr_array_index(l->cells, c); *p; p++)
                g_string_append_c(s, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
        }
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

bool char_is_japanese(gunichar c)
{
    switch (g_unichar_get_script(c)) {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
        return true;
    default:
        /* ー 、 。 （ ） and full-width forms are COMMON script but wide */
        return g_unichar_iswide(c);
    }
}

char *cell_unwrap(const char *s)
{
    GString *out = g_string_new(NULL);
    gunichar prev = 0;
    bool pending_space = false;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c)) {
            pending_space = out->len > 0;
            continue;
        }
        if (pending_space && !char_is_japanese(prev) && !char_is_japanese(c))
            g_string_append_c(out, ' ');
        pending_space = false;
        g_string_append_unichar(out, c);
        prev = c;
    }
    return g_string_free(out, FALSE);
}

char *cell_strip_spaces(const char *s)
{
    GString *out = g_string_new(NULL);
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c))
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

char *cell_key(const char *s)
{
    char *n = g_utf8_normalize(s, -1, G_NORMALIZE_NFKC);
    char *k = cell_strip_spaces(n ? n : s);
    g_free(n);
    return k;
}
