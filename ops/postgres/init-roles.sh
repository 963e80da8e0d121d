#!/usr/bin/env bash
# PostgreSQL's first start (docker-compose mounts this into /docker-entrypoint-initdb.d): the login users of the
# three kinds the schema expects (sql/migrations/V10__least_privilege_roles.sql):
#   fraud_owner    owns the schema and runs the migrations (postgres.migrationUrl, ops/keys.sh)
#   fraud_app      the nodes (postgres.url), a member of fraud_writer: records decisions, cannot change them
#   fraud_reader   analysts, a member of fraud_analyst: the masked views of schema analyst only
# Passwords come from the environment (docker-compose's .env or your secrets); none is a superuser.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE fraud_writer NOLOGIN;
CREATE ROLE fraud_analyst NOLOGIN;
CREATE ROLE fraud_owner LOGIN PASSWORD '${FRAUD_OWNER_PASSWORD}';
CREATE ROLE fraud_app LOGIN PASSWORD '${FRAUD_APP_PASSWORD}' IN ROLE fraud_writer;
CREATE ROLE fraud_reader LOGIN PASSWORD '${FRAUD_READER_PASSWORD}' IN ROLE fraud_analyst;
GRANT CONNECT ON DATABASE "$POSTGRES_DB" TO fraud_owner, fraud_app, fraud_reader;
GRANT CREATE ON DATABASE "$POSTGRES_DB" TO fraud_owner;
ALTER SCHEMA public OWNER TO fraud_owner;
SQL
