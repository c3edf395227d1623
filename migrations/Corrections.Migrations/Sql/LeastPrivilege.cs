namespace Corrections.Migrations.Sql;

/// <summary>
/// Least privilege, enforced by the database rather than by the code that happens to run:
/// <list type="bullet">
/// <item><c>corrections_writer</c> (the worker) keeps SELECT, INSERT and UPDATE, but only SELECT and INSERT on the
/// three records of what happened (<c>promotions</c>, <c>validations</c>, <c>edits</c>) and only SELECT on
/// <c>producers</c>: the process that reads untrusted reports cannot enrol or re-trust a producer.</item>
/// <item><c>corrections_operator</c> (people, through the CLI) is a writer that may also manage producers and approve
/// held reports.</item>
/// <item>The three records are append-only for everyone, the owner included: a trigger refuses UPDATE, DELETE and
/// TRUNCATE.</item>
/// <item>Who did something is the database's <c>session_user</c>, written by triggers over whatever the client sent:
/// <c>promotions.actor</c>, <c>producers.created_by</c> / <c>revoked_by</c> and <c>reports.approved_by</c>
/// (<c>model_versions.created_by</c> stays the writer's: it carries the run that made a version, which
/// <c>corrections retrain</c> waits for). Only the operator role decides a candidate awaiting approval. Only the operator role moves a held report (approves or refuses it).</item>
/// </list>
/// Roles are cluster-wide, so the operator role is created only if missing and only when the migrating user may; the
/// grants then apply to whichever roles exist.
/// </summary>
internal static class LeastPrivilege
{
    public const string Create = """
        DO $$
        DECLARE
            may_create boolean;
        BEGIN
            SELECT rolsuper OR rolcreaterole INTO may_create FROM pg_roles WHERE rolname = current_user;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_operator') AND may_create THEN
                CREATE ROLE corrections_operator NOLOGIN;
            END IF;
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN
                EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON corrections.promotions, corrections.validations, corrections.edits FROM corrections_writer';
                EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON corrections.producers FROM corrections_writer';
                -- Which migrations ran is the migrator's to say.
                EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON corrections.__ef_migrations_history FROM corrections_writer';
            END IF;
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_operator')
               AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN
                EXECUTE 'GRANT corrections_writer TO corrections_operator';
                EXECUTE 'GRANT INSERT, UPDATE ON corrections.producers TO corrections_operator';
            END IF;
        END
        $$;

        CREATE FUNCTION corrections.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'corrections.% is append-only: rows are never changed or removed', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END
        $$;

        CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON corrections.promotions
            FOR EACH ROW EXECUTE FUNCTION corrections.refuse_change();
        CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON corrections.promotions
            FOR EACH STATEMENT EXECUTE FUNCTION corrections.refuse_change();
        CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON corrections.validations
            FOR EACH ROW EXECUTE FUNCTION corrections.refuse_change();
        CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON corrections.validations
            FOR EACH STATEMENT EXECUTE FUNCTION corrections.refuse_change();
        CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON corrections.edits
            FOR EACH ROW EXECUTE FUNCTION corrections.refuse_change();
        CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON corrections.edits
            FOR EACH STATEMENT EXECUTE FUNCTION corrections.refuse_change();

        -- session_user, not current_user: a SECURITY DEFINER function cannot change who is recorded.
        CREATE FUNCTION corrections.record_promotion_actor() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- What the client said of itself (a worker's host and pid) is kept, after the identity the database proved.
            NEW.actor := left(CASE WHEN NEW.actor IS NULL OR NEW.actor = '' OR NEW.actor = session_user THEN session_user
                                   ELSE session_user || ' (' || NEW.actor || ')' END, 128);
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER record_actor BEFORE INSERT ON corrections.promotions
            FOR EACH ROW EXECUTE FUNCTION corrections.record_promotion_actor();

        CREATE FUNCTION corrections.record_producer_actors() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                NEW.created_by := session_user;
            ELSE
                NEW.created_by := OLD.created_by;
            END IF;
            IF NEW.revoked_at IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.revoked_at END) THEN
                NEW.revoked_by := CASE WHEN NEW.revoked_at IS NULL THEN NULL ELSE session_user END;
            ELSIF TG_OP = 'UPDATE' THEN
                NEW.revoked_by := OLD.revoked_by;
            END IF;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER record_actors BEFORE INSERT OR UPDATE ON corrections.producers
            FOR EACH ROW EXECUTE FUNCTION corrections.record_producer_actors();

        -- Superusers count as operators (pg_has_role says so); a cluster without the role has none.
        CREATE FUNCTION corrections.is_operator() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_operator') THEN
                RETURN EXISTS (SELECT FROM pg_roles WHERE rolname = session_user AND rolsuper);
            END IF;
            RETURN pg_has_role(session_user, 'corrections_operator', 'MEMBER');
        END
        $$;

        CREATE FUNCTION corrections.record_approver() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- A held report leaves that state only through an operator: approved, or refused.
            IF (OLD.status = 'Held' AND NEW.status <> 'Held')
               OR NEW.approved_at IS DISTINCT FROM OLD.approved_at OR NEW.approved_by IS DISTINCT FROM OLD.approved_by THEN
                IF NOT corrections.is_operator() THEN
                    RAISE EXCEPTION '% may not approve or refuse held reports: that needs the corrections_operator role', session_user
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;
            IF NEW.approved_at IS DISTINCT FROM OLD.approved_at OR NEW.approved_by IS DISTINCT FROM OLD.approved_by THEN
                NEW.approved_by := CASE WHEN NEW.approved_at IS NULL THEN NULL ELSE session_user END;
            END IF;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER record_approver BEFORE UPDATE ON corrections.reports
            FOR EACH ROW EXECUTE FUNCTION corrections.record_approver();

        -- A candidate that passed the gate but awaits approval takes production, or is refused, only by an operator.
        CREATE FUNCTION corrections.guard_approval() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.status = 'AwaitingApproval' AND NEW.status IS DISTINCT FROM OLD.status AND NOT corrections.is_operator() THEN
                RAISE EXCEPTION '% may not decide a candidate awaiting approval: that needs the corrections_operator role', session_user
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER guard_approval BEFORE UPDATE ON corrections.model_versions
            FOR EACH ROW EXECUTE FUNCTION corrections.guard_approval();
        """;

    public const string Drop = """
        DROP TRIGGER guard_approval ON corrections.model_versions;
        DROP FUNCTION corrections.guard_approval();
        DROP TRIGGER record_approver ON corrections.reports;
        DROP FUNCTION corrections.record_approver();
        DROP FUNCTION corrections.is_operator();
        DROP TRIGGER record_actors ON corrections.producers;
        DROP FUNCTION corrections.record_producer_actors();
        DROP TRIGGER record_actor ON corrections.promotions;
        DROP FUNCTION corrections.record_promotion_actor();
        DROP TRIGGER append_only ON corrections.promotions;
        DROP TRIGGER append_only_truncate ON corrections.promotions;
        DROP TRIGGER append_only ON corrections.validations;
        DROP TRIGGER append_only_truncate ON corrections.validations;
        DROP TRIGGER append_only ON corrections.edits;
        DROP TRIGGER append_only_truncate ON corrections.edits;
        DROP FUNCTION corrections.refuse_change();
        DO $$
        BEGIN
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_writer') THEN
                EXECUTE 'GRANT SELECT, INSERT, UPDATE ON corrections.promotions, corrections.validations, corrections.edits, corrections.producers, corrections.__ef_migrations_history TO corrections_writer';
            END IF;
            IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'corrections_operator') THEN
                EXECUTE 'REVOKE ALL ON corrections.producers FROM corrections_operator';
            END IF;
        END
        $$;
        """;
}
