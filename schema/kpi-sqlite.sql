-- kpi-sqlite, version 2 (PRAGMA user_version): every edition kpipe ingests.
-- kpipe compiles this file in and runs it on a new database; an older one is
-- brought up to date by the migrations in src/store.c, one version a step.
-- Figures keep their exact decimal (value_text) beside a number for queries.

-- A plan: one municipality's strategy for one period (第1期, 第2期 stay
-- apart). '' and 0 stand for a municipality or period a document does not
-- print, so that such editions still meet.
CREATE TABLE plan (
    id            INTEGER PRIMARY KEY,
    municipality  TEXT NOT NULL,
    first_fy      INTEGER NOT NULL,
    last_fy       INTEGER NOT NULL,
    UNIQUE (municipality, first_fy, last_fy)
) STRICT;

-- An edition: one document, known by its bytes' SHA-256.
CREATE TABLE document (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('pdf', 'text')),
    pages         INTEGER,
    municipality  TEXT,
    title         TEXT,
    first_fy      INTEGER,
    last_fy       INTEGER,
    edition_fy    INTEGER,          -- the latest fiscal year with actuals
    plan_id       INTEGER NOT NULL REFERENCES plan (id),
    seq           INTEGER NOT NULL, -- order of ingestion, for editions of one year
    kpi_json      TEXT NOT NULL     -- the document as kpipe extract writes it
) STRICT;

CREATE TABLE goal (
    document_id   INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    title         TEXT,
    PRIMARY KEY (document_id, number)
) STRICT;

CREATE TABLE measure (
    document_id   INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    goal          INTEGER NOT NULL,
    number        INTEGER NOT NULL,
    title         TEXT,
    PRIMARY KEY (document_id, goal, number)
) STRICT;

-- A KPI keeps one identity across the editions of its plan: rows are matched
-- to the previous edition's as kpipe diff matches them (by goal and KPI name,
-- then by number), so a renamed or renumbered row follows its KPI.
CREATE TABLE kpi (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plan (id),
    goal          INTEGER NOT NULL,
    name          TEXT NOT NULL     -- as the newest edition names it
) STRICT;

CREATE TABLE row (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    kpi_id        INTEGER NOT NULL REFERENCES kpi (id),
    goal          INTEGER NOT NULL,
    number        INTEGER NOT NULL,
    measure       INTEGER,
    kpi_name      TEXT,
    relisted      INTEGER NOT NULL,
    direction     TEXT,             -- the assessment, as in kpi-json
    latest_fy     INTEGER,
    latest_value  REAL,
    progress      REAL,
    status        TEXT,
    page          INTEGER,
    line          INTEGER
) STRICT;
CREATE INDEX row_kpi ON row (kpi_id);
CREATE INDEX row_document ON row (document_id);

CREATE TABLE figure (
    row_id        INTEGER NOT NULL REFERENCES row (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('baseline', 'actual', 'target', 'achievement')),
    fy            INTEGER,
    value_text    TEXT,             -- the exact decimal ("220000000"), NULL for no figure
    value         REAL,
    unit          TEXT,
    text          TEXT NOT NULL,    -- as printed
    cumulative    INTEGER NOT NULL,
    qualifier     TEXT,
    note          TEXT
) STRICT;
CREATE INDEX figure_row ON figure (row_id, kind, fy);

CREATE TABLE evaluation (
    row_id        INTEGER NOT NULL REFERENCES row (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    heading       TEXT,
    mark          TEXT NOT NULL,
    meaning       TEXT
) STRICT;

CREATE TABLE diagnostic (
    document_id   INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    severity      TEXT NOT NULL,
    code          TEXT NOT NULL,
    message       TEXT NOT NULL,
    goal          INTEGER,
    row           INTEGER,
    field         TEXT,
    page          INTEGER,
    line          INTEGER
) STRICT;

-- Editions of each plan in order, each with the one before it.
CREATE VIEW edition AS
SELECT d.id AS document_id, d.plan_id, d.edition_fy, d.seq,
       lag(d.id) OVER (PARTITION BY d.plan_id ORDER BY d.edition_fy, d.seq) AS previous_id
FROM document d;

-- Each KPI's figure of each kind and fiscal year, from the newest edition
-- that prints it.
CREATE VIEW latest_figure AS
SELECT p.municipality, p.first_fy, p.last_fy, k.id AS kpi_id, k.goal, k.name AS kpi,
       f.kind, f.fy, f.value_text, f.value, f.unit, f.text, f.note,
       d.edition_fy AS edition, d.name AS document
FROM figure f
JOIN row r ON r.id = f.row_id
JOIN document d ON d.id = r.document_id
JOIN kpi k ON k.id = r.kpi_id
JOIN plan p ON p.id = k.plan_id
WHERE NOT EXISTS (
    SELECT 1 FROM figure f2
    JOIN row r2 ON r2.id = f2.row_id
    JOIN document d2 ON d2.id = r2.document_id
    WHERE r2.kpi_id = r.kpi_id AND f2.kind = f.kind AND f2.fy IS f.fy
      AND (d2.edition_fy > d.edition_fy OR (d2.edition_fy IS d.edition_fy AND d2.seq > d.seq)));

-- A published actual whose value or unit changed from one edition to the
-- next (the pairs kpipe diff calls revised).
CREATE VIEW revision AS
SELECT p.municipality, k.id AS kpi_id, k.goal, k.name AS kpi, n.fy,
       o.text AS old_text, o.value_text AS old_value, o.unit AS old_unit, od.name AS old_document,
       n.text AS new_text, n.value_text AS new_value, n.unit AS new_unit, nd.name AS new_document,
       od.edition_fy AS old_edition, nd.edition_fy AS new_edition
FROM edition e
JOIN document nd ON nd.id = e.document_id
JOIN document od ON od.id = e.previous_id
JOIN row nr ON nr.document_id = nd.id
JOIN row orow ON orow.document_id = od.id AND orow.kpi_id = nr.kpi_id
JOIN figure n ON n.row_id = nr.id AND n.kind = 'actual'
JOIN figure o ON o.row_id = orow.id AND o.kind = 'actual' AND o.fy = n.fy
JOIN kpi k ON k.id = nr.kpi_id
JOIN plan p ON p.id = k.plan_id
WHERE o.value_text IS NOT n.value_text OR o.unit IS NOT n.unit
   OR (n.value_text IS NOT NULL AND o.cumulative != n.cumulative);

-- Each KPI as its newest edition assesses it: latest actual, target,
-- progress and status (kpi-json's assessment).
CREATE VIEW kpi_progress AS
SELECT p.municipality, p.first_fy, p.last_fy, k.id AS kpi_id, k.goal, k.name AS kpi,
       r.latest_fy, r.latest_value, t.text AS target, t.value AS target_value, t.fy AS target_fy,
       r.progress, r.status, r.direction, d.edition_fy AS edition, d.name AS document
FROM kpi k
JOIN plan p ON p.id = k.plan_id
JOIN row r ON r.kpi_id = k.id
JOIN document d ON d.id = r.document_id
LEFT JOIN figure t ON t.row_id = r.id AND t.kind = 'target'
WHERE NOT EXISTS (
    SELECT 1 FROM row r2 JOIN document d2 ON d2.id = r2.document_id
    WHERE r2.kpi_id = k.id
      AND (d2.edition_fy > d.edition_fy OR (d2.edition_fy IS d.edition_fy AND d2.seq > d.seq)));

-- What the checks found, with the document it was found in.
CREATE VIEW finding AS
SELECT d.name AS document, d.municipality, d.edition_fy AS edition, x.severity, x.code,
       x.message, x.goal, x.row, x.field, x.page, x.line
FROM diagnostic x JOIN document d ON d.id = x.document_id;

PRAGMA user_version = 2;
