/* kpipe — OCR: a page image (a scan) to the page model, glyph boxes and
 * ruling lines, as the text path makes them (see page.h). Tesseract reads
 * each table cell inside its borders, the borders masked out, then the text
 * outside the tables; every glyph keeps Tesseract's confidence. The caller
 * renders the page (pdf.c) and straightens it with ocr_skew_degrees. */
#ifndef KPIPE_OCR_H
#define KPIPE_OCR_H

#include <stdbool.h>

#include "kpipe/error.h"
#include "kpipe/page.h"

/* When pages are read by OCR (--ocr). */
typedef enum kp_ocr_mode {
    KP_OCR_AUTO = 0,   /* pages without a usable text layer */
    KP_OCR_ALWAYS,     /* every page, its text layer ignored */
    KP_OCR_NEVER,      /* none: a page without text is an error */
} kp_ocr_mode;

/* Resolution pages are rendered at for OCR: Tesseract reads 10 pt type well
 * at 300 dpi (x-height of ~20 px), and no better beyond. */
#define KP_OCR_DPI 300.0

/* A Tesseract engine with the Japanese model; one a process (it is not
 * shared between threads). */
typedef struct kp_ocr kp_ocr;

/* NULL with ERR set (KP_ERR_NO_TEXT: the page cannot be read without it)
 * when Tesseract or its Japanese data is missing. */
kp_ocr *ocr_new(kp_error *err);
void ocr_free(kp_ocr *ocr);

/* The skew of a page image (RGB24), in degrees, counter-clockwise positive:
 * the angle at which its long rulings (or, lacking them, its text lines) lie
 * straightest. 0 for a page with too little ink to tell. */
double ocr_skew_degrees(const unsigned char *data, int width, int height, int stride);

/* Reads the straightened page image DATA (RGB24, SCALE px a point) into
 * PAGE's glyphs and rulings (PAGE's arrays are replaced). */
void ocr_read_page(kp_ocr *ocr, unsigned char *data, int width, int height, int stride,
                   double scale, kp_page *page);

#endif
