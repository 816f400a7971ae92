/* kpipe — PDF input through poppler-glib: each page's glyph boxes and ruling
 * lines, handed to layout.c one page at a time. */
#ifndef KPIPE_PDF_H
#define KPIPE_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "kpipe/error.h"
#include "kpipe/layout.h"
#include "kpipe/model.h"
#include "kpipe/ocr.h"

typedef struct kp_pdf_options {
    const char *password;   /* NULL: none */
    int max_pages;          /* 0: no limit */
    double time_limit;      /* seconds for one file; 0: none */
    int readers;            /* processes reading pages side by side (one at least,
                               so that the time limit and memory cap stop any
                               page); 0: read in this process (as a library or a
                               fuzzer wants) */
    kp_ocr_mode ocr;        /* which pages are read by OCR (auto: those
                               without a usable text layer) */
} kp_pdf_options;

/* True when DATA starts like a PDF (the header may follow a few junk bytes,
 * as readers allow). */
bool pdf_sniff(const char *data, size_t len);

/* Reads the PDF FILE (its bytes DATA, LEN) into a grid of rebuilt tables and
 * text lines; fills SOURCE (type pdf, pages). NULL with ERR set (exit 2) for
 * a damaged or encrypted file, or one without a text layer. */
kp_grid *pdf_load(const char *file, const char *data, size_t len, const kp_pdf_options *options,
                  kp_source *source, kp_error *err);
/* pdf_load with the lines handed to SINK as each page is laid out, not
 * gathered: no more than a page or an unfinished table is held. On failure
 * (false, ERR set) what SINK was given is void. */
bool pdf_read(const char *file, const char *data, size_t len, const kp_pdf_options *options,
              kp_source *source, const kp_line_sink *sink, kp_error *err);

#endif
