/* kpipe — messages in the reader's language (GNU gettext, domain "kpipe";
 * catalogues in po/, built by make). The library only looks messages up;
 * main.c chooses the language and binds the catalogues, so the tests and
 * fuzzers, which bind none, see the English. */
#ifndef KPIPE_I18N_H
#define KPIPE_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define KP_TEXT_DOMAIN "kpipe"
#define _(s) dgettext(KP_TEXT_DOMAIN, s)
#undef ngettext
#define ngettext(one, many, n) dngettext(KP_TEXT_DOMAIN, one, many, n)
#define N_(s) s

/* Are messages being given in Japanese? (Places are then named as the
 * document names them: 基本目標2 No.4 R2年度 実績値.) */
bool messages_in_japanese(void);

#endif
