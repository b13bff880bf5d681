"""Search: one interface (:mod:`app.search.base`), two backends (embedded, Meilisearch)."""
