-- A read-only role for analysts: it reads every table and view of the schema, now and later,
-- and can write nothing. Log-in users are made members of it (README "Analyst access").
-- Roles belong to the whole server: the role is created once; a server where the migrating
-- user may not create roles skips that step with a notice (create the role by hand there).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wxrb_analyst') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE wxrb_analyst NOLOGIN;
        ELSE
            RAISE NOTICE 'role wxrb_analyst not created: % may not create roles', current_user;
        END IF;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- created by a migration of another database at the same moment
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wxrb_analyst') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO wxrb_analyst', current_database());
        GRANT USAGE ON SCHEMA public TO wxrb_analyst;
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO wxrb_analyst;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO wxrb_analyst;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO wxrb_analyst;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO wxrb_analyst;
    END IF;
END
$$;
