/* kpipe — the parse stage's shared state (private to parse.c, table.c,
 * roles.c and legend.c): the parser walking the grid, and the detail table
 * it is reading. */
#ifndef KPIPE_PARSER_H
#define KPIPE_PARSER_H

#include "kpipe/parse.h"
#include "kpipe/celltext.h"
#include "kpipe/quantity.h"

/* ---- column roles (roles.c) ---------------------------------------------- */

typedef enum {
    ROLE_NONE,
    ROLE_NO,
    ROLE_GOAL,
    ROLE_MEASURE,
    ROLE_PROJECTS,
    ROLE_ACTIVITIES,
    ROLE_KPI,
    ROLE_INDICATOR,
    ROLE_BASELINE,
    ROLE_CURRENT,
    ROLE_ACTUAL,
    ROLE_TARGET,
    ROLE_TARGET_DATE,
    ROLE_UNIT,
    ROLE_ACHIEVEMENT,
    ROLE_VERDICT,
    ROLE_REMARK,
    ROLE_DEPARTMENT,
} column_role;

typedef struct {
    column_role role;
    int fy;            /* a year named in the heading, 0 if none */
    char *heading;     /* as printed, letter-spacing removed */
} column_info;

typedef struct parser parser;
typedef struct detail_table detail_table;

/* What a row's cells give before its figures are read (the first pass). */
typedef struct {
    parser *p;
    detail_table *t;
    kp_row *row;
    const char *unit;      /* for bare numbers: 単位 column, KPI name, table */
    char *unit_owned;
    int target_fy;         /* from a 目標年月 column */
    float confidence;      /* OCR's in the cell being read (grid.h) */
    float unit_confidence; /* OCR's in the 単位 cell that gave unit */
} row_context;

/* The role of a heading (NFKC, spaces removed), by the col-* rules in the
 * order of the role table; FY receives a year named in it. */
column_role role_of_heading(const kp_rules *rules, const char *key, int *fy);
/* The words of rules/ocr.rules (word) that line_mended mends toward;
 * freed by mend_words_free (mend.c). */
GArray *mend_words(const kp_rules *rules);
void mend_words_free(GArray *words);
/* A copy of LINE with WORDS mended where OCR misread one character of
 * them; freed by grid_line_free. */
kp_grid_line *line_mended(const kp_grid_line *line, const GArray *words);
/* In a document read by OCR, the roles of T's columns whose heading no rule
 * names, from their place, and the years of headings that lost their era
 * (ocrfix.c). */
void table_columns_mended(parser *p, detail_table *t);
/* In a document read by OCR, T's measure column, if it has none: the first
 * column no rule names whose cell of CELLS (a row's) is a numbered measure. */
void table_measure_column_found(parser *p, detail_table *t, GPtrArray *cells);
/* A figure read with one or two characters before it that no rule reads as
 * a qualifier or a sign (人へ320人): a mark misread? */
bool figure_stray_prefix(const kp_quantity *q);
/* Is TEXT, a figure where a rate was wanted (UNIT %), without its %? */
bool percent_sign_lost(const char *text, const char *unit);
/* Q, read by OCR, or Q read again where its misread is a known one (% as
 * 96, △ as A or 人); *MENDED set when it was (ocrfix.c). */
kp_quantity *figure_mended(const kp_rules *rules, kp_quantity *q, const kp_figure_context *fc,
                           kp_figure_check *check, bool *mended);
/* In a row read by OCR, each figure whose counter is one misread character
 * from the unit of the row's other figures (bare or with a scale word) is
 * read again in that unit (ocrfix.c). */
void row_units_mended(const kp_rules *rules, kp_row *row);
/* In a row read by OCR, each figure whose decimal point was lost (15倍
 * beside 1.2倍 and 1.8倍) or its scale word (112,178円 beside 98,500千円)
 * taken with it, and said (ocr-uncertain) (ocrfix.c). */
void row_magnitudes_mended(parser *p, int goal, kp_row *row);
/* The group of marks OCR takes C for (rules/ocr.rules mark-confusable:
 * ○〇O…), C among them, or NULL. */
const char *mark_group_of(const kp_rules *rules, gunichar c);
/* The same for a heading read by OCR: where no rule names it, it is tried
 * again with each character that rules/ocr.rules lists as confusable read
 * as its partner (KPL as KPI). */
column_role role_of_read_heading(const kp_rules *rules, const char *key, int *fy);
/* role_of_read_heading where the document was read by OCR, else
 * role_of_heading. */
column_role parser_heading_role(const parser *p, const char *key, int *fy);
const char *role_name(column_role role);
bool role_is_figure(column_role role);
/* Reads one cell of ROW by its column's role: first pass (context) or second
 * (everything else). */
void role_read(row_context *ctx, const column_info *col, const char *cell, int pass);
/* The unit that ends a KPI name (…被害額(千円)), for the row's bare numbers. */
void unit_from_kpi_name(row_context *ctx, const char *name);
/* Checks that every role's heading rule is in the rules (exit 2 when not). */
bool roles_rules_check(const kp_rules *rules, kp_error *err);

/* ---- detail tables (table.c) --------------------------------------------- */

struct detail_table {
    kp_goal *goal;
    GPtrArray *heading_lines; /* GPtrArray * of char *: the heading lines */
    GArray *columns;          /* column_info */
    bool ready;               /* columns classified */
    int no_col;               /* -1: rows are not numbered */
    bool has_baseline;        /* a 基準値 column besides any 現状値 */
    bool indicators;          /* its rows are goal-level 数値目標 */
    char *unit;               /* (単位:…) of the table, or NULL */
    GPtrArray *pending;       /* GString * per cell of the row being collected */
    GArray *pending_confidence; /* float per cell of it: OCR's least (grid.h) */
    kp_location pending_where;
    kp_location where;        /* its first heading line */
    guint first_line;         /* grid index of its first heading line */
    int last_measure;
    char *last_kpi;
    kp_row *last_row;         /* for the prose rows under it */
    bool year_missing_said;
    char *kpi_line;           /* no KPI column: the KPI named by the line above */
    int line_measure;         /* no measure column: the measure line above */
    int figures, malformed;   /* figure cells read, and how many were not figures */
};

/* Is LINE, from cell FROM, a line of column headings: at least MIN_KNOWN
 * cells, and half of its cells, name a role, and none is a figure? FIGURES
 * receives whether it names a figure column. */
bool line_is_heading(const parser *p, const kp_grid_line *line, guint from, guint min_known,
                     bool *figures);
/* Is CELL a row number (rule row-number, after NFKC)? */
bool cell_is_row_number(const parser *p, const char *cell);
/* The first non-blank cell of LINE (its length when none). */
guint first_nonblank(const kp_grid_line *line);
/* Does LINE, from cell FROM, head a detail table (headings, a figure's among them)? */
bool headings_after(const parser *p, const kp_grid_line *line, guint from);
/* The table's rows belong to goal NUMBER (TITLE taken over) from now on. */
void table_switch_goal(parser *p, detail_table *t, int number, char *title,
                       const kp_location *where);
void table_begin(parser *p, kp_goal *goal, const kp_grid_line *line, guint index);
/* Returns false when LINE does not belong to the table. */
bool table_line(parser *p, const kp_grid_line *line);
void table_end(parser *p);
kp_quantity *table_figure(row_context *ctx, const char *cell, const char *field,
                          const char *unit);

/* ---- the parser (parse.c) ------------------------------------------------ */

typedef struct {
    char *scope;              /* the heading it is printed under, or "" */
    GPtrArray *marks;         /* char * */
    GPtrArray *meanings;      /* char * */
} legend;

typedef struct {
    char *text;               /* cells joined, letter-spacing removed */
    double size;
    kp_location where;
} front_line;

struct parser {
    const kp_rules *rules;
    kp_document *doc;
    int tables, summary_goals, detail_goals, rows; /* how many read so far */
    kp_goal *goal;               /* the goal the lines now belong to */
    kp_goal *summary_goal;
    kp_measure *summary_measure;
    int sum_goal_col, sum_measure_col, sum_kpi_col; /* a summary list printed as a table */
    detail_table *table;
    char *table_unit;            /* (単位:…) printed above the next table */
    char *kpi_line;              /* 指標：… printed just above the next table */
    int line_measure;            /* the measure of a lone ①… line above */
    int report_fy;               /* 平成28年度実績 in the title lines */
    GPtrArray *legends;          /* legend * */
    GPtrArray *front;            /* front_line *, before the first goal */
    bool front_done;
    GArray *notes;               /* kp_table_note, or NULL */
    float ocr_floor;             /* a figure OCR read with less confidence is
                                  * uncertain (rules/ocr.rules) */
};

/* Number of a numbering token: a circled numeral, a Roman numeral or digits. */
int numbering_value(const char *token);
/* Matches a numbered structure rule (goal, measure) on CELL: NUMBER and TITLE. */
bool match_numbered(const parser *p, const char *name, const char *cell, int *number,
                    char **title);
bool cell_blank(const char *s);
guint nonblank_cells(const kp_grid_line *line);
char *nfkc(const char *s);
/* A heading as shown: wrapping and letter-spacing ("K P I", "基 準 値") removed. */
char *heading_text(const char *s);
/* The goal NUMBER, created and marked as having a detail table. */
kp_goal *detail_goal(parser *p, int number, char *title, const kp_location *where);
/* CELL with its wrapping (ASCII and ideographic spaces) taken off. */
char *trimmed(const char *s);
/* An ocr-uncertain warning MESSAGE (taken) about goal GOAL, at WHERE or
 * NULL, once however often the cell that gives it is read. */
void say_once(const parser *p, int goal, const kp_location *where, char *message);

/* ---- a goal's measures (measure.c) --------------------------------------- */

/* A measure of GOAL named by CELL (①title, or a title alone, numbered in order
 * of first appearance); 0 when CELL names none. */
int measure_of_cell(parser *p, kp_goal *goal, const char *cell, const kp_location *where,
                    bool detail);

/* ---- verdict legends (legend.c) ------------------------------------------ */

/* Reads the legend entries of a line of text, if it is a legend. */
void legend_scan(parser *p, const char *text);
/* Gives each evaluation of the document its meaning from the legends. */
void legend_apply(parser *p);
void legend_free(gpointer p);

#endif
