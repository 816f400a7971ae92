/* kpipe — OCR of a page image into the page model (see include/kpipe/ocr.h).
 *
 * Cells first, then text: the rulings are found in the image as for a text
 * PDF, the regions they close are the cells, and Tesseract reads each cell
 * inside its borders with the borders painted out (a border read as 1, |, 一
 * or ー would become part of a figure). Text outside the tables (titles, goal
 * headings) is read last, the cells painted out. A cell that looks like a
 * figure is read a second time with only the characters a figure has; when
 * the two reads differ, its glyphs carry no confidence, so that the figure is
 * reported as uncertain rather than trusted. */
#include "kpipe/ocr.h"

#include "kpipe/celltext.h"

#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <tesseract/capi.h>

/* ---- skew ------------------------------------------------------------------
 * Projection profiles: ink projected along lines of slope tan(a) piles up in
 * few bins when a is the page's skew, most of all along long rulings. */

#define MAX_SKEW_DEGREES 3.0   /* a sheet fed crooked further than this is re-scanned */
#define SKEW_STEP 0.05         /* coarse search, degrees */
#define SKEW_FINE_STEP 0.01    /* around the coarse best */
#define SKEW_INK_LEVEL 128     /* green below this is ink for the profiles */
#define SKEW_MAX_SAMPLES 200000 /* ink pixels profiled (every Nth beyond) */
#define SKEW_MIN_SAMPLES 500   /* fewer: too little ink to tell */

typedef struct {
    int x, y;
} ink_point;

static double profile_score(const GArray *ink, double degrees, int height, int width, int *bins)
{
    double t = tan(degrees * G_PI / 180.0);
    int offset = (int)ceil(fabs(t) * width) + 1, n = height + 2 * offset;
    memset(bins, 0, sizeof(int) * (size_t)n);
    for (guint i = 0; i < ink->len; i++) {
        const ink_point *p = &g_array_index(ink, ink_point, i);
        int b = (int)lround(p->y - p->x * t) + offset;
        if (b >= 0 && b < n)
            bins[b]++;
    }
    double score = 0;
    for (int b = 0; b < n; b++)
        score += (double)bins[b] * bins[b];
    return score;
}

double ocr_skew_degrees(const unsigned char *data, int width, int height, int stride)
{
    GArray *ink = g_array_new(FALSE, FALSE, sizeof(ink_point));
    size_t dark = 0;
    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < width; x++)
            dark += ((row[x] >> 8) & 0xFF) < SKEW_INK_LEVEL;
    }
    size_t every = dark / SKEW_MAX_SAMPLES + 1, seen = 0;
    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < width; x++)
            if (((row[x] >> 8) & 0xFF) < SKEW_INK_LEVEL && seen++ % every == 0) {
                ink_point p = {x, y};
                g_array_append_val(ink, p);
            }
    }
    double best = 0;
    if (ink->len >= SKEW_MIN_SAMPLES) {
        int offset = (int)ceil(tan(MAX_SKEW_DEGREES * G_PI / 180.0) * width) + 2;
        int *bins = g_new(int, height + 2 * offset + 2);
        double best_score = -1;
        for (double a = -MAX_SKEW_DEGREES; a <= MAX_SKEW_DEGREES + 1e-9; a += SKEW_STEP) {
            double s = profile_score(ink, a, height, width, bins);
            if (s > best_score) {
                best_score = s;
                best = a;
            }
        }
        double coarse = best;
        for (double a = coarse - SKEW_STEP; a <= coarse + SKEW_STEP + 1e-9; a += SKEW_FINE_STEP) {
            double s = profile_score(ink, a, height, width, bins);
            if (s > best_score) {
                best_score = s;
                best = a;
            }
        }
        g_free(bins);
    }
    g_array_free(ink, TRUE);
    return best;
}

/* ---- the engine ------------------------------------------------------------
 * Tesseract is loaded when a page first needs it, not linked: its OpenMP
 * runtime reads OMP_THREAD_LIMIT once, when it is loaded, and its threads
 * would otherwise spin against kpipe's readers for the two cores (three
 * times the time a page, most of it in the kernel); and a run that reads
 * text PDFs only never pays for loading it. */

#define TESSERACT_LIBRARY "libtesseract.so.5"

/* The C API functions kpipe calls, by name. */
#define TESS_FUNCTIONS(X)                                                                          \
    X(TessBaseAPICreate)                                                                           \
    X(TessBaseAPIDelete)                                                                           \
    X(TessBaseAPIInit3)                                                                            \
    X(TessBaseAPIEnd)                                                                              \
    X(TessBaseAPIClear)                                                                            \
    X(TessBaseAPISetVariable)                                                                      \
    X(TessBaseAPISetPageSegMode)                                                                   \
    X(TessBaseAPISetImage)                                                                         \
    X(TessBaseAPISetSourceResolution)                                                              \
    X(TessBaseAPISetRectangle)                                                                     \
    X(TessBaseAPIRecognize)                                                                        \
    X(TessBaseAPIGetIterator)                                                                      \
    X(TessResultIteratorGetPageIteratorConst)                                                      \
    X(TessResultIteratorGetUTF8Text)                                                               \
    X(TessResultIteratorConfidence)                                                                \
    X(TessResultIteratorNext)                                                                      \
    X(TessResultIteratorDelete)                                                                    \
    X(TessPageIteratorIsAtBeginningOf)                                                             \
    X(TessPageIteratorBoundingBox)                                                                 \
    X(TessDeleteText)

typedef struct {
#define TESS_FIELD(name) __typeof__(&name) name;
    TESS_FUNCTIONS(TESS_FIELD)
#undef TESS_FIELD
} tess_functions;

struct kp_ocr {
    void *library;
    tess_functions f;
    TessBaseAPI *api;
};

static bool tess_load(kp_ocr *ocr)
{
    /* one thread a reader: kpipe runs readers side by side already */
    g_setenv("OMP_THREAD_LIMIT", "1", FALSE);
    ocr->library = dlopen(TESSERACT_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!ocr->library)
        return false;
#define TESS_LOOKUP(name)                                                                          \
    *(void **)&ocr->f.name = dlsym(ocr->library, #name);                                          \
    if (!ocr->f.name)                                                                              \
        return false;
    TESS_FUNCTIONS(TESS_LOOKUP)
#undef TESS_LOOKUP
    return true;
}

void ocr_free(kp_ocr *ocr)
{
    if (!ocr)
        return;
    if (ocr->api) {
        ocr->f.TessBaseAPIEnd(ocr->api);
        ocr->f.TessBaseAPIDelete(ocr->api);
    }
    /* the library stays loaded: its OpenMP runtime's threads may linger */
    g_free(ocr);
}

kp_ocr *ocr_new(kp_error *err)
{
    kp_ocr *ocr = g_new0(kp_ocr, 1);
    if (!tess_load(ocr)) {
        kp_error_set(err, KP_ERR_NO_TEXT, NULL, 0, 0, 0,
                     "OCR is not available: %s (Debian package libtesseract5) could not be "
                     "loaded",
                     TESSERACT_LIBRARY);
        ocr_free(ocr);
        return NULL;
    }
    ocr->api = ocr->f.TessBaseAPICreate();
    if (!ocr->api || ocr->f.TessBaseAPIInit3(ocr->api, NULL, "jpn") != 0) {
        kp_error_set(err, KP_ERR_NO_TEXT, NULL, 0, 0, 0,
                     "OCR is not available: Tesseract's Japanese data (Debian package "
                     "tesseract-ocr-jpn) could not be loaded");
        ocr_free(ocr);
        return NULL;
    }
    ocr->f.TessBaseAPISetVariable(ocr->api, "debug_file", "/dev/null");
    return ocr;
}

/* ---- cells: the regions the rulings close --------------------------------- */

/* Borders are drawn this much longer at each end (points) before regions are
 * found: a scan breaks a thin border where it meets another. */
#define BORDER_CLOSE_PT 3.0
/* Regions narrower or lower than this (points) are no cells: the slit
 * between a double border. */
#define MIN_CELL_PT 4.0

/* How far the borders drawn for finding regions reach beyond a ruling's
 * middle (points): half a point, and the rounding to the one-point grid. */
#define BORDER_FAT_PT 1.5

typedef struct {
    double x0, y0, x1, y1; /* points */
} cell_box;

/* The cells of a page W × H points with RULINGS: each region of paper that
 * the rulings close, as its bounding box, top to bottom. */
static GArray *cells_from_rulings(const GArray *rulings, double width, double height)
{
    int w = (int)ceil(width) + 2, h = (int)ceil(height) + 2;
    int *label = g_new0(int, (size_t)w * (size_t)h); /* 0 paper, -1 border, >0 region */
    for (guint i = 0; i < rulings->len; i++) {
        const kp_ruling *r = &g_array_index(rulings, kp_ruling, i);
        bool horizontal = r->x1 - r->x0 > r->y1 - r->y0;
        double x0 = r->x0 - (horizontal ? BORDER_CLOSE_PT : 0.5);
        double x1 = r->x1 + (horizontal ? BORDER_CLOSE_PT : 0.5);
        double y0 = r->y0 - (horizontal ? 0.5 : BORDER_CLOSE_PT);
        double y1 = r->y1 + (horizontal ? 0.5 : BORDER_CLOSE_PT);
        for (int y = MAX(0, (int)floor(y0) + 1); y <= MIN(h - 1, (int)ceil(y1) + 1); y++)
            for (int x = MAX(0, (int)floor(x0) + 1); x <= MIN(w - 1, (int)ceil(x1) + 1); x++)
                label[(size_t)y * w + x] = -1;
    }
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(cell_box));
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(int));
    int next = 0;
    for (int start = 0; start < w * h; start++) {
        if (label[start] != 0)
            continue;
        next++;
        int bx0 = w, by0 = h, bx1 = -1, by1 = -1;
        bool outside = false;
        g_array_set_size(stack, 0);
        g_array_append_val(stack, start);
        label[start] = next;
        while (stack->len) {
            int i = g_array_index(stack, int, stack->len - 1);
            g_array_set_size(stack, stack->len - 1);
            int x = i % w, y = i / w;
            outside |= x == 0 || y == 0 || x == w - 1 || y == h - 1;
            bx0 = MIN(bx0, x), by0 = MIN(by0, y), bx1 = MAX(bx1, x), by1 = MAX(by1, y);
            int around[4] = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1,
                             y < h - 1 ? i + w : -1};
            for (int k = 0; k < 4; k++)
                if (around[k] >= 0 && label[around[k]] == 0) {
                    label[around[k]] = next;
                    g_array_append_val(stack, around[k]);
                }
        }
        /* (the grid is one point to the pixel, shifted by one); out to the
         * middle of its borders, which were drawn fat: text may stand a
         * point from a border */
        cell_box c = {bx0 - 1.0 - BORDER_FAT_PT, by0 - 1.0 - BORDER_FAT_PT, bx1 + BORDER_FAT_PT,
                      by1 + BORDER_FAT_PT};
        if (!outside && c.x1 - c.x0 >= MIN_CELL_PT && c.y1 - c.y0 >= MIN_CELL_PT)
            g_array_append_val(cells, c);
    }
    g_array_free(stack, TRUE);
    g_free(label);
    return cells;
}

/* ---- reading a region ------------------------------------------------------ */

/* Grey below this is ink when a cell is looked at before it is read. */
#define INK_LEVEL 160
/* A cell with less ink than this (square points) is blank: grain and a
 * border's last pixels, not a character (a full stop is ~0.5 pt²). */
#define MIN_INK_PT2 0.3
/* Rows with ink in fewer columns than this share of the fullest row's part
 * two lines of text. */
#define LINE_VALLEY_SHARE 0.04
/* Inked bands lower than this (points) are specks, not a line of text. */
#define MIN_LINE_PT 2.0

typedef struct {
    char *text;          /* one symbol, UTF-8 */
    int l, t, r, b;      /* pixels: its line's box (LSTM models give no
                          * reliable box for a symbol, only for a line) */
    float confidence;
    bool word_start, line_start;
} ocr_symbol;

typedef struct {
    GArray *symbols;     /* ocr_symbol */
    GString *text;       /* the symbols joined, for comparing two reads */
    float least;         /* the least confidence of a symbol; 100 with none */
} ocr_read;

static void ocr_read_clear(ocr_read *rd)
{
    if (rd->symbols) {
        for (guint i = 0; i < rd->symbols->len; i++)
            g_free(g_array_index(rd->symbols, ocr_symbol, i).text);
        g_array_free(rd->symbols, TRUE);
    }
    if (rd->text)
        g_string_free(rd->text, TRUE);
    memset(rd, 0, sizeof *rd);
}

/* RD empty: no symbols, least confidence 100. */
static void ocr_read_init(ocr_read *rd)
{
    rd->symbols = g_array_new(FALSE, FALSE, sizeof(ocr_symbol));
    rd->text = g_string_new(NULL);
    rd->least = 100;
}

/* Recognises the rectangle set on API, in page segmentation MODE. */
static void recognise(kp_ocr *ocr, TessPageSegMode mode, ocr_read *rd)
{
    ocr_read_init(rd);
    ocr->f.TessBaseAPISetPageSegMode(ocr->api, mode);
    if (ocr->f.TessBaseAPIRecognize(ocr->api, NULL) != 0)
        return;
    TessResultIterator *it = ocr->f.TessBaseAPIGetIterator(ocr->api);
    if (!it)
        return;
    const TessPageIterator *pit = ocr->f.TessResultIteratorGetPageIteratorConst(it);
    int line[4] = {0, 0, 0, 0};
    bool line_start = true;
    do {
        if (ocr->f.TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE)) {
            ocr->f.TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &line[0], &line[1], &line[2], &line[3]);
            line_start = true;
        }
        char *s = ocr->f.TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
        ocr_symbol sym = {0};
        if (!s || !*s) {
            ocr->f.TessDeleteText(s);
            continue;
        }
        sym.l = line[0], sym.t = line[1], sym.r = line[2], sym.b = line[3];
        sym.text = g_strdup(s);
        ocr->f.TessDeleteText(s);
        sym.confidence = ocr->f.TessResultIteratorConfidence(it, RIL_SYMBOL);
        sym.word_start = ocr->f.TessPageIteratorIsAtBeginningOf(pit, RIL_WORD);
        sym.line_start = line_start;
        line_start = false;
        g_array_append_val(rd->symbols, sym);
        g_string_append(rd->text, sym.text);
        rd->least = MIN(rd->least, sym.confidence);
    } while (ocr->f.TessResultIteratorNext(it, RIL_SYMBOL));
    ocr->f.TessResultIteratorDelete(it);
}

/* The lines of text in a region of the grey image: bands of rows with
 * ink, parted by rows with next to none (tight line spacing leaves no row
 * blank: the tails of one line and the tops of the next nearly touch);
 * INK_BOX gets the ink's extent. */
static int ink_lines(const unsigned char *grey, int stride, int x0, int y0, int x1, int y1,
                     double scale, int *ink_box)
{
    int *count = g_new0(int, y1 - y0 + 1);
    int peak = 0;
    size_t ink = 0;
    ink_box[0] = x1, ink_box[1] = y1, ink_box[2] = x0, ink_box[3] = y0;
    for (int y = y0; y < y1; y++) {
        const unsigned char *row = grey + (size_t)y * stride;
        int n = 0;
        for (int x = x0; x < x1; x++)
            if (row[x] < INK_LEVEL) {
                n++;
                ink_box[0] = MIN(ink_box[0], x);
                ink_box[2] = MAX(ink_box[2], x + 1);
            }
        count[y - y0] = n;
        peak = MAX(peak, n);
        ink += (size_t)n;
        if (n) {
            ink_box[1] = MIN(ink_box[1], y);
            ink_box[3] = MAX(ink_box[3], y + 1);
        }
    }
    int lines = 0, band = 0, tall = (int)ceil(MIN_LINE_PT * scale);
    int floor_count = MAX(1, (int)(peak * LINE_VALLEY_SHARE));
    for (int y = y0; y <= y1; y++) {
        bool inked = y < y1 && count[y - y0] > floor_count;
        if (inked) {
            band++;
            continue;
        }
        lines += band >= tall;
        band = 0;
    }
    g_free(count);
    if ((double)ink < MIN_INK_PT2 * scale * scale)
        return 0;
    return MAX(lines, 1);
}

/* ---- figures: read again, not trusted ------------------------------------ */

/* What a figure cell holds besides the units the first read found: digits,
 * separators, signs and the marks tables print beside figures. */
#define FIGURE_CHARS "0123456789,.%+-()△▲▼~～〜/・"
/* Characters that a misread digit turns into: never carried into the
 * second read's character set. */
#define DIGIT_LOOKALIKES "lI|Oo一ーSBZ口"

static bool char_is_digit(gunichar c)
{
    return g_unichar_isdigit(c);
}

/* Does TEXT look like a figure: a digit, and digits at least as many as the
 * other characters (1,234人 and 45.3% do; 令和2年度 does not)? */
static bool looks_like_figure(const char *text)
{
    int digits = 0, other = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c))
            continue;
        if (char_is_digit(c))
            digits++;
        else
            other++;
    }
    return digits > 0 && digits >= other;
}

/* The characters a figure cell's second read may give: FIGURE_CHARS and
 * the first read's other characters (its units), lookalikes of digits left
 * out. */
static char *figure_charset(const char *first)
{
    GString *set = g_string_new(FIGURE_CHARS);
    for (const char *p = first; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        char buf[8];
        buf[g_unichar_to_utf8(c, buf)] = '\0';
        if (!char_is_digit(c) && !g_unichar_isspace(c) && !strstr(DIGIT_LOOKALIKES, buf) &&
            !strstr(set->str, buf))
            g_string_append(set, buf);
    }
    return g_string_free(set, FALSE);
}

/* Digit grouping decides a separator OCR may give either way: one followed
 * by exactly three digits and then none, after one to three digits that are
 * not a lone 0, groups thousands (1.234人 is 1,234人); one followed by one,
 * two or four and more digits is a decimal point (12,5% is 12.5%). */
static bool is_separator(const char *t)
{
    return !strcmp(t, ",") || !strcmp(t, "，") || !strcmp(t, ".") || !strcmp(t, "．");
}

static void separators_by_grouping(ocr_read *rd)
{
    GArray *s = rd->symbols;
    /* two separators side by side between digits (13,.000) are one, as
     * figures print none so: the mark and its speck read twice */
    for (guint i = 1; i + 1 < s->len; i++) {
        ocr_symbol *sym = &g_array_index(s, ocr_symbol, i);
        if (is_separator(sym->text) &&
            is_separator(g_array_index(s, ocr_symbol, i + 1).text) &&
            char_is_digit(g_utf8_get_char(g_array_index(s, ocr_symbol, i - 1).text))) {
            g_free(g_array_index(s, ocr_symbol, i + 1).text);
            g_array_remove_index(s, i + 1);
        }
    }
    for (guint i = 0; i < s->len; i++) {
        ocr_symbol *sym = &g_array_index(s, ocr_symbol, i);
        if (!is_separator(sym->text))
            continue;
        guint before = 0, after = 0;
        bool lone_zero = false;
        for (guint j = i; j > 0; j--) {
            const char *t = g_array_index(s, ocr_symbol, j - 1).text;
            if (!char_is_digit(g_utf8_get_char(t)))
                break;
            before++;
            lone_zero = before == 1 && g_utf8_get_char(t) == '0';
        }
        if (before != 1)
            lone_zero = false;
        for (guint j = i + 1; j < s->len; j++) {
            if (!char_is_digit(g_utf8_get_char(g_array_index(s, ocr_symbol, j).text)))
                break;
            after++;
        }
        if (before == 0 || after == 0)
            continue;
        bool thousands = after == 3 && before <= 3 && !lone_zero;
        const char *want = thousands ? "," : ".";
        if (strcmp(sym->text, want) != 0) {
            g_free(sym->text);
            sym->text = g_strdup(want);
        }
    }
}

/* The marks tables print for a verdict or for no figure, the letters of
 * verdicts, and digits: a lone character other than a digit or a kanji is
 * read again with only these (△ is read as A, ○ as O, 4 as オ). */
#define MARK_CHARS "◎○△▲×●■□◇◆☆★※*-－―ーABCDEFSO0123456789"

/* Is TEXT one character that may be a mark or a misread digit (a row's
 * number 4 read as オ, 2 as ル): anything but a digit or a kanji? */
static bool looks_like_mark(const char *text)
{
    char *k = cell_key(text);
    gunichar c = g_utf8_get_char(k);
    bool one = *k && g_utf8_strlen(k, -1) == 1;
    g_free(k);
    return one && !char_is_digit(c) && g_unichar_get_script(c) != G_UNICODE_SCRIPT_HAN;
}

/* Latin letters and strokes that stand where a digit was misread (R5年度
 * as RS年度, R6 as RG or Re, 【基本目標1】 as 【基本目標]】). */
#define LATIN_LOOKALIKES "SGAOoIlBZDTQbegq]|"
/* A cell this short that is a lookalike and then kanji is a one-digit
 * figure and its counter (0社, 1件), not a word. */
#define SHORT_FIGURE_CHARS 3
/* Characters that follow a number: a lookalike before one is a digit. */
#define AFTER_NUMBER "年月日度号】)）"

static bool is_lookalike(gunichar c)
{
    return c < 0x80 && c && strchr(LATIN_LOOKALIKES, (int)c);
}

/* Does TEXT have a Latin lookalike of a digit beside a digit or before a
 * character that follows numbers (spaces between skipped)? */
static bool lookalike_in_number(const char *text)
{
    GArray *chars = g_array_new(FALSE, FALSE, sizeof(gunichar));
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c))
            g_array_append_val(chars, c);
    }
    bool found = false;
    for (guint i = 0; i < chars->len && !found; i++) {
        gunichar c = g_array_index(chars, gunichar, i);
        gunichar prev = i > 0 ? g_array_index(chars, gunichar, i - 1) : 0;
        gunichar next = i + 1 < chars->len ? g_array_index(chars, gunichar, i + 1) : 0;
        found = is_lookalike(c) && (char_is_digit(prev) || char_is_digit(next) ||
                                    (next && g_utf8_strchr(AFTER_NUMBER, -1, next)));
        /* or a short cell that is a lookalike and a counter (o社 for 0社) */
        found |= i == 0 && chars->len <= SHORT_FIGURE_CHARS && is_lookalike(c) &&
                 g_unichar_get_script(next) == G_UNICODE_SCRIPT_HAN;
    }
    g_array_free(chars, TRUE);
    return found;
}

/* A second read's characters for TEXT: its own, the lookalikes left out,
 * and the digits. */
static char *digits_for_lookalikes(const char *text)
{
    GString *set = g_string_new("0123456789");
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        char buf[8];
        buf[g_unichar_to_utf8(c, buf)] = '\0';
        if (!g_unichar_isspace(c) && !is_lookalike(c) &&
            !strstr(set->str, buf))
            g_string_append(set, buf);
    }
    return g_string_free(set, FALSE);
}

/* A full-width character is at least this much as wide as it is high
 * (△ about 1.1); a digit is narrower (4 about 0.65). */
#define WIDE_CHAR_ASPECT 0.9
/* A triangle with this share of its box inked is ▲ (about 0.5), else △
 * (about 0.2). */
#define FILLED_MARK_SHARE 0.35

/* The box of the first character's ink in a line image (W×H grey): the
 * columns from the first inked one to the next blank one. */
static bool first_char_box(const unsigned char *grey, int w, int h, int *box, int *inked)
{
    int x0 = -1, x1 = w, y0 = h, y1 = -1;
    *inked = 0;
    for (int x = 0; x < w; x++) {
        int n = 0;
        for (int y = 0; y < h; y++)
            if (grey[(size_t)y * w + x] < INK_LEVEL) {
                n++;
                y0 = MIN(y0, y);
                y1 = MAX(y1, y);
            }
        if (n && x0 < 0)
            x0 = x;
        if (!n && x0 >= 0) {
            x1 = x;
            break;
        }
        *inked += n;
    }
    box[0] = x0, box[1] = y0, box[2] = x1, box[3] = y1 + 1;
    return x0 >= 0 && y1 >= y0;
}

/* A figure read as 4… whose first character is full width is a △ or ▲
 * before it (a negative figure), which OCR reads as 4 with all its
 * confidence: the sign is written back, and the figure given no
 * confidence. */
static void sign_for_four(const unsigned char *paper, int w, int h, ocr_read *rd)
{
    if (!rd->symbols->len || strcmp(g_array_index(rd->symbols, ocr_symbol, 0).text, "4") != 0)
        return;
    int box[4], inked = 0;
    if (!first_char_box(paper, w, h, box, &inked))
        return;
    int bw = box[2] - box[0], bh = box[3] - box[1];
    if (bw < WIDE_CHAR_ASPECT * bh)
        return;
    ocr_symbol *first = &g_array_index(rd->symbols, ocr_symbol, 0);
    g_free(first->text);
    first->text = g_strdup(inked >= FILLED_MARK_SHARE * bw * bh ? "▲" : "△");
    for (guint i = 0; i < rd->symbols->len; i++)
        g_array_index(rd->symbols, ocr_symbol, i).confidence = 0;
    rd->least = 0;
}

/* A's read for B's: the one kept takes the other's place, the other is
 * cleared with it. */
static void read_swap(ocr_read *a, ocr_read *b)
{
    ocr_read t = *a;
    *a = *b;
    *b = t;
}

/* Reads a cell again with only the characters of CHARSET: where the two
 * reads differ, the read kept is the surer one, and its glyphs are given no
 * confidence. PREFER_SECOND: keep the second read where they differ. */
static void read_again(kp_ocr *ocr, TessPageSegMode mode, ocr_read *first, const char *charset,
                       bool prefer_second)
{
    ocr->f.TessBaseAPISetVariable(ocr->api, "tessedit_char_whitelist", charset);
    ocr_read second = {0};
    recognise(ocr, mode, &second);
    ocr->f.TessBaseAPISetVariable(ocr->api, "tessedit_char_whitelist", "");
    separators_by_grouping(first);
    separators_by_grouping(&second);
    GString *a = g_string_new(NULL), *b = g_string_new(NULL);
    for (guint i = 0; i < first->symbols->len; i++)
        g_string_append(a, g_array_index(first->symbols, ocr_symbol, i).text);
    for (guint i = 0; i < second.symbols->len; i++)
        g_string_append(b, g_array_index(second.symbols, ocr_symbol, i).text);
    char *ka = cell_key(a->str), *kb = cell_key(b->str);
    bool same = strcmp(ka, kb) == 0;
    g_free(ka);
    g_free(kb);
    g_string_free(a, TRUE);
    g_string_free(b, TRUE);
    if (!same) {
        if (second.symbols->len && (prefer_second || second.least > first->least)) {
            read_swap(first, &second);
        }
        for (guint i = 0; i < first->symbols->len; i++)
            g_array_index(first->symbols, ocr_symbol, i).confidence = 0;
        first->least = 0;
    }
    ocr_read_clear(&second);
}

/* The mean confidence of a read's symbols, 0 with none. */
static double mean_confidence(const ocr_read *rd)
{
    double sum = 0;
    for (guint i = 0; i < rd->symbols->len; i++)
        sum += g_array_index(rd->symbols, ocr_symbol, i).confidence;
    return rd->symbols->len ? sum / rd->symbols->len : 0;
}

/* A cell's ink on paper of its own, as read_cell gives it to Tesseract. */
typedef struct {
    unsigned char *paper;
    int w, h;                /* the paper's size: the ink and PAD around it */
    int box[4];              /* the ink's box in the page image */
    int pad;
    int ppi;
    int lines;               /* lines of ink (ink_lines) */
    bool one_char;           /* one square character */
    TessPageSegMode again;   /* how a second read reads it: by the other means
                              * than the first, so that the two are independent */
} cell_paper;

/* A one-line cell of text read raw is read again as a line (Tesseract's
 * own line model): raw, kanji come out as lookalikes far more often
 * (入会 as 和会, 児童 as 上, 荷額 as 茶谷) while a line's read of the same
 * cell is as confident or more. The line's read is kept unless it is less
 * confident by more than this (mean of 100), or reads as a figure or a
 * mark, which the raw read is there for (a short 2件 split into strokes),
 * or differs in its Latin letters and digits (same_latin).
 * A read shorter than TEXT_LINE_MIN_CHARS (a dash, 人) is no line of text. */
#define TEXT_LINE_MARGIN 5.0
#define TEXT_LINE_MIN_CHARS 3

/* The ASCII letters and digits of TEXT, in order. */
static GString *latin_of(const char *text)
{
    GString *s = g_string_new(NULL);
    for (const char *c = text; *c; c++)
        if (g_ascii_isalnum(*c))
            g_string_append_c(s, *c);
    return s;
}

/* Do A and B hold the same ASCII letters and digits, in order? A read
 * again as text is to mend kana, kanji and circled numbers, never a
 * figure, a year or a code (H28 read again as H2S8, 75% as 757%). */
static bool same_latin(const char *a, const char *b)
{
    GString *la = latin_of(a), *lb = latin_of(b);
    bool same = g_string_equal(la, lb);
    g_string_free(la, TRUE);
    g_string_free(lb, TRUE);
    return same;
}

/* Is SECOND, a text cell read again by the line model, kept over FIRST:
 * something read, no figure, the same Latin letters and digits, and not
 * less confident by more than TEXT_LINE_MARGIN? */
static bool keeps_line_read(const ocr_read *first, const ocr_read *second)
{
    return second->symbols->len && !looks_like_figure(second->text->str) &&
           same_latin(second->text->str, first->text->str) &&
           mean_confidence(second) + TEXT_LINE_MARGIN >= mean_confidence(first);
}

static void text_line_read_again(kp_ocr *ocr, ocr_read *first, const cell_paper *cp)
{
    (void)cp; /* (the cell is set on Tesseract already: a line needs no more of it) */
    if (first->symbols->len < TEXT_LINE_MIN_CHARS)
        return;
    ocr_read line = {0};
    recognise(ocr, PSM_SINGLE_LINE, &line);
    if (keeps_line_read(first, &line) && !looks_like_mark(line.text->str) &&
        !lookalike_in_number(line.text->str)) {
        read_swap(first, &line);
    }
    ocr_read_clear(&line);
}

/* The lines of a block read (each symbol carries its line's box), top
 * and bottom rows of each: int pairs. */
static GArray *read_lines(const ocr_read *rd)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < rd->symbols->len; i++) {
        const ocr_symbol *sym = &g_array_index(rd->symbols, ocr_symbol, i);
        if (sym->line_start) {
            g_array_append_val(lines, sym->t);
            g_array_append_val(lines, sym->b);
        }
    }
    return lines;
}

/* A cell of several lines of text, read as a block, is read again a line
 * at a time, each where the block read found it (to the middles of the
 * gaps around it) and as Tesseract's line model reads a line: in a block,
 * kana of long lines drop out (引き続 for 引き続き) and kanji turn into
 * lookalikes. Kept on the terms of text_line_read_again. */
static void text_lines_read_again(kp_ocr *ocr, ocr_read *first, const cell_paper *cp)
{
    const unsigned char *paper = cp->paper;
    int w = cp->w, h = cp->h;
    GArray *found = read_lines(first);
    guint n = found->len / 2;
    const int *edge = (const int *)(void *)found->data;
    bool apart = true; /* lines that overlap: the block read stands */
    for (guint i = 1; i < n; i++)
        apart &= edge[2 * i - 1] <= edge[2 * i];
    if (first->symbols->len < TEXT_LINE_MIN_CHARS || n < 2 || !apart) {
        g_array_free(found, TRUE);
        return;
    }
    ocr_read lines = {0};
    ocr_read_init(&lines);
    for (guint i = 0; i < n; i++) {
        int top = i == 0 ? 0 : (edge[2 * i - 1] + edge[2 * i]) / 2;
        int bottom = i + 1 == n ? h : (edge[2 * i + 1] + edge[2 * i + 2]) / 2;
        /* a line on an image of its own: Tesseract reads a rectangle of
         * the cell's image far worse than the same rows alone */
        ocr->f.TessBaseAPISetImage(ocr->api, paper + (size_t)top * w, w, bottom - top, 1, w);
        ocr->f.TessBaseAPISetSourceResolution(ocr->api, cp->ppi);
        ocr_read line = {0};
        recognise(ocr, PSM_SINGLE_LINE, &line);
        for (guint k = 0; k < line.symbols->len; k++) {
            ocr_symbol *sym = &g_array_index(line.symbols, ocr_symbol, k);
            sym->line_start = k == 0;
            sym->t += top, sym->b += top;
            g_string_append(lines.text, sym->text);
            lines.least = MIN(lines.least, sym->confidence);
        }
        g_array_append_vals(lines.symbols, line.symbols->data, line.symbols->len);
        g_array_set_size(line.symbols, 0); /* the texts are lines' now */
        ocr_read_clear(&line);
    }
    g_array_free(found, TRUE);
    if (keeps_line_read(first, &lines)) {
        read_swap(first, &lines);
    }
    ocr_read_clear(&lines);
}

/* ---- symbols to glyph boxes ---------------------------------------------- */

/* A glyph's box reaches this share of its line's ink height above and below
 * it, as a text layer's boxes span a line's ascent and descent. */
#define BOX_LEAD 0.2
/* Widths of a half-width character and of a space between words of Latin
 * text or figures, in full-width characters. */
#define NARROW_SHARE 0.55
#define SPACE_SHARE 0.6

static bool text_is_wide(const char *t)
{
    return g_unichar_iswide(g_utf8_get_char(t));
}

/* Is there a space before symbol K of S: a new word between two Latin
 * letters (Japanese text has none between its words, and Tesseract's word
 * breaks inside a figure, 1 0. 2 ha, are none either)? */
static bool space_before(const GArray *s, guint k)
{
    const ocr_symbol *sym = &g_array_index(s, ocr_symbol, k);
    if (k == 0 || !sym->word_start || sym->line_start)
        return false;
    gunichar a = g_utf8_get_char(g_array_index(s, ocr_symbol, k - 1).text);
    gunichar b = g_utf8_get_char(sym->text);
    return a < 0x80 && b < 0x80 && g_ascii_isalpha((char)a) && g_ascii_isalpha((char)b);
}

/* Appends the symbols of RD as glyph boxes (page points) to GLYPHS: each
 * line's characters side by side across the line's box, full-width ones
 * twice as wide as half-width ones. */
static void symbols_to_glyphs(const ocr_read *rd, double scale, GArray *glyphs)
{
    GArray *s = rd->symbols;
    for (guint i = 0; i < s->len;) {
        guint end = i + 1;
        while (end < s->len && !g_array_index(s, ocr_symbol, end).line_start)
            end++;
        double units = 0;
        for (guint k = i; k < end; k++) {
            const ocr_symbol *sym = &g_array_index(s, ocr_symbol, k);
            units += (text_is_wide(sym->text) ? 1.0 : NARROW_SHARE) * g_utf8_strlen(sym->text, -1);
            units += space_before(s, k) ? SPACE_SHARE : 0;
        }
        const ocr_symbol *first = &g_array_index(s, ocr_symbol, i);
        double lead = BOX_LEAD * (first->b - first->t);
        double y0 = (first->t - lead) / scale, y1 = (first->b + lead) / scale;
        double x = first->l / scale, unit = (first->r - first->l) / scale / MAX(units, 1.0);
        for (guint k = i; k < end; k++) {
            const ocr_symbol *sym = &g_array_index(s, ocr_symbol, k);
            if (space_before(s, k))
                x += SPACE_SHARE * unit;
            for (const char *p = sym->text; *p; p = g_utf8_next_char(p)) {
                kp_glyph g;
                memset(&g, 0, sizeof g);
                g.c = g_utf8_get_char(p);
                g.x0 = x;
                x += (g_unichar_iswide(g.c) ? 1.0 : NARROW_SHARE) * unit;
                g.x1 = x;
                g.y0 = y0;
                g.y1 = y1;
                g.ocr = true;
                g.confidence = sym->confidence;
                g_array_append_val(glyphs, g);
            }
        }
        i = end;
    }
}

/* ---- the page ---------------------------------------------------------------- */

/* Borders are painted out this far beyond the ink found for them (points):
 * a scanned border's grey fringe. */
#define BORDER_MASK_PT 0.6

static void paint_white(unsigned char *grey, int stride, int width, int height, double x0,
                        double y0, double x1, double y1)
{
    int a = CLAMP((int)floor(x0), 0, width), b = CLAMP((int)ceil(x1), 0, width);
    for (int y = CLAMP((int)floor(y0), 0, height); y < CLAMP((int)ceil(y1), 0, height); y++)
        memset(grey + (size_t)y * stride + a, 0xFF, (size_t)(b - a));
}

/* Grey at or above this is paper or shading (light shading is #ddd, 221;
 * the grain of a scan's paper reaches down to about 215). */
#define SHADING_LEVEL 200

/* A line of ink no wider than this many times its height is one character
 * (a full-width one is square; 12 is two digits, 1.1 wide). */
#define ONE_CHAR_ASPECT 1.25

/* Paper set around a cell's ink before it is read (points): Tesseract
 * reads a lone digit hard against the edge of its image as something else
 * (2 as の2). */
#define CELL_PAD_PT 4.0

/* Reads one cell C of the grey image (borders painted out): its ink, on
 * white paper of its own, in one line or a block as the ink lies. */
/* The ink of C (in points; SCALE pixels a point) copied onto white paper
 * with a margin, shading made paper; false when C holds no ink. */
static bool cell_paper_make(const unsigned char *grey, int gstride, int width, int height,
                            const cell_box *c, double scale, cell_paper *cp)
{
    int x0 = CLAMP((int)ceil(c->x0 * scale), 0, width), x1 = CLAMP((int)floor(c->x1 * scale), 0, width);
    int y0 = CLAMP((int)ceil(c->y0 * scale), 0, height), y1 = CLAMP((int)floor(c->y1 * scale), 0, height);
    if (x1 <= x0 || y1 <= y0)
        return false;
    int *box = cp->box;
    cp->lines = ink_lines(grey, gstride, x0, y0, x1, y1, scale, box);
    if (cp->lines == 0)
        return false;
    cp->pad = (int)ceil(CELL_PAD_PT * scale);
    int iw = box[2] - box[0], ih = box[3] - box[1];
    cp->w = iw + 2 * cp->pad, cp->h = ih + 2 * cp->pad;
    cp->paper = g_malloc((size_t)cp->w * (size_t)cp->h);
    memset(cp->paper, 0xFF, (size_t)cp->w * (size_t)cp->h);
    /* shading made paper: a shaded cell (a heading row's grey, a band of
     * shading behind some lines) is white, whatever Tesseract's own
     * thresholding would make of the part it sees, while the ink keeps its
     * grey edges (the model reads anti-aliased strokes best) */
    for (int y = 0; y < ih; y++) {
        const unsigned char *from = grey + (size_t)(box[1] + y) * gstride + box[0];
        unsigned char *to = cp->paper + (size_t)(y + cp->pad) * cp->w + cp->pad;
        for (int x = 0; x < iw; x++)
            to[x] = from[x] >= SHADING_LEVEL ? 0xFF : (unsigned char)(from[x] * 255 / SHADING_LEVEL);
    }
    cp->ppi = (int)lround(scale * 72.0);
    cp->one_char = cp->lines == 1 && iw <= ONE_CHAR_ASPECT * ih;
    cp->again = cp->one_char ? PSM_RAW_LINE : cp->lines == 1 ? PSM_SINGLE_LINE : PSM_SINGLE_BLOCK;
    return true;
}

/* ---- the second read: what a first read or its cell looks like, and how
 * it is read again (the first row of second_reads whose test holds) ------- */

/* again with digits, separators, marks and the first read's units */
static void figure_again(kp_ocr *ocr, ocr_read *rd, const cell_paper *cp)
{
    char *charset = figure_charset(rd->text->str);
    read_again(ocr, cp->again, rd, charset, false);
    g_free(charset);
    if (cp->lines == 1)
        sign_for_four(cp->paper, cp->w, cp->h, rd);
}

/* a mark read as a letter or kana (〇 for ○, X for ×, へ for △): the read
 * among the marks is the one to keep */
static void mark_again(kp_ocr *ocr, ocr_read *rd, const cell_paper *cp)
{
    bool read_as_mark = g_utf8_strchr(MARK_CHARS, -1, g_utf8_get_char(rd->text->str)) != NULL;
    read_again(ocr, cp->again, rd, MARK_CHARS, !read_as_mark);
}

/* a letter beside digits (S for 5, O for 0): again with the digits it looks like */
static void lookalike_again(kp_ocr *ocr, ocr_read *rd, const cell_paper *cp)
{
    char *charset = digits_for_lookalikes(rd->text->str);
    read_again(ocr, cp->again, rd, charset, true);
    g_free(charset);
}

static bool cell_is_text_line(const cell_paper *cp)
{
    return cp->lines == 1 && !cp->one_char;
}

static bool cell_is_text_block(const cell_paper *cp)
{
    return cp->lines > 1;
}

/* A second read: for a first read whose text passes READ, or a cell that
 * passes CELL, AGAIN. */
typedef struct {
    bool (*read)(const char *first);
    bool (*cell)(const cell_paper *cp);
    void (*again)(kp_ocr *ocr, ocr_read *first, const cell_paper *cp);
} second_read;

static const second_read second_reads[] = {
    {looks_like_figure, NULL, figure_again},
    {looks_like_mark, NULL, mark_again},
    {lookalike_in_number, NULL, lookalike_again},
    {NULL, cell_is_text_line, text_line_read_again},
    {NULL, cell_is_text_block, text_lines_read_again},
};

static void read_cell(kp_ocr *ocr, const unsigned char *grey, int gstride, int width, int height,
                      const cell_box *c, double scale, GArray *glyphs)
{
    cell_paper cp;
    if (!cell_paper_make(grey, gstride, width, height, c, scale, &cp))
        return;
    ocr->f.TessBaseAPISetImage(ocr->api, cp.paper, cp.w, cp.h, 1, cp.w);
    ocr->f.TessBaseAPISetSourceResolution(ocr->api, cp.ppi);
    /* one character as such (a lone 件 read raw came out as 作, 人 as 人人),
     * one line raw (Tesseract's line finding splits a short line such as
     * 2件 into strokes), several as a block */
    TessPageSegMode mode = cp.one_char    ? PSM_SINGLE_CHAR
                           : cp.lines == 1 ? PSM_RAW_LINE
                                           : PSM_SINGLE_BLOCK;
    ocr_read rd = {0};
    recognise(ocr, mode, &rd);
    for (size_t i = 0; i < G_N_ELEMENTS(second_reads); i++) {
        const second_read *sr = &second_reads[i];
        if (sr->read ? sr->read(rd.text->str) : sr->cell(&cp)) {
            sr->again(ocr, &rd, &cp);
            break;
        }
    }
    /* back to page pixels */
    for (guint i = 0; i < rd.symbols->len; i++) {
        ocr_symbol *sym = &g_array_index(rd.symbols, ocr_symbol, i);
        sym->l += cp.box[0] - cp.pad, sym->r += cp.box[0] - cp.pad;
        sym->t += cp.box[1] - cp.pad, sym->b += cp.box[1] - cp.pad;
    }
    symbols_to_glyphs(&rd, scale, glyphs);
    ocr_read_clear(&rd);
    g_free(cp.paper);
}

void ocr_read_page(kp_ocr *ocr, unsigned char *data, int width, int height, int stride,
                   double scale, kp_page *page)
{
    GArray *none = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
    GArray *borders = rulings_from_image(data, width, height, stride, scale, none, 0, 0);
    GArray *cells = cells_from_rulings(borders, page->width, page->height);
    unsigned char *grey = g_malloc((size_t)width * (size_t)height);
    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < width; x++)
            grey[(size_t)y * width + x] = (unsigned char)((row[x] >> 8) & 0xFF);
    }
    for (guint i = 0; i < borders->len; i++) {
        const kp_ruling *r = &g_array_index(borders, kp_ruling, i);
        paint_white(grey, width, width, height, (r->x0 - BORDER_MASK_PT) * scale,
                    (r->y0 - BORDER_MASK_PT) * scale, (r->x1 + BORDER_MASK_PT) * scale,
                    (r->y1 + BORDER_MASK_PT) * scale);
    }
    GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
    int ppi = (int)lround(scale * 72.0);
    for (guint i = 0; i < cells->len; i++)
        read_cell(ocr, grey, width, width, height, &g_array_index(cells, cell_box, i), scale, glyphs);
    /* then the text outside the tables, the cells painted out */
    for (guint i = 0; i < cells->len; i++) {
        const cell_box *c = &g_array_index(cells, cell_box, i);
        paint_white(grey, width, width, height, c->x0 * scale, c->y0 * scale, c->x1 * scale,
                    c->y1 * scale);
    }
    int box[4];
    if (ink_lines(grey, width, 0, 0, width, height, scale, box) > 0) {
        ocr->f.TessBaseAPISetImage(ocr->api, grey, width, height, 1, width);
        ocr->f.TessBaseAPISetSourceResolution(ocr->api, ppi);
        ocr_read rd = {0};
        recognise(ocr, PSM_AUTO, &rd);
        symbols_to_glyphs(&rd, scale, glyphs);
        ocr_read_clear(&rd);
    }
    ocr->f.TessBaseAPIClear(ocr->api);
    g_free(grey);
    g_array_free(cells, TRUE);
    g_array_free(none, TRUE);
    /* The rulings as found before the text was read: masking the text's
     * boxes, as the text path does, would mask borders too wherever OCR made
     * a line's box too large; a stroke taken for a ruling stands alone in a
     * cell and makes no table. */
    if (page->glyphs)
        g_array_free(page->glyphs, TRUE);
    if (page->rulings)
        g_array_free(page->rulings, TRUE);
    page->glyphs = glyphs;
    page->rulings = borders;
}
