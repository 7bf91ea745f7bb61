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

-- The grants are in sql/views/99_analyst_grants.sql, applied on every upgrade.
