/* kpipe — cell text (see include/kpipe/celltext.h). */
#include "kpipe/celltext.h"

#include <string.h>

/* Radicals stand in for kanji in some producers' fonts, where one glyph
 * serves both and the ToUnicode map names the radical: Kangxi radicals (⾧
 * for 長), which NFKC maps back, and CJK radicals supplement forms (⻑ for
 * 長, ⻝ for 食), which it does not: those seen in print are listed here,
 * with the ideographs Unicode gives as their equivalents. */
static const struct {
    gunichar radical, ideograph;
} radical_forms[] = {
    {0x2EA0, 0x6C11}, /* ⺠ 民 */
    {0x2EC4, 0x897F}, /* ⻄ 西 */
    {0x2ED1, 0x9577}, /* ⻑ 長 */
    {0x2ED8, 0x9752}, /* ⻘ 青 */
    {0x2EDD, 0x98DF}, /* ⻝ 食 */
    {0x2EE9, 0x9EC4}, /* ⻩ 黄 */
    {0x2EF2, 0x4E80}, /* ⻲ 亀 */
};

gunichar char_from_radical(gunichar c)
{
    if (c >= 0x2F00 && c <= 0x2FDF) {
        gunichar out = c;
        char buf[8];
        buf[g_unichar_to_utf8(c, buf)] = '\0';
        char *n = g_utf8_normalize(buf, -1, G_NORMALIZE_NFKC);
        if (n && g_utf8_strlen(n, -1) == 1)
            out = g_utf8_get_char(n);
        g_free(n);
        return out;
    }
    if (c >= 0x2E80 && c <= 0x2EFF)
        for (size_t i = 0; i < G_N_ELEMENTS(radical_forms); i++)
            if (radical_forms[i].radical == c)
                return radical_forms[i].ideograph;
    return c;
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

/* Can text be cut before C for NFKC, nothing composing across the cut? No
 * composition has an ASCII character, a space, a kanji or a kana letter as
 * its second part (the voiced marks, which have, are not letters). */
static bool nfkc_cut_before(gunichar c)
{
    return c < 0x80 || g_unichar_isspace(c) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x3041 && c <= 0x3096) ||
           (c >= 0x30A1 && c <= 0x30FA);
}

/* Pieces of this many bytes or more are cut where they can be: GLib's NFKC
 * takes time that grows faster than the text (a cell of 1.5 MB took a
 * minute). */
#define NFKC_PIECE 256

char *cell_nfkc(const char *s)
{
    GString *out = g_string_sized_new(strlen(s));
    const char *piece = s;
    for (const char *p = s;; p = g_utf8_next_char(p)) {
        bool end = !*p;
        if (end || (p - piece >= NFKC_PIECE && nfkc_cut_before(g_utf8_get_char(p)))) {
            char *n = g_utf8_normalize(piece, p - piece, G_NORMALIZE_NFKC);
            if (n)
                g_string_append(out, n);
            else
                g_string_append_len(out, piece, p - piece);
            g_free(n);
            piece = p;
        }
        if (end)
            break;
    }
    return g_string_free(out, FALSE);
}

char *cell_key(const char *s)
{
    char *n = cell_nfkc(s);
    char *k = cell_strip_spaces(n ? n : s);
    g_free(n);
    return k;
}

bool cell_same_key(const char *a, const char *b)
{
    char *x = cell_key(a), *y = cell_key(b);
    bool same = strcmp(x, y) == 0;
    g_free(x);
    g_free(y);
    return same;
}


guint cell_key_distance(const char *a, const char *b, guint most)
{
    char *ka = cell_key(a), *kb = cell_key(b);
    glong n = 0, m = 0;
    gunichar *x = g_utf8_to_ucs4_fast(ka, -1, &n), *y = g_utf8_to_ucs4_fast(kb, -1, &m);
    guint d = most + 1;
    if (labs(n - m) <= (glong)most) {
        /* one row of the table at a time: O(n·m) time, O(m) memory */
        guint *row = g_new(guint, m + 1);
        for (glong j = 0; j <= m; j++)
            row[j] = (guint)j;
        for (glong i = 1; i <= n; i++) {
            guint diagonal = row[0];
            row[0] = (guint)i;
            for (glong j = 1; j <= m; j++) {
                guint above = row[j];
                guint cost = diagonal + (x[i - 1] != y[j - 1]);
                row[j] = MIN(cost, MIN(above, row[j - 1]) + 1);
                diagonal = above;
            }
        }
        d = MIN(row[m], most + 1);
        g_free(row);
    }
    g_free(x);
    g_free(y);
    g_free(ka);
    g_free(kb);
    return d;
}
