-- The role the pipeline writes with: it reads and writes the rows of every table (crawl,
-- process, enrich, checks, report) but owns nothing, so it cannot create, alter or drop
-- tables; migrations stay with the schema owner. Logins are made members of it
-- (`wxrb db create-login NAME --role loader`, docs/deploy.md "Database roles").
-- Like wxrb_analyst (0010), a server where the migrating user may not create roles skips
-- this with a notice: create the role by hand there, then run `wxrb db upgrade` again.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wxrb_loader') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE wxrb_loader NOLOGIN;
        ELSE
            RAISE NOTICE 'role wxrb_loader not created: % may not create roles', current_user;
        END IF;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- created by a migration of another database at the same moment
END
$$;

-- The grants are in sql/views/98_loader_grants.sql, applied after every schema change.
