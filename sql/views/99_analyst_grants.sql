-- Re-applied on every upgrade, after the views (sql/migrations/0010 creates the role): the read-only role reads every table and view
-- and runs the functions. When an administrator creates wxrb_analyst after the migration that
-- would have created it (sql/migrations/0010), the next `wxrb db upgrade` grants it all.
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
