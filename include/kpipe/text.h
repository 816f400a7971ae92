/* kpipe — text input: tables already pulled out of a PDF, as tab-separated
 * lines in UTF-8 or Shift_JIS (CP932). */
#ifndef KPIPE_TEXT_H
#define KPIPE_TEXT_H

#include <stddef.h>

#include "kpipe/error.h"
#include "kpipe/grid.h"
#include "kpipe/model.h"

/* Decodes BYTES to UTF-8: UTF-8 (a BOM is dropped) as it is, else CP932
 * through iconv. FILE names the input in errors, which give the line of the
 * first byte that is neither (exit 2). Newly allocated. */
char *text_decode(const char *bytes, size_t len, const char *file, kp_error *err);

/* Splits decoded text into grid lines: one line a line, cells at tabs;
 * radicals standing for kanji are read as the kanji (char_from_radical). */
kp_grid *text_to_grid(const char *utf8);

/* The grid of text already read (DATA, LEN bytes of FILE): fills SOURCE
 * (name, sha256, type text); NULL with ERR set on failure. */
kp_grid *text_read(const char *file, const char *data, size_t len, kp_source *source,
                   kp_error *err);

/* Reads FILE whole: fills SOURCE (name, sha256, type text) and returns its
 * grid; NULL with ERR set on failure. */
kp_grid *text_load(const char *file, kp_source *source, kp_error *err);

/* Reads a whole file; NULL with ERR set (exit 2) on failure. */
char *file_read_all(const char *file, size_t *len, kp_error *err);
/* Lower-case hex SHA-256 of DATA into OUT (65 bytes). */
void sha256_hex(const char *data, size_t len, char out[65]);

#endif
