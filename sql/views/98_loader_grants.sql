-- Re-applied after every migration and whenever a group role appears (sql/migrations/0013
-- creates it): the pipeline's role reads and writes the rows of every table, uses the
-- sequences and runs the functions, but owns nothing and so cannot create, alter or drop.
-- The default privileges cover tables the schema owner creates later.
-- MAINTAIN (PostgreSQL 17+) lets it VACUUM, ANALYZE and REFRESH MATERIALIZED VIEW the
-- tables without owning them; older servers skip those on tables it does not own.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wxrb_loader') THEN
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO wxrb_loader', current_database());
        GRANT USAGE ON SCHEMA public TO wxrb_loader;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO wxrb_loader;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO wxrb_loader;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO wxrb_loader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wxrb_loader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO wxrb_loader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO wxrb_loader;
        IF current_setting('server_version_num')::int >= 170000 THEN
            EXECUTE 'GRANT MAINTAIN ON ALL TABLES IN SCHEMA public TO wxrb_loader';
            EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT MAINTAIN ON TABLES TO wxrb_loader';
        END IF;
    END IF;
END
$$;
