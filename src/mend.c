/* kpipe — a document read by OCR mended toward the words KPI tables print
 * (rules/ocr.rules: word): 基本目標 read as 基本日標 or 基本目模 is 基本目標
 * again before any rule looks for it. A copy of each line is mended, the
 * cells' confidence kept. */
#include <string.h>

#include "parser.h"

/* A word of this many characters or more is mended where one of its
 * characters was misread; a shorter one (基準値) only where the misread one
 * is not its last, so that 実績報告 never becomes 実績値告. */
#define MEND_ANY_CHAR_LEN 4
#define MEND_MIN_LEN 3

typedef struct {
    gunichar *chars;
    glong len;
} word;

/* How many of the characters of TEXT at AT[0..] (non-space, in order)
 * differ from W; *WHERE gets the place in W of the last that does. */
static int differences(const gunichar *text, const glong *at, const word *w, int *where)
{
    int n = 0;
    for (glong i = 0; i < w->len; i++)
        if (text[at[i]] != w->chars[i]) {
            n++;
            *where = (int)i;
        }
    return n;
}

/* The one word that TEXT's characters at AT[0..ROOM) begin as a misread of,
 * or NULL (none, two, or the word itself). */
static const word *misread_word(const gunichar *text, const glong *at, glong room,
                                const GArray *words)
{
    const word *found = NULL;
    for (guint k = 0; k < words->len; k++) {
        const word *w = &g_array_index(words, word, k);
        int where = -1;
        if (w->len > room)
            continue;
        int d = differences(text, at, w, &where);
        if (d == 0)
            return NULL; /* printed as the word */
        if (d != 1 || (w->len < MEND_ANY_CHAR_LEN && where == w->len - 1))
            continue;
        if (found)
            return NULL;
        found = w;
    }
    return found;
}

/* TEXT with each misread word mended; spaces between its characters (a
 * letter-spaced heading, 基 本 目 禁) are kept and looked past. */
static char *mend_text(const char *text, const GArray *words)
{
    glong len = 0;
    gunichar *chars = g_utf8_to_ucs4_fast(text, -1, &len);
    glong *at = g_new(glong, len + 1), n = 0;
    for (glong i = 0; i < len; i++)
        if (!g_unichar_isspace(chars[i]))
            at[n++] = i;
    for (glong i = 0; i < n; i++) {
        const word *w = misread_word(chars, at + i, n - i, words);
        if (!w)
            continue;
        for (glong k = 0; k < w->len; k++)
            chars[at[i + k]] = w->chars[k];
        i += w->len - 1;
    }
    char *out = g_ucs4_to_utf8(chars, len, NULL, NULL, NULL);
    g_free(at);
    g_free(chars);
    return out ? out : g_strdup(text);
}

GArray *mend_words(const kp_rules *rules)
{
    GArray *words = g_array_new(FALSE, FALSE, sizeof(word));
    size_t n = 0;
    const kp_rule *const *rs = rules_set(rules, "ocr", &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rs[i]->name, "word") != 0)
            continue;
        word w = {g_utf8_to_ucs4_fast(rs[i]->pattern, -1, NULL), 0};
        w.len = g_utf8_strlen(rs[i]->pattern, -1);
        if (w.len >= MEND_MIN_LEN)
            g_array_append_val(words, w);
        else
            g_free(w.chars);
    }
    return words;
}

void mend_words_free(GArray *words)
{
    if (!words)
        return;
    for (guint k = 0; k < words->len; k++)
        g_free(g_array_index(words, word, k).chars);
    g_array_free(words, TRUE);
}

kp_grid_line *line_mended(const kp_grid_line *line, const GArray *words)
{
    kp_grid_line *copy = grid_line_new(line->where);
    copy->size = line->size;
    for (guint c = 0; c < line->cells->len; c++) {
        char *mended = mend_text(g_ptr_array_index(line->cells, c), words);
        grid_line_add_read_cell(copy, mended, grid_cell_confidence(line, c));
        g_free(mended);
    }
    return copy;
}
