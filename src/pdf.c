/* kpipe — PDF input (see include/kpipe/pdf.h). */
#include "kpipe/pdf.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/resource.h>
#endif
#include <unistd.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "kpipe/celltext.h"
#include "kpipe/child.h"
#include "kpipe/limits.h"
#include "kpipe/ocr.h"
#include "kpipe/output.h"
#include "kpipe/text.h"

#include "glyphless.h"
#include "i18n.h"

/* Pixels a point for finding rulings: a hairline border stays at least one
 * pixel wide, and a 5 pt run is 7 pixels. */
#define RULING_SCALE 1.0
/* A page image holds at most this many pixels (64 MB in RGB24; an A0 page at
 * 1 px a point is 8 M): a larger page (a MediaBox of 100,000 pt) is rendered
 * scaled down, where its table can still be read, instead of overflowing the
 * image's size or exhausting memory. cairo's images are at most 32767 a side. */
#define MAX_PAGE_PIXELS (16.0 * 1024 * 1024)
/* Below this many pixels a point a 0.5 pt border is lost in the image: a
 * page that would need less gets no rulings (so no table) rather than a
 * misread one. */
#define MIN_READABLE_SCALE 0.5
/* Around the text of a page too large to render whole, this much paper (in
 * points) is rendered too: the table's outer borders. */
#define TEXT_MARGIN 36.0

bool pdf_sniff(const char *data, size_t len)
{
    size_t n = len < 1024 ? len : 1024;
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return true;
    return false;
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
            kp_glyph g;
            memset(&g, 0, sizeof g); /* padding too: a page may be sent down a pipe */
            g.c = char_from_radical(c);
            g.x0 = rects[i].x1;
            g.y0 = rects[i].y1;
            g.x1 = rects[i].x2;
            g.y1 = rects[i].y2;
            g_array_append_val(glyphs, g);
        }
    }
    g_free(rects);
    g_free(text);
    return glyphs;
}

/* A reader's page image, kept from page to page: a fresh surface a page would
 * cost an allocation, zeroing and page faults each time. */
typedef struct {
    unsigned char *pixels;
    size_t size;
} page_canvas;

/* Pixels a point for a region of WIDTH × HEIGHT points: RULING_SCALE, or
 * less for one too large for MAX_PAGE_PIXELS; 0 for one of no area or one
 * that would be too small to read. */
static double page_scale(double width, double height)
{
    if (!(width >= 1.0 && height >= 1.0)) /* also NaN */
        return 0;
    double scale = RULING_SCALE;
    if (width * height * scale * scale > MAX_PAGE_PIXELS)
        scale = sqrt(MAX_PAGE_PIXELS / (width * height));
    return scale >= MIN_READABLE_SCALE ? scale : 0;
}

/* The region of the page to render: the whole page, or, for a page too large
 * for the image, the box around its text (REGION: x0 y0 x1 y1 in points). */
static void page_region(const GArray *glyphs, double width, double height, double region[4])
{
    region[0] = region[1] = 0;
    region[2] = width;
    region[3] = height;
    if (width * height * RULING_SCALE * RULING_SCALE <= MAX_PAGE_PIXELS || !glyphs->len)
        return;
    double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
    for (guint i = 0; i < glyphs->len; i++) {
        const kp_glyph *g = &g_array_index(glyphs, kp_glyph, i);
        x0 = MIN(x0, g->x0);
        y0 = MIN(y0, g->y0);
        x1 = MAX(x1, g->x1);
        y1 = MAX(y1, g->y1);
    }
    region[0] = CLAMP(x0 - TEXT_MARGIN, 0, width);
    region[1] = CLAMP(y0 - TEXT_MARGIN, 0, height);
    region[2] = CLAMP(x1 + TEXT_MARGIN, 0, width);
    region[3] = CLAMP(y1 + TEXT_MARGIN, 0, height);
}

/* How a page is painted: with its glyphs (for OCR, or to find where
 * backwards text lies), or without (the ruling canvas: glyphless.c). */
typedef enum { PAINT_GLYPHS, PAINT_NO_GLYPHS } paint_what;

/* Paints PAGE onto CANVAS (white paper, SCALE px a point). poppler-glib
 * collects the page's text while it renders on screen, glyphs painted or
 * not, so this one pass through the content stream serves both the rulings
 * and the glyphs: asking for the text first would make poppler render the
 * page once more onto a 1×1 surface. */
static void page_paint(PopplerPage *page, const double region[4], double scale,
                       const double turn[6], paint_what what, page_canvas *canvas, int *w, int *h,
                       int *stride)
{
    *w = MAX(1, (int)ceil((region[2] - region[0]) * scale));
    *h = MAX(1, (int)ceil((region[3] - region[1]) * scale));
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
    if (what == PAINT_NO_GLYPHS)
        paint_without_glyphs(cr);
    cairo_scale(cr, scale, scale);
    cairo_translate(cr, -region[0], -region[1]);
    if (turn) {
        cairo_matrix_t m;
        cairo_matrix_init(&m, turn[0], turn[1], turn[2], turn[3], turn[4], turn[5]);
        cairo_transform(cr, &m);
    }
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    cairo_surface_destroy(surface);
}

/* Opens the PDF from the bytes already read, so what is hashed is what is
 * read (no second read of the file, no file reads per object). poppler 22.12
 * crashes in poppler_document_new_from_bytes when it is given a wrong
 * password (it retries on a stream it has freed), so a password goes with a
 * copy of the bytes in an anonymous memory file: poppler_document_new_from_fd
 * fails cleanly. That path says "damaged" for a wrong password, so the bytes
 * are first opened without one to learn whether they are encrypted at all. */
static PopplerDocument *pdf_open(const char *data, size_t len, const char *password,
                                 GError **gerr)
{
    GBytes *bytes = g_bytes_new_static(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, gerr);
    g_bytes_unref(bytes); /* the document keeps its own reference */
    if (doc || !password || !g_error_matches(*gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        return doc;
    int fd = memfd_create("kpipe-pdf", MFD_CLOEXEC);
    if (fd < 0 || !fd_write_all(fd, data, len) || lseek(fd, 0, SEEK_SET) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL; /* *gerr still says encrypted */
    }
    GError *with_password = NULL;
    doc = poppler_document_new_from_fd(fd, password, &with_password); /* owns fd from here */
    if (doc)
        g_clear_error(gerr);
    g_clear_error(&with_password);
    return doc;
}

/* ---- reading one page ---------------------------------------------------- */

/* How a page was read. */
enum { PAGE_TEXT = 0, PAGE_OCR, PAGE_OCR_UNAVAILABLE, PAGE_OCR_COARSE };

typedef struct {
    kp_page page;
    size_t unreadable;
    int how;                 /* PAGE_TEXT, PAGE_OCR, … */
    double dpi;              /* PAGE_OCR_COARSE: its scan's resolution */
} read_page;

/* What a process needs to read pages by OCR: the mode, and its engine,
 * started at its first page without text (Tesseract's model takes a while
 * to load, so a reader of text pages never loads it). */
typedef struct {
    kp_ocr_mode mode;
    kp_ocr *engine;
    bool unavailable;        /* the engine could not be started */
} ocr_state;

static void read_page_clear(read_page *rp)
{
    if (rp->page.glyphs)
        g_array_free(rp->page.glyphs, TRUE);
    if (rp->page.rulings)
        g_array_free(rp->page.rulings, TRUE);
    memset(rp, 0, sizeof *rp);
}

/* Pixels a point at which a page's skew is measured: a tenth of a degree is
 * a pixel over 570 pt. */
#define SKEW_SCALE 2.0

/* Does a page need OCR: no text, or mostly characters without a Unicode
 * mapping (the document-wide checks in pdf_load catch the rest)? */
static bool page_needs_ocr(const read_page *rp, kp_ocr_mode mode)
{
    if (mode != KP_OCR_AUTO)
        return mode == KP_OCR_ALWAYS;
    size_t have = rp->page.glyphs->len;
    return have == 0 || rp->unreadable * 3 > have + rp->unreadable;
}

/* Below this resolution a scan's small type (8 pt is 11 px tall at 100 dpi)
 * cannot be read with any confidence: such a page is refused, not guessed
 * at. */
#define MIN_SCAN_DPI 150.0

/* The resolution of the largest image on PAGE, in dots an inch; 0 when it
 * has none (a page drawn in vectors is rendered as finely as wanted). */
static double scan_dpi(PopplerPage *page)
{
    GList *images = poppler_page_get_image_mapping(page);
    double best_area = 0, dpi = 0;
    for (GList *l = images; l; l = l->next) {
        PopplerImageMapping *m = l->data;
        double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
        if (fabs(w * h) <= best_area)
            continue;
        cairo_surface_t *image = poppler_page_get_image(page, m->image_id);
        if (!image)
            continue;
        best_area = fabs(w * h);
        dpi = cairo_image_surface_get_width(image) / (fabs(w) / 72.0);
        cairo_surface_destroy(image);
    }
    poppler_page_free_image_mapping(images);
    return dpi;
}

/* Reads PAGE by OCR into RP: painted at SKEW_SCALE to measure its skew,
 * then at KP_OCR_DPI turned straight, and read. */
static void read_by_ocr(PopplerPage *page, read_page *rp, page_canvas *canvas, ocr_state *ocr)
{
    if (!ocr->engine && !ocr->unavailable) {
        kp_error err = KP_ERROR_INIT;
        ocr->engine = ocr_new(&err);
        ocr->unavailable = !ocr->engine;
        kp_error_clear(&err);
    }
    if (!ocr->engine) {
        rp->how = PAGE_OCR_UNAVAILABLE;
        return;
    }
    double w = rp->page.width, h = rp->page.height;
    double region[4] = {0, 0, w, h};
    int pw = 0, ph = 0, stride = 0;
    if (!(w >= 1.0 && h >= 1.0))
        return;
    double dpi = scan_dpi(page);
    if (dpi > 0 && dpi < MIN_SCAN_DPI) {
        rp->how = PAGE_OCR_COARSE;
        rp->dpi = dpi;
        return;
    }
    double skew_scale = MIN(SKEW_SCALE, sqrt(MAX_PAGE_PIXELS / (w * h)));
    page_paint(page, region, skew_scale, NULL, PAINT_GLYPHS, canvas, &pw, &ph, &stride);
    double a = -ocr_skew_degrees(canvas->pixels, pw, ph, stride) * G_PI / 180.0;
    /* turned by -skew about the page's centre */
    double cx = w / 2, cy = h / 2, c = cos(a), s = sin(a);
    double m[6] = {c, s, -s, c, cx - c * cx + s * cy, cy - s * cx - c * cy};
    double scale = MIN(KP_OCR_DPI / 72.0, sqrt(MAX_PAGE_PIXELS / (w * h)));
    page_paint(page, region, scale, m, PAINT_GLYPHS, canvas, &pw, &ph, &stride);
    ocr_read_page(ocr->engine, canvas->pixels, pw, ph, stride, scale, &rp->page);
    rp->unreadable = 0;
    rp->how = PAGE_OCR;
}

/* Reads page I of DOC: painted once, then its glyphs (collected by that
 * painting) and its rulings; by OCR where it needs it. */
static void read_one(PopplerDocument *doc, int i, read_page *rp, page_canvas *canvas,
                     ocr_state *ocr)
{
    rp->page.number = i + 1;
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page) {
        rp->page.glyphs = g_array_new(FALSE, FALSE, sizeof(kp_glyph));
        rp->page.rulings = g_array_new(FALSE, FALSE, sizeof(kp_ruling));
        return;
    }
    poppler_page_get_size(page, &rp->page.width, &rp->page.height);
    int w = 0, h = 0, stride = 0;
    double region[4] = {0, 0, rp->page.width, rp->page.height};
    bool whole = rp->page.width * rp->page.height * RULING_SCALE * RULING_SCALE <= MAX_PAGE_PIXELS;
    if (!whole) { /* the text first, to know where to render */
        rp->page.glyphs = page_glyphs(page, &rp->unreadable);
        page_region(rp->page.glyphs, rp->page.width, rp->page.height, region);
    }
    double scale = page_scale(region[2] - region[0], region[3] - region[1]);
    if (scale > 0)
        page_paint(page, region, scale, NULL, PAINT_NO_GLYPHS, canvas, &w, &h, &stride);
    if (whole) /* collected while painting */
        rp->page.glyphs = page_glyphs(page, &rp->unreadable);
    if (scale > 0) {
        rp->page.rulings = rulings_from_image(canvas->pixels, w, h, stride, scale,
                                              rp->page.glyphs, region[0], region[1]);
    } else { /* no area, or too large to read: its text without rulings */
        rp->page.rulings = g_array_new(FALSE, FALSE, sizeof(kp_ruling));
    }
    bool backwards = whole && glyphs_put_forward(rp->page.glyphs) > 0;
    int turns = whole ? page_text_turns(rp->page.glyphs) : 0;
    if (turns) { /* /Rotate 90, 180, 270, or drawn sideways: read it upright */
        glyphs_turn(rp->page.glyphs, rp->page.width, rp->page.height, turns);
        double m[6];
        page_turn_matrix(turns, rp->page.width, rp->page.height, m);
        if (turns != 2) {
            double t = rp->page.width;
            rp->page.width = rp->page.height;
            rp->page.height = t;
        }
        double upright[4] = {0, 0, rp->page.width, rp->page.height};
        if (scale > 0) { /* (without a render the page has no rulings to turn) */
            if (backwards) { /* the glyphs' ink shows where their lines lie */
                page_paint(page, upright, scale, m, PAINT_GLYPHS, canvas, &w, &h, &stride);
                glyphs_snap_to_ink(rp->page.glyphs, canvas->pixels, w, h, stride, scale, 0, 0);
            }
            page_paint(page, upright, scale, m, PAINT_NO_GLYPHS, canvas, &w, &h, &stride);
            g_array_free(rp->page.rulings, TRUE);
            rp->page.rulings = rulings_from_image(canvas->pixels, w, h, stride, scale,
                                                  rp->page.glyphs, 0, 0);
        }
    }
    if (page_needs_ocr(rp, ocr->mode))
        read_by_ocr(page, rp, canvas, ocr);
    g_object_unref(page);
}

/* ---- reading pages side by side in processes ----------------------------
 * poppler spends most of kpipe's time, and one PopplerDocument is no faster
 * on more threads. Documents on several threads, one each, crashed now and
 * then inside poppler 22.12 (a mutex found corrupt), so pages are read side
 * by side in child processes forked from this one after the document opened:
 * each reader takes every Nth block of pages and sends each page's glyphs and
 * rulings down a pipe; the parent takes them in page order. A reader can run
 * at most a pipe's worth ahead, so memory stays flat, and a page that crashes
 * or hangs poppler takes down only its reader, reported against the page. */

#define MAX_READERS 16
/* Readers take blocks of consecutive pages: neighbouring pages share fonts,
 * and a reader that met a font on the page before finds it in poppler's
 * caches (on the bench corpus, dealing single pages cost 30% more processor
 * time than blocks of 16). A block must fit in a pipe, so the reader ahead
 * is not held up by the parent. */
#define MAX_BLOCK 16
/* Blocks are taken, not dealt: each reader takes the next block untaken
 * when it is done with its last, so readers that meet slow pages take fewer
 * and all finish together. Each reader's share is cut into this many blocks
 * at least, so that the last block, read by one while the others are done,
 * is short (on the bench corpora with two readers, 2 and 4 measured alike,
 * 8 slower: smaller blocks meet their fonts again). */
#define BLOCKS_PER_READER 2
/* While the parent waits for a block to be taken (readers start, or one
 * finishes a block), it looks again this often (µs). */
#define CLAIM_WAIT_US 100
/* A reader costs a process that loads the document's fonts and fills
 * poppler's caches again (about 35 ms of processor time on a Calc-printed
 * fixture): one for fewer pages than this does not pay for itself (a
 * 10-page mix of fixtures took as long either way). */
#define MIN_PAGES_PER_READER 8

/* One page on the wire: this header, then its glyphs, then its rulings, as
 * laid out in memory (both ends are the same program). */
typedef struct {
    int64_t number;         /* 64 bits: no padding bytes go down the pipe */
    double width, height;
    uint64_t unreadable, glyphs, rulings;
    int64_t how;            /* PAGE_TEXT, PAGE_OCR, … */
    double dpi;
} page_record;

typedef struct {
    PopplerDocument *doc;
    read_page page;
    page_canvas canvas;
    ocr_state ocr;
    int readers;             /* processes reading pages; 0: read here */
    int block;               /* consecutive pages a reader takes at a time */
    int blocks;              /* the document's, of BLOCK pages (the last fewer) */
    /* Shared with the readers (an anonymous shared mapping): [0] the next
     * block to take; [1 + b] the reader that took block b, -1 until one
     * has. Readers take blocks in order, each with one atomic step. */
    int *claims;
    int fd[MAX_READERS];
    pid_t pid[MAX_READERS];
    bool over_memory[MAX_READERS]; /* killed for holding too much memory */
    gint64 deadline;         /* monotonic µs; 0: none */
} page_reader;

/* Reads page I of DOC into RP (cleared first). */
static void reader_read_here(page_reader *r, int i)
{
    read_page_clear(&r->page);
    read_one(r->doc, i, &r->page, &r->canvas, &r->ocr);
}

/* Built with AddressSanitizer: its shadow memory would count against a
 * data limit, and its reports must reach stderr. */
#if defined(__SANITIZE_ADDRESS__)
#define KP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KP_SANITIZED 1
#endif
#endif

/* The backstop to the watch on readers' memory (see KP_MAX_READER_BYTES);
 * and a reader's stderr goes nowhere: what it says to kpipe comes down its
 * pipe, and what poppler, cairo or the C++ runtime might print there
 * (warnings, "terminate called…") would stand beside kpipe's one line. */
static void reader_quiet_and_capped(void)
{
#ifndef KP_SANITIZED
    struct rlimit cap = {KP_MAX_READER_BYTES, KP_MAX_READER_BYTES};
    (void)setrlimit(RLIMIT_DATA, &cap);
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDERR_FILENO);
        close(null);
    }
#endif
}

/* Reads the pages of block B and sends each down FD; false when the
 * parent is gone. */
static bool reader_send_block(page_reader *r, int b, int pages, int fd)
{
    for (int i = b * r->block; i < pages && i < (b + 1) * r->block; i++) {
        reader_read_here(r, i);
        const kp_page *pg = &r->page.page;
        page_record rec = {pg->number, pg->width, pg->height, r->page.unreadable,
                           pg->glyphs->len, pg->rulings->len, r->page.how, r->page.dpi};
        if (!fd_write_all(fd, &rec, sizeof rec) ||
            !fd_write_all(fd, pg->glyphs->data, (size_t)pg->glyphs->len * sizeof(kp_glyph)) ||
            !fd_write_all(fd, pg->rulings->data, (size_t)pg->rulings->len * sizeof(kp_ruling)))
            return false;
    }
    return true;
}

/* Reader K: its pages down FD; the exit status for _exit. It returns
 * rather than exits (and is kept from being found noreturn), so that the
 * registers holding the parent's pointers are saved on the stack as in any
 * call: valgrind's leak check in the reader then finds what it inherited. */
static int __attribute__((noinline)) reader_child(page_reader *r, int k, int pages, int fd,
                                                  pid_t parent)
{
    signal(SIGPIPE, SIG_IGN); /* the parent gone: write fails, the reader stops */
    reader_quiet_and_capped();
    /* nor may a reader stuck in poppler outlive a parent killed outright */
    if (!child_ends_with_parent(parent, SIGKILL))
        return 1;
    for (;;) {
        int b = __atomic_fetch_add(&r->claims[0], 1, __ATOMIC_SEQ_CST);
        if (b >= r->blocks)
            break;
        __atomic_store_n(&r->claims[1 + b], k, __ATOMIC_RELEASE);
        if (!reader_send_block(r, b, pages, fd))
            return 1;
    }
    ocr_free(r->ocr.engine); /* (for the leak check: the process ends here) */
    r->ocr.engine = NULL;
    return 0;
}

/* fork() copies only the calling thread: with another thread running (one
 * that may hold a lock), a child could deadlock. Linux lists threads here. */
static bool process_single_threaded(void)
{
    GDir *dir = g_dir_open("/proc/self/task", 0, NULL);
    if (!dir)
        return false;
    int threads = 0;
    while (g_dir_read_name(dir))
        threads++;
    g_dir_close(dir);
    return threads == 1;
}

/* Ends the readers: once every page came (DONE), each has sent its last and
 * is exiting, and is waited for; else it is killed, as nothing more is
 * wanted from it. */
static void reader_stop(page_reader *r, bool done)
{
    for (int k = 0; k < r->readers; k++) {
        close(r->fd[k]);
        if (r->pid[k] <= 0) /* already reaped */
            continue;
        if (!done)
            kill(r->pid[k], SIGKILL);
        while (waitpid(r->pid[k], NULL, 0) < 0 && errno == EINTR)
            ;
    }
    r->readers = 0;
    if (r->claims)
        munmap(r->claims, (size_t)(1 + r->blocks) * sizeof *r->claims);
    r->claims = NULL;
    read_page_clear(&r->page);
    g_free(r->canvas.pixels);
    r->canvas.pixels = NULL;
    ocr_free(r->ocr.engine);
    r->ocr.engine = NULL;
}

/* Starts up to WANT readers for PAGES pages (one at least, so that the time
 * limit and the memory cap stop any page, however short the document); with
 * none asked for (the tests' baseline), or where forking is not safe, pages
 * are read in this process. */
static void reader_start(page_reader *r, PopplerDocument *doc, int pages, int want,
                         gint64 deadline, kp_ocr_mode ocr)
{
    memset(r, 0, sizeof *r);
    r->doc = doc;
    r->deadline = deadline;
    r->ocr.mode = ocr;
    /* a page read by OCR takes seconds: each reader pays for itself */
    int per_reader = ocr == KP_OCR_ALWAYS ? 1 : MIN_PAGES_PER_READER;
    if (want > MAX_READERS)
        want = MAX_READERS;
    if (want > pages / per_reader)
        want = MAX(1, pages / per_reader);
    if (want < 1 || pages < 1 || !process_single_threaded())
        return;
    r->block = (pages + BLOCKS_PER_READER * want - 1) / (BLOCKS_PER_READER * want);
    if (r->block > MAX_BLOCK)
        r->block = MAX_BLOCK;
    r->blocks = (pages + r->block - 1) / r->block;
    size_t claims = (size_t)(1 + r->blocks) * sizeof *r->claims;
    void *shared = mmap(NULL, claims, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return; /* read here */
    r->claims = shared;
    r->claims[0] = 0;
    for (int b = 0; b < r->blocks; b++)
        r->claims[1 + b] = -1;
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t self = getpid();
    for (int k = 0; k < want; k++) {
        int fds[2];
        if (pipe(fds) != 0)
            break;
#ifdef F_SETPIPE_SZ
        /* room for a few pages, so a reader need not wait for its turn */
        (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
#endif
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            for (int j = 0; j < k; j++)
                close(r->fd[j]);
            /* no atexit handlers: the parent's state is not the reader's */
            _exit(reader_child(r, k, pages, fds[1], self));
        }
        close(fds[1]);
        if (pid < 0) {
            close(fds[0]);
            break;
        }
        r->fd[k] = fds[0];
        r->pid[k] = pid;
        r->readers = k + 1;
    }
    if (r->readers == 0) { /* (blocks are taken, not dealt: fewer readers do) */
        munmap(r->claims, claims);
        r->claims = NULL;
    }
}

/* The resident size of process PID in bytes; 0 when it cannot be read. */
static long resident_bytes(pid_t pid)
{
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    long size = 0, resident = 0;
    if (sscanf(buf, "%ld %ld", &size, &resident) != 2)
        return 0;
    return resident * sysconf(_SC_PAGESIZE);
}

/* Kills each reader holding more than KP_MAX_READER_RSS; its pipe then
 * ends, and its page is reported as needing too much memory. */
static void reader_watch_memory(page_reader *r)
{
    for (int k = 0; k < r->readers; k++)
        if (r->pid[k] > 0 && !r->over_memory[k] && resident_bytes(r->pid[k]) > KP_MAX_READER_RSS) {
            r->over_memory[k] = true;
            kill(r->pid[k], SIGKILL);
        }
}

/* Reads LEN bytes from reader K by the deadline, watching every reader's
 * memory meanwhile: 1 done, 0 the pipe ended early, -1 time ran out, -2 a
 * read error. */
static int read_by(page_reader *r, int k, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        int timeout = KP_READER_WATCH_MS;
        if (r->deadline) {
            gint64 left = r->deadline - g_get_monotonic_time();
            if (left <= 0)
                return -1;
            timeout = (int)MIN(left / 1000 + 1, KP_READER_WATCH_MS);
        }
        struct pollfd pfd = {r->fd[k], POLLIN, 0};
        int ready = poll(&pfd, 1, timeout);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return -2;
        if (ready == 0) {
            reader_watch_memory(r);
            continue;
        }
        ssize_t n = read(r->fd[k], p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -2;
        if (n == 0)
            return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

/* Have all readers ended (their pipes hung up)? */
static bool readers_all_ended(const page_reader *r)
{
    struct pollfd pfd[MAX_READERS];
    for (int k = 0; k < r->readers; k++)
        pfd[k] = (struct pollfd){r->fd[k], POLLIN, 0};
    if (poll(pfd, (nfds_t)r->readers, 0) < 0)
        return false;
    for (int k = 0; k < r->readers; k++)
        if (!(pfd[k].revents & (POLLHUP | POLLERR | POLLNVAL)))
            return false;
    return true;
}

/* The reader that took page I's block, once one has: -1 when the time ran
 * out first, -2 when every reader ended without taking it (one died between
 * its two steps). The wait is short: a block is taken the moment a reader
 * is done with its last. */
static int reader_owning(page_reader *r, int i)
{
    const int *owner = &r->claims[1 + i / r->block];
    gint64 watched = g_get_monotonic_time();
    for (;;) {
        int k = __atomic_load_n(owner, __ATOMIC_ACQUIRE);
        if (k >= 0 && k < r->readers)
            return k;
        gint64 now = g_get_monotonic_time();
        if (r->deadline && now >= r->deadline)
            return -1;
        if (now - watched >= KP_READER_WATCH_MS * 1000) {
            reader_watch_memory(r);
            if (readers_all_ended(r))
                return -2;
            watched = now;
        }
        g_usleep(CLAIM_WAIT_US);
    }
}

/* Why reader K sent nothing more: it is reaped, so it is asked only once. */
static void reader_failed(page_reader *r, int k, int page, const char *file, kp_error *err)
{
    int status = 0;
    pid_t got;
    while ((got = waitpid(r->pid[k], &status, 0)) < 0 && errno == EINTR)
        ;
    if (r->over_memory[k])
        kp_error_set(err, KP_ERR_LIMIT, file, page, 0, 0,
                     "the page could not be read: drawing it took more than %ld MiB of memory",
                     KP_MAX_READER_RSS >> 20);
    else if (got == r->pid[k] && WIFSIGNALED(status))
        kp_error_set(err, KP_ERR_READER, file, page, 0, 0,
                     "the page could not be read: its reader process ended on signal %d (%s)",
                     WTERMSIG(status), g_strsignal(WTERMSIG(status)));
    else
        kp_error_set(err, KP_ERR_READER, file, page, 0, 0,
                     "the page could not be read: its reader process ended early");
    /* reaped: reader_stop must not wait for it again */
    r->pid[k] = -1;
}

/* Page I (0-based), read; NULL with ERR set when its reader failed or the
 * time limit passed. The page stays the reader's until the next call. */
static read_page *reader_take(page_reader *r, int i, const char *file, double time_limit,
                              kp_error *err)
{
    if (!r->readers) {
        if (r->deadline && g_get_monotonic_time() >= r->deadline)
            goto late;
        reader_read_here(r, i);
        return &r->page;
    }
    read_page_clear(&r->page);
    int k = reader_owning(r, i);
    if (k == -1)
        goto late;
    if (k < 0) {
        kp_error_set(err, KP_ERR_READER, file, i + 1, 0, 0,
                     "the page could not be read: its reader process ended early");
        return NULL;
    }
    page_record rec;
    int got = read_by(r, k, &rec, sizeof rec);
    /* a reader sends whole pages in order; anything else is a failed reader */
    if (got == 1 && (rec.number != i + 1 || rec.glyphs > (1u << 24) || rec.rulings > (1u << 24)))
        got = 0;
    if (got == 1) {
        r->page.page.number = rec.number;
        r->page.page.width = rec.width;
        r->page.page.height = rec.height;
        r->page.unreadable = (size_t)rec.unreadable;
        r->page.how = (int)rec.how;
        r->page.dpi = rec.dpi;
        r->page.page.glyphs = g_array_sized_new(FALSE, FALSE, sizeof(kp_glyph), (guint)rec.glyphs);
        g_array_set_size(r->page.page.glyphs, (guint)rec.glyphs);
        r->page.page.rulings =
            g_array_sized_new(FALSE, FALSE, sizeof(kp_ruling), (guint)rec.rulings);
        g_array_set_size(r->page.page.rulings, (guint)rec.rulings);
        got = read_by(r, k, r->page.page.glyphs->data, rec.glyphs * sizeof(kp_glyph));
        if (got == 1)
            got = read_by(r, k, r->page.page.rulings->data, rec.rulings * sizeof(kp_ruling));
    }
    if (got == 1)
        return &r->page;
    if (got == -1)
        goto late;
    reader_failed(r, k, i + 1, file, err);
    return NULL;
late:
    kp_error_set(err, KP_ERR_LIMIT, file, i + 1, 0, 0,
                 "still unread after the time limit of %g s (--time-limit)", time_limit);
    return NULL;
}

/* What reading a document's pages found, for the checks on its text. */
typedef struct {
    size_t glyphs, unreadable, japanese;
    int ocr_pages;           /* pages read by OCR */
    int ocr_unavailable;     /* pages that needed OCR, which could not start */
    bool ocr_refused;        /* a page too coarse for OCR */
    GString *sample;         /* the text's first characters, to show in an error */
} read_totals;

/* The text's totals say the text layer is unusable: OCR is needed. Sets ERR
 * (KP_ERR_NO_TEXT) and returns true then. */
static bool text_unusable(const char *file, const read_totals *t, kp_ocr_mode mode,
                          kp_error *err)
{
    size_t all = t->glyphs + t->unreadable;
    const char *why = t->ocr_unavailable
                          ? _("OCR is needed, and it is not available: Tesseract or its Japanese "
                              "data (Debian packages libtesseract5, tesseract-ocr-jpn) could not "
                              "be loaded")
                      : mode == KP_OCR_NEVER ? _("OCR is needed before kpipe can read it (not "
                                                 "with --ocr never)")
                                             : _("OCR found no text either");
    if (t->unreadable > 0 && t->unreadable * 3 > all) {
        kp_error_set(err, KP_ERR_NO_TEXT, file, 0, 0, 0,
                     "%zu of its %zu characters have no Unicode mapping (fonts without "
                     "ToUnicode): %s",
                     t->unreadable, all, why);
        return true;
    }
    if (t->glyphs == 0) {
        kp_error_set(err, KP_ERR_NO_TEXT, file, 0, 0, 0, _("no text layer (a scanned image?): %s"),
                     why);
        return true;
    }
    /* Fonts without a Unicode map (no ToUnicode) read as whatever their
     * encoding gives: stray Latin letters, control codes, a kanji here and
     * there by chance. A Japanese table is mostly Japanese (three in four
     * characters on the fixtures). Few Japanese characters alone is no proof
     * (an appendix in English), so it takes none, or few and many unmapped. */
    if (t->japanese == 0) {
        kp_error_set(err, KP_ERR_NO_TEXT, file, 0, 0, 0,
                     "none of its %zu characters is Japanese (its text begins \"%s\"): "
                     "fonts without a Unicode map (ToUnicode) read like this; %s",
                     all, t->sample->str, why);
        return true;
    }
    if (t->japanese * 5 < all && t->unreadable * 10 > all) {
        kp_error_set(err, KP_ERR_NO_TEXT, file, 0, 0, 0,
                     "only %zu of its %zu characters are Japanese and %zu have no Unicode "
                     "mapping (its text begins \"%s\"): fonts without a Unicode map "
                     "(ToUnicode) read like this; %s",
                     t->japanese, all, t->unreadable, t->sample->str, why);
        return true;
    }
    return false;
}

/* Hands the lines of GRID to SINK, OCR as it says, and frees GRID. */
static void lines_to_sink(kp_grid *grid, const kp_line_sink *sink, bool ocr)
{
    for (guint i = 0; i < grid->lines->len; i++) {
        kp_grid_line *line = g_ptr_array_index(grid->lines, i);
        g_ptr_array_index(grid->lines, i) = NULL;
        sink->line(sink->ctx, line, ocr);
    }
    grid_free(grid);
}

/* Reads the PAGES pages of DOC, by OCR as MODE says, their lines handed to
 * SINK as each page is laid out; false with ERR set when a page could not
 * be read or the text is unusable. */
static bool read_pages(const char *file, PopplerDocument *doc, int pages,
                       const kp_pdf_options *options, kp_ocr_mode mode, read_totals *t,
                       const kp_line_sink *sink, kp_error *err)
{
    kp_layout *layout = layout_new();
    gint64 deadline = options->time_limit > 0
                          ? g_get_monotonic_time() + (gint64)(options->time_limit * G_USEC_PER_SEC)
                          : 0;
    page_reader reader;
    reader_start(&reader, doc, pages, options->readers, deadline, mode);
    for (int i = 0; i < pages; i++) {
        read_page *rp = reader_take(&reader, i, file, options->time_limit, err);
        if (!rp) {
            reader_stop(&reader, false);
            grid_free(layout_finish(layout));
            return false;
        }
        if (page_cut_at_edge(&rp->page)) {
            kp_error_set(err, KP_ERR_PAGE_BOX, file, i + 1, 0, 0,
                         "its table runs off the page (the page box, %g × %g pt, is smaller than "
                         "the drawing): only part of it could be read",
                         round(rp->page.width), round(rp->page.height));
            reader_stop(&reader, false); /* (the page is the reader's) */
            grid_free(layout_finish(layout));
            return false;
        }
        if (rp->how == PAGE_OCR_COARSE) {
            t->ocr_refused = true;
            kp_error_set(err, KP_ERR_NO_TEXT, file, i + 1, 0, 0,
                         "a scan of %.0f dpi, too coarse to read by OCR (%.0f dpi at least, 300 "
                         "dpi best): scan the page again",
                         rp->dpi, MIN_SCAN_DPI);
            reader_stop(&reader, false);
            grid_free(layout_finish(layout));
            return false;
        }
        t->glyphs += rp->page.glyphs->len;
        t->unreadable += rp->unreadable;
        t->ocr_pages += rp->how == PAGE_OCR;
        t->ocr_unavailable += rp->how == PAGE_OCR_UNAVAILABLE;
        for (guint g = 0; g < rp->page.glyphs->len; g++) {
            gunichar c = g_array_index(rp->page.glyphs, kp_glyph, g).c;
            t->japanese += char_is_japanese(c);
            if (t->sample->len < 24 && !g_unichar_isspace(c))
                g_string_append_unichar(t->sample, c);
        }
        layout_add_page(layout, &rp->page);
        lines_to_sink(layout_take(layout), sink, t->ocr_pages > 0);
    }
    reader_stop(&reader, true);
    lines_to_sink(layout_finish(layout), sink, t->ocr_pages > 0);
    return !text_unusable(file, t, mode, err);
}

/* Has the PDF surely no font, so no text to read: no /Font anywhere in its
 * bytes, nor an object stream (a compressed one could hide one)? Scanners
 * and img2pdf write such files. Only the bytes are looked at, not poppler. */
static bool surely_fontless(const char *data, size_t len)
{
    return !memmem(data, len, "/Font", 5) && !memmem(data, len, "/ObjStm", 7);
}

bool pdf_read(const char *file, const char *data, size_t len, const kp_pdf_options *options,
              kp_source *source, const kp_line_sink *sink, kp_error *err)
{
    GError *gerr = NULL;
    PopplerDocument *doc = pdf_open(data, len, options->password, &gerr);
    bool read = false;
    read_totals totals = {0};
    if (!doc) {
        if (gerr && g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            kp_error_set(err, KP_ERR_ENCRYPTED, file, 0, 0, 0,
                         options->password ? _("encrypted, and the password given does not open it")
                                           : _("encrypted: give its password with --password"));
        else
            kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0, _("not a readable PDF (%s)"),
                         gerr ? gerr->message : "damaged beyond repair");
        goto out;
    }
    int pages = poppler_document_get_n_pages(doc);
    if (pages <= 0) {
        kp_error_set(err, KP_ERR_FORMAT, file, 0, 0, 0, "the PDF has no pages");
        goto out;
    }
    if (options->max_pages > 0 && pages > options->max_pages) {
        kp_error_set(err, KP_ERR_LIMIT, file, 0, 0, 0,
                     "%d pages, more than --max-pages %d", pages, options->max_pages);
        goto out;
    }
    /* (nothing is asked of poppler here beyond the page count: a page that
     * hangs it must hang a reader, which the time limit stops) */
    kp_ocr_mode mode = options->ocr;
    if (mode == KP_OCR_AUTO && surely_fontless(data, len))
        mode = KP_OCR_ALWAYS; /* a scan: its pages dealt one a reader at least */
    totals.sample = g_string_new(NULL);
    read = read_pages(file, doc, pages, options, mode, &totals, sink, err);
    /* a text layer that reads as nonsense (fonts without a Unicode map):
     * the whole document by OCR, as --ocr auto promises */
    if (!read && err->kind == KP_ERR_NO_TEXT && mode == KP_OCR_AUTO && !totals.ocr_unavailable &&
        !totals.ocr_refused && totals.ocr_pages == 0) {
        kp_error_clear(err);
        g_string_free(totals.sample, TRUE);
        memset(&totals, 0, sizeof totals);
        totals.sample = g_string_new(NULL);
        sink->restart(sink->ctx);
        read = read_pages(file, doc, pages, options, KP_OCR_ALWAYS, &totals, sink, err);
    }
    if (!read)
        goto out;
    source->name = g_filename_display_basename(file); /* UTF-8, whatever the file system's */
    sha256_hex(data, len, source->sha256);
    source->is_pdf = true;
    source->pages = pages;
    source->ocr_pages = totals.ocr_pages;
out:
    if (totals.sample)
        g_string_free(totals.sample, TRUE);
    if (gerr)
        g_error_free(gerr);
    if (doc)
        g_object_unref(doc);
    return read;
}

kp_grid *pdf_load(const char *file, const char *data, size_t len, const kp_pdf_options *options,
                  kp_source *source, kp_error *err)
{
    kp_grid *grid = grid_new();
    kp_line_sink sink = grid_sink(grid);
    if (!pdf_read(file, data, len, options, source, &sink, err)) {
        grid_free(grid);
        return NULL;
    }
    return grid;
}
