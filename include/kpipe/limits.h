/* kpipe — its limits, in one place, each with its reason. PDFs come from
 * outside and CI runs kpipe unattended: every input ends in an answer, in
 * bounded time and memory. Each limit is enforced with a one-line error or a
 * diagnostic naming the value (README, "Bad input"). */
#ifndef KPIPE_LIMITS_H
#define KPIPE_LIMITS_H

/* An input (PDF, text or kpi-json) is read whole: the largest plans run to a
 * few hundred pages, a few MB; past this it is no KPI table, and reading on
 * would only spend memory (/dev/zero never ends). */
#define KP_MAX_INPUT_BYTES (256L * 1024 * 1024)

/* Lines of a text table (blank ones aside): a real plan has a few thousand;
 * memory and parse time grow with them (each row is a few KB in the model). */
#define KP_MAX_TEXT_LINES 20000

/* A rule file is a few KB; past this it is not one. */
#define KP_MAX_RULES_BYTES (1L * 1024 * 1024)

/* A rule expanded through {{NAME}}: the figure rule, the largest, is a few
 * hundred bytes; references that double at each level would grow without
 * end. */
#define KP_MAX_EXPANDED_BYTES (64 * 1024)

/* PDF passwords are cut at 127 bytes (AES-256, ISO 32000-2 7.6.4.3.3);
 * poppler 22.12 overruns its stack on longer ones. */
#define KP_MAX_PASSWORD_BYTES 127

/* A process reading PDF pages may hold this much memory (resident): far
 * above the 30 MB a real plan needs, below what a CI machine can spare. A
 * page bomb (an image or font that inflates to gigabytes, Type 3 glyphs of
 * 10^5 strokes) ends its reader, reported on its page, not the machine.
 * kpipe watches its readers' resident size, so the cap holds under the
 * sanitizers too, and the message is the same whatever ran out. */
#define KP_MAX_READER_RSS (768L * 1024 * 1024)

/* How often (ms) kpipe looks at its readers' resident size: memory touched
 * at a few GB/s grows by at most a few tens of MB between two looks. */
#define KP_READER_WATCH_MS 5

/* Memory a reader may ask for at all (RLIMIT_DATA; not under the
 * sanitizers, whose shadow memory it would count): a backstop for memory
 * asked for faster than it is touched, above the resident cap so that the
 * watch, not a failed allocation, ends a reader in the usual case. */
#define KP_MAX_READER_BYTES (2048L * 1024 * 1024)

/* Goal, measure and row numbers: a plan has a handful of goals and some
 * dozens of rows; a number beyond this is a misread, never a row. */
#define KP_MAX_NUMBER 9999

#endif
