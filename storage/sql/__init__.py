"""The storage logic shared by every SQL backend, written once against a small ``Tx`` interface.

Queries use ``?`` placeholders and pass Python values (datetime, date, bool, int, str); each
backend's Tx adapts them (SQLite stores ISO text, PostgreSQL its own types) and returns rows
readable by column name. Backends: storage/sqlite (embedded default), storage/postgres.
"""
