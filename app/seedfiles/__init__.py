"""The reviewed seed data: file shapes, loading and cross-file checks."""
