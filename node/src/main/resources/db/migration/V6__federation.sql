-- Jobs across sites. Each site keeps rows only for the roles it holds; the initiator also keeps
-- "holder" rows (f_run_on_this_party = false) mirroring the other parties' tasks, filled by collect.

-- One row per job and site leads scheduling: the initiator's row at the initiator, the first of its
-- roles elsewhere. (f_is_initiator alone cannot: a party that is not the initiator has no such row.)
ALTER TABLE t_job ADD COLUMN f_lead BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE t_job SET f_lead = f_is_initiator;
-- At the initiator: the job's end status has not reached every party yet.
ALTER TABLE t_job ADD COLUMN f_sync_pending BOOLEAN NOT NULL DEFAULT FALSE;

-- Component messages between parties, whole once committed: chunks and header land in one transaction
-- after the payload's size and hash were checked.
CREATE TABLE t_transfer (
    f_id                     BIGSERIAL    NOT NULL,
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_tag                    VARCHAR(200) NOT NULL,
    f_src_role               VARCHAR(50)  NOT NULL,
    f_src_party_id           VARCHAR(10)  NOT NULL,
    f_dst_role               VARCHAR(50)  NOT NULL,
    f_dst_party_id           VARCHAR(10)  NOT NULL,
    f_size                   BIGINT       NOT NULL,
    f_sha256                 CHAR(64)     NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_transfer_pk PRIMARY KEY (f_id),
    CONSTRAINT t_transfer_key UNIQUE (f_job_id, f_component_name, f_tag, f_src_role, f_src_party_id, f_dst_role,
                                      f_dst_party_id)
);

CREATE TABLE t_transfer_chunk (
    f_transfer_id            BIGINT       NOT NULL REFERENCES t_transfer (f_id) ON DELETE CASCADE,
    f_seq                    INTEGER      NOT NULL,
    f_content                BYTEA        NOT NULL,
    CONSTRAINT t_transfer_chunk_pk PRIMARY KEY (f_transfer_id, f_seq)
);
