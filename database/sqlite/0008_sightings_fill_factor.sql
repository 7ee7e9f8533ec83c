-- Nothing changes on SQLite: its B-tree pages have no fill factor, and a row updated in place keeps
-- its size (PostgreSQL's 0008 leaves room on the page for the daily merge's updates).
SELECT 1;
