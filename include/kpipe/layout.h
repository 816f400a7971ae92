/* kpipe — the layout: pages (glyphs and rulings) to the grid. Tables are
 * rebuilt from rulings (merged cells kept as spans, their text in the
 * top-left cell), text outside tables becomes lines, and a table that runs
 * onto the next page is joined to its first part. */
#ifndef KPIPE_LAYOUT_H
#define KPIPE_LAYOUT_H

#include "kpipe/grid.h"
#include "kpipe/page.h"

/* Accumulates pages into one grid: tables rebuilt from rulings (merged cells
 * kept as spans, their text in the top-left cell), text outside tables as
 * lines, and a table that runs onto the next page joined to its first part
 * with its repeated heading rows dropped. Pages may be released once added. */
typedef struct kp_layout kp_layout;
kp_layout *layout_new(void);
void layout_add_page(kp_layout *layout, const kp_page *page);
/* The lines laid out since the last call (a table that may go on to the
 * next page, and lines deferred behind it, not yet among them): they are
 * final, and the caller's. */
kp_grid *layout_take(kp_layout *layout);
/* The grid of all pages added (since the last layout_take); frees LAYOUT. */
kp_grid *layout_finish(kp_layout *layout);

#endif
