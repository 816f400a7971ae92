/* kpipe — cell text: what every stage does to the text of a cell (wrapping,
 * spaces, the key names are compared by, radicals read as kanji). No
 * geometry: figures, checks and diffs include this, never the page model. */
#ifndef KPIPE_CELLTEXT_H
#define KPIPE_CELLTEXT_H

#include <glib.h>
#include <stdbool.h>

/* Each returns a newly allocated string. */
/* Joins text wrapped inside a cell: a whitespace run goes when a Japanese
 * character stands on either side of it, else becomes one space; the ends
 * are trimmed. */
char *cell_unwrap(const char *s);
/* Removes every whitespace character (figure cells). */
char *cell_strip_spaces(const char *s);
/* NFKC (valid UTF-8 in; the text as it is where GLib refuses it), in time
 * linear in the text. */
char *cell_nfkc(const char *s);
/* NFKC with all whitespace removed: the key for comparing names. */
char *cell_key(const char *s);
/* Do A and B have one key: the same name but for width (（ and (, ｋｍ and
 * km) and where a cell wrapped it? */
bool cell_same_key(const char *a, const char *b);
/* The edit distance between the keys of A and B, in characters; MOST + 1
 * when it is more than MOST. */
guint cell_key_distance(const char *a, const char *b, guint most);
/* True for a character after which a wrapped line joins without a space. */
bool char_is_japanese(gunichar c);
/* The kanji a radical stands for where fonts share one glyph between them
 * (⾧ and ⻑ for 長); any other character as it is. */
gunichar char_from_radical(gunichar c);

#endif
