-- Every committed write of a job's row NOTIFYs its id on fedflow_job (delivered at commit, once per distinct
-- id in a transaction), whichever process or statement made it: the processes of a site sharing this database
-- drop what they keep of that job's job/query answers (JobQueryCache).
-- [jooq ignore start]
CREATE FUNCTION fedflow_job_notify() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('fedflow_job', OLD.f_job_id);
    ELSE
        PERFORM pg_notify('fedflow_job', NEW.f_job_id);
        IF TG_OP = 'UPDATE' AND NEW.f_job_id <> OLD.f_job_id THEN
            PERFORM pg_notify('fedflow_job', OLD.f_job_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER t_job_notify
    AFTER INSERT OR UPDATE OR DELETE ON t_job
    FOR EACH ROW EXECUTE FUNCTION fedflow_job_notify();
-- [jooq ignore stop]
