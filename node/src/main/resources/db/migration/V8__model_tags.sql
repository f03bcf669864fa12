-- FATE's model tags (/v1/model/tag/*, /v1/model/model_tag/*): named tags with a description, and which
-- model versions (job ids at this node) carry them.

CREATE TABLE t_tags (
    f_id                     BIGSERIAL     NOT NULL,
    f_name                   VARCHAR(100)  NOT NULL,
    f_desc                   TEXT          NOT NULL DEFAULT '',
    f_create_time            BIGINT        NOT NULL,
    f_update_time            BIGINT        NOT NULL,
    CONSTRAINT t_tags_pk PRIMARY KEY (f_id),
    CONSTRAINT t_tags_name_uq UNIQUE (f_name)
);

CREATE TABLE t_model_tag (
    -- The model version is the job id; a job has one row per role and party at this node, so no foreign key.
    f_model_version          VARCHAR(25)   NOT NULL,
    f_tag_id                 BIGINT        NOT NULL,
    f_create_time            BIGINT        NOT NULL,
    CONSTRAINT t_model_tag_pk PRIMARY KEY (f_model_version, f_tag_id),
    CONSTRAINT t_model_tag_tag_fk FOREIGN KEY (f_tag_id) REFERENCES t_tags (f_id) ON DELETE CASCADE
);

CREATE INDEX t_model_tag_tag_idx ON t_model_tag (f_tag_id);
