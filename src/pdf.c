/* kpipe — PDF input (see include/kpipe/pdf.h). */
#include "kpipe/pdf.h"

#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "kpipe/text.h"

/* Pixels a point for finding rulings: a hairline border stays at least one
 * pixel wide, and a 5 pt run is 7 pixels. */
#define RULING_SCALE 1.0

void pdf_init(void)
{
    static const char tiny[] = "%PDF-1.1\n"
                               "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                               "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                               "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
                               "trailer<</Root 1 0 R>>\n";
    GBytes *bytes = g_bytes_new_static(tiny, sizeof tiny - 1);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, NULL);
    if (doc)
        g_object_unref(doc);
    g_bytes_unref(bytes);
}

bool pdf_sniff(const char *data, size_t len)
{
    size_t n = len < 1024 ? len : 1024;
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return true;
    return false;
}

/* Kangxi radicals (⾧) stand in for kanji (長) in some producers' fonts;
 * NFKC maps that block back. */
static gunichar glyph_char(gunichar c)
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
    return c;
}

/* A character no font mapped to Unicode: what a PDF without ToUnicode maps
 * gives (U+FFFD, private use, control characters). */
static bool glyph_unreadable(gunichar c)
{
    return c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) || (c < 0x20 && c != '\t') ||
           (c >= 0x7F && c < 0xA0);
}

static GArray *page_glyphs(PopplerPage *page, size_t *unreadable)
{
    GArray *glyphs = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
    char *text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint n = 0;
    if (text && poppler_page_get_text_layout(page, &rects, &n)) {
        /* one rectangle per character of the text, newlines included */
        const char *p = text;
        for (guint i = 0; i < n && *p; i++, p = g_utf8_next_char(p)) {
            gunichar c = g_utf8_get_char(p);
            if (c == '\n' || c == '\r')
                continue;
            if (glyph_unreadable(c)) {
                (*unreadable)++;
                continue;
            }
            kp_glyph g = {glyph_char(c), rects[i].x1, rects[i].y1, rects[i].x2, rects[i].y2};
            g_array_append_val(glyphs, g);
        }
    }
    g_free(rects);
    g_free(text);
    return glyphs;
}

/* A thread's page image, kept from page to page: a fresh surface a page would
 * cost an allocation, zeroing and page faults each time. */
typedef struct {
    unsigned char *pixels;
    size_t size;
} page_canvas;

/* Paints PAGE onto CANVAS (white paper, 1 px a point). poppler-glib collects
 * the page's text while it renders on screen, so this one pass through the
 * content stream serves both the rulings and the glyphs: asking for the text
 * first would make poppler render the page once more onto a 1×1 surface. */
static void page_paint(PopplerPage *page, double width, double height, page_canvas *canvas,
                       int *w, int *h, int *stride)
{
    *w = (int)ceil(width * RULING_SCALE);
    *h = (int)ceil(height * RULING_SCALE);
    *stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, *w);
    size_t size = (size_t)*stride * (size_t)*h;
    if (size > canvas->size) {
        g_free(canvas->pixels);
        canvas->pixels = g_malloc(size);
        canvas->size = size;
    }
    memset(canvas->pixels, 0xFF, size); /* white paper: poppler paints no background */
    cairo_surface_t *surface =
        cairo_image_surface_create_for_data(canvas->pixels, CAIRO_FORMAT_RGB24, *w, *h, *stride);
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, RULING_SCALE, RULING_SCALE);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    cairo_surface_destroy(surface);
}

/* Opens the PDF from the bytes already read (no file reads per object).
 * poppler 22.12 crashes in poppler_document_new_from_bytes when a wrong
 * password is given, so with a password it opens the file by its URI. */
static PopplerDocument *pdf_open(const char *file, const char *data, size_t len,
                                 const char *password, GError **gerr)
{
    if (!password) {
        GBytes *bytes = g_bytes_new_static(data, len);
        PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, gerr);
        g_bytes_unref(bytes); /* the document keeps its own reference */
        return doc;
    }
    char *abs = g_canonicalize_filename(file, NULL);
    char *uri = g_filename_to_uri(abs, NULL, gerr);
    PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, password, gerr) : NULL;
    g_free(uri);
    g_free(abs);
    return doc;
}

/* ---- reading pages, on several threads where allowed -------------------- */

typedef struct {
    kp_page page;
    size_t unreadable;
} read_page;

static void read_page_clear(read_page *rp)
{
    if (rp->page.glyphs)
        g_array_free(rp->page.glyphs, TRUE);
    if (rp->page.rulings)
        g_array_free(rp->page.rulings, TRUE);
    memset(rp, 0, sizeof *rp);
}

/* Reads page I of DOC: painted once, then its glyphs (collected by that
 * painting) and its rulings. */
static void read_one(PopplerDocument *doc, int i, read_page *rp, page_canvas *canvas)
{
    rp->page.number = i + 1;
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page) {
        rp->page.glyphs = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
        rp->page.rulings = g_array_new(FALSE, FALSE, sizeof(kp_ruling));
        return;
    }
    poppler_page_get_size(page, &rp->page.width, &rp->page.height);
    int w, h, stride;
    page_paint(page, rp->page.width, rp->page.height, canvas, &w, &h, &stride);
    rp->page.glyphs = page_glyphs(page, &rp->unreadable);
    rp->page.rulings = rulings_from_image(canvas->pixels, w, h, stride, RULING_SCALE,
                                          rp->page.glyphs);
    g_object_unref(page);
}

/* Pages are read one at a time and released once laid out, so memory stays
 * flat however long the document. (Reading pages on several threads, each
 * with a PopplerDocument of its own, crashed now and then inside poppler
 * 22.12 — a mutex found corrupt — so kpipe reads one document on one thread
 * and runs files side by side in processes instead: see main.c.) */
typedef struct {
    PopplerDocument *doc;
    read_page page;
    page_canvas canvas;
} page_reader;

static void reader_start(page_reader *r, PopplerDocument *doc)
{
    memset(r, 0, sizeof *r);
    r->doc = doc;
}

/* Page I, read; the caller clears it once laid out. */
static read_page *reader_take(page_reader *r, int i)
{
    read_one(r->doc, i, &r->page, &r->canvas);
    return &r->page;
}

static void reader_stop(page_reader *r)
{
    read_page_clear(&r->page);
    g_free(r->canvas.pixels);
}

kp_grid *pdf_load(const char *file, const char *data, size_t len, const kp_pdf_options *options,
                  kp_source *source, kp_error *err)
{
    GError *gerr = NULL;
    PopplerDocument *doc = pdf_open(file, data, len, options->password, &gerr);
    kp_grid *grid = NULL;
    if (!doc) {
        if (gerr && g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0,
                         options->password ? "encrypted, and the password given does not open it"
                                           : "encrypted: give its password with --password");
        else
            kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0, "not a readable PDF (%s)",
                         gerr ? gerr->message : "damaged beyond repair");
        goto out;
    }
    int pages = poppler_document_get_n_pages(doc);
    if (pages <= 0) {
        kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0, "the PDF has no pages");
        goto out;
    }
    if (options->max_pages > 0 && pages > options->max_pages) {
        kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0,
                     "%d pages, more than --max-pages %d", pages, options->max_pages);
        goto out;
    }
    kp_layout *layout = layout_new();
    size_t total_glyphs = 0, unreadable = 0;
    gint64 deadline = options->time_limit > 0
                          ? g_get_monotonic_time() + (gint64)(options->time_limit * G_USEC_PER_SEC)
                          : 0;
    page_reader reader;
    reader_start(&reader, doc);
    for (int i = 0; i < pages; i++) {
        if (deadline && g_get_monotonic_time() > deadline) {
            reader_stop(&reader);
            grid_free(layout_finish(layout));
            kp_error_set(err, KP_EXIT_UNUSABLE, file, i + 1, 0, 0,
                         "still unread after the time limit of %g s (--time-limit)",
                         options->time_limit);
            goto out;
        }
        read_page *rp = reader_take(&reader, i);
        total_glyphs += rp->page.glyphs->len;
        unreadable += rp->unreadable;
        layout_add_page(layout, &rp->page);
        read_page_clear(rp);
    }
    reader_stop(&reader);
    grid = layout_finish(layout);
    if (unreadable > 0 && unreadable * 3 > total_glyphs + unreadable) {
        grid_free(grid);
        grid = NULL;
        kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0,
                     "%zu of its %zu characters have no Unicode mapping (fonts without "
                     "ToUnicode): OCR is needed before kpipe can read it",
                     unreadable, unreadable + total_glyphs);
        goto out;
    }
    if (total_glyphs == 0) {
        grid_free(grid);
        grid = NULL;
        kp_error_set(err, KP_EXIT_UNUSABLE, file, 0, 0, 0,
                     "no text layer (a scanned image?): OCR is needed before kpipe can read it");
        goto out;
    }
    source->name = g_path_get_basename(file);
    sha256_hex(data, len, source->sha256);
    source->is_pdf = true;
    source->pages = pages;
out:
    if (gerr)
        g_error_free(gerr);
    if (doc)
        g_object_unref(doc);
    return grid;
}
