#!/bin/sh
# Runs once, as the image's superuser, on an empty data directory (docker-entrypoint-initdb.d). The superuser stays the
# DBA's; the services never use it. Same logins as scripts/services: corrections owns the database and migrates;
# corrections_worker (corrections_writer: rows, no DDL) is the worker's; operator (corrections_operator) is the CLI's.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE corrections LOGIN CREATEDB CREATEROLE PASSWORD 'corrections';
CREATE ROLE corrections_writer NOLOGIN;
CREATE ROLE corrections_operator NOLOGIN IN ROLE corrections_writer;
CREATE ROLE corrections_audit NOLOGIN;
CREATE ROLE corrections_worker LOGIN PASSWORD 'corrections_worker' IN ROLE corrections_writer;
CREATE ROLE operator LOGIN PASSWORD 'operator' IN ROLE corrections_operator;
GRANT corrections_writer, corrections_operator, corrections_audit TO corrections WITH ADMIN OPTION;
CREATE DATABASE corrections OWNER corrections;
SQL
