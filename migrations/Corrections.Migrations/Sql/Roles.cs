namespace Corrections.Migrations.Sql;

/// <summary>
/// Two group roles, so that nobody needs the owner's rights day to day: <c>corrections_writer</c> (the services: read
/// and write rows, no DDL; migrations stay with the owner) and <c>corrections_audit</c> (SELECT on the four audit views
/// and nothing else: no raw inputs, no writes). Logins are granted membership by the operator. Roles are cluster-wide,
/// so they are created only if missing, and only when the migrating user may create roles; otherwise the migration says
/// so and leaves the grants to a DBA.
/// </summary>
internal static class Roles
{
    public const string Create = """
        DO $$
        DECLARE
            may_create boolean;
        BEGIN
            SELECT rolsuper OR rolcreaterole INTO may_create FROM pg_roles WHERE rolname = current_user;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_audit') THEN
                IF NOT may_create THEN
                    RAISE NOTICE 'corrections_audit / corrections_writer not created: % may not create roles', current_user;
                    RETURN;
                END IF;
                CREATE ROLE corrections_audit NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN
                IF NOT may_create THEN
                    RETURN;
                END IF;
                CREATE ROLE corrections_writer NOLOGIN;
            END IF;
            EXECUTE 'GRANT USAGE ON SCHEMA corrections TO corrections_audit, corrections_writer';
            EXECUTE 'GRANT SELECT ON corrections.audit_reports, corrections.audit_versions, corrections.audit_validations, corrections.audit_promotions TO corrections_audit';
            EXECUTE 'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA corrections TO corrections_writer';
            EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA corrections TO corrections_writer';
            -- Tables later migrations add (created by this same owner) are the writer's too.
            EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA corrections GRANT SELECT, INSERT, UPDATE ON TABLES TO corrections_writer';
            EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA corrections GRANT USAGE, SELECT ON SEQUENCES TO corrections_writer';
        END
        $$;
        """;

    public const string Revoke = """
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_audit') THEN
                EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA corrections FROM corrections_audit';
                EXECUTE 'REVOKE USAGE ON SCHEMA corrections FROM corrections_audit';
            END IF;
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN
                EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA corrections FROM corrections_writer';
                EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA corrections FROM corrections_writer';
                EXECUTE 'REVOKE USAGE ON SCHEMA corrections FROM corrections_writer';
            END IF;
        END
        $$;
        """;
}
