/* kpipe — the grid (see include/kpipe/grid.h). */
#include "kpipe/grid.h"

void grid_line_free(kp_grid_line *l)
{
    if (!l)
        return;
    g_ptr_array_free(l->cells, TRUE);
    if (l->confidence)
        g_array_free(l->confidence, TRUE);
    g_free(l);
}

kp_grid *grid_new(void)
{
    kp_grid *g = g_new0(kp_grid, 1);
    g->lines = g_ptr_array_new_with_free_func((GDestroyNotify)grid_line_free);
    return g;
}

void grid_free(kp_grid *grid)
{
    if (!grid)
        return;
    g_ptr_array_free(grid->lines, TRUE);
    g_free(grid);
}

kp_grid_line *grid_line_new(kp_location where)
{
    kp_grid_line *l = g_new0(kp_grid_line, 1);
    l->cells = g_ptr_array_new_with_free_func(g_free);
    l->where = where;
    return l;
}

kp_grid_line *grid_add_line(kp_grid *grid, kp_location where)
{
    kp_grid_line *l = grid_line_new(where);
    g_ptr_array_add(grid->lines, l);
    return l;
}

void grid_line_add_cell(kp_grid_line *line, const char *text)
{
    g_ptr_array_add(line->cells, g_strdup(text ? text : ""));
    if (line->confidence && line->confidence->len < line->cells->len) {
        float certain = GRID_CERTAIN;
        g_array_append_val(line->confidence, certain);
    }
}

void grid_line_add_read_cell(kp_grid_line *line, const char *text, float confidence)
{
    if (confidence < GRID_CERTAIN && !line->confidence) {
        line->confidence = g_array_new(FALSE, FALSE, sizeof(float));
        float certain = GRID_CERTAIN;
        for (guint i = 0; i < line->cells->len; i++)
            g_array_append_val(line->confidence, certain);
    }
    if (line->confidence)
        g_array_append_val(line->confidence, confidence);
    grid_line_add_cell(line, text);
}

float grid_cell_confidence(const kp_grid_line *line, guint n)
{
    if (!line->confidence || n >= line->confidence->len)
        return GRID_CERTAIN;
    return g_array_index(line->confidence, float, n);
}

const char *grid_cell(const kp_grid_line *line, guint n)
{
    return n < line->cells->len ? g_ptr_array_index(line->cells, n) : "";
}

char *grid_to_text(const kp_grid *grid, const char *const *before)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < grid->lines->len; i++) {
        const kp_grid_line *l = g_ptr_array_index(grid->lines, i);
        if (before && before[i])
            g_string_append_printf(s, "%s\n", before[i]);
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


static void grid_sink_line(void *ctx, kp_grid_line *line, bool ocr)
{
    (void)ocr;
    g_ptr_array_add(((kp_grid *)ctx)->lines, line);
}

static void grid_sink_restart(void *ctx)
{
    g_ptr_array_set_size(((kp_grid *)ctx)->lines, 0);
}

kp_line_sink grid_sink(kp_grid *grid)
{
    return (kp_line_sink){grid_sink_line, grid_sink_restart, grid};
}
