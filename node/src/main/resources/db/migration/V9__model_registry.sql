-- FATE's model registry: every pipeline model this node holds, one row per model id, version, role and
-- party, with the component models (FATE's Param and Meta) that make it. A train job that ends with success
-- is recorded here at each party (version = job id); deploy, import, restore and migrate add versions that
-- no job made, which is why the models are copied out of t_component_model rather than read from it.

CREATE TABLE t_pipeline_model (
    f_model_id               VARCHAR(500)  NOT NULL,
    f_model_version          VARCHAR(100)  NOT NULL,
    f_role                   VARCHAR(50)   NOT NULL,
    f_party_id               VARCHAR(10)   NOT NULL,
    -- the train job whose components made the models
    f_job_id                 VARCHAR(25)   NOT NULL,
    -- '' for a trained model; the version it was deployed, migrated or imported from otherwise
    f_parent_version         VARCHAR(100)  NOT NULL DEFAULT '',
    f_roles                  JSONB         NOT NULL,
    f_initiator_role         VARCHAR(50)   NOT NULL,
    f_initiator_party_id     VARCHAR(50)   NOT NULL,
    f_train_dsl              JSONB         NOT NULL,
    f_inference_dsl          JSONB         NOT NULL DEFAULT '{}',
    f_runtime_conf           JSONB         NOT NULL,
    f_train_runtime_conf     JSONB         NOT NULL,
    f_description            TEXT          NOT NULL DEFAULT '',
    f_create_time            BIGINT        NOT NULL,
    f_update_time            BIGINT        NOT NULL,
    CONSTRAINT t_pipeline_model_pk PRIMARY KEY (f_model_id, f_model_version, f_role, f_party_id)
);

CREATE INDEX t_pipeline_model_version_idx ON t_pipeline_model (f_model_version);
CREATE INDEX t_pipeline_model_job_idx ON t_pipeline_model (f_job_id);

CREATE TABLE t_model_component (
    f_model_id               VARCHAR(500)  NOT NULL,
    f_model_version          VARCHAR(100)  NOT NULL,
    f_role                   VARCHAR(50)   NOT NULL,
    f_party_id               VARCHAR(10)   NOT NULL,
    f_component_name         VARCHAR(100)  NOT NULL,
    f_model_name             VARCHAR(100)  NOT NULL,
    f_module                 VARCHAR(100)  NOT NULL,
    f_param                  JSONB         NOT NULL,
    f_meta                   JSONB         NOT NULL,
    CONSTRAINT t_model_component_pk
        PRIMARY KEY (f_model_id, f_model_version, f_role, f_party_id, f_component_name, f_model_name),
    CONSTRAINT t_model_component_model_fk FOREIGN KEY (f_model_id, f_model_version, f_role, f_party_id)
        REFERENCES t_pipeline_model (f_model_id, f_model_version, f_role, f_party_id) ON DELETE CASCADE
);

-- The train jobs that had already succeeded become models as the registry would have recorded them: not
-- upload/download jobs (inline), not predict jobs (their model version is another job's id).
INSERT INTO t_pipeline_model (f_model_id, f_model_version, f_role, f_party_id, f_job_id, f_roles,
        f_initiator_role, f_initiator_party_id, f_train_dsl, f_runtime_conf, f_train_runtime_conf,
        f_description, f_create_time, f_update_time)
SELECT f_model_id, f_job_id, f_role, f_party_id, f_job_id, f_roles, f_initiator_role, f_initiator_party_id,
       f_dsl, f_runtime_conf, f_train_runtime_conf, f_description, f_create_time, f_update_time
FROM t_job
WHERE f_status = 'success' AND NOT f_inline AND f_model_version = f_job_id AND f_model_id <> '';

INSERT INTO t_model_component (f_model_id, f_model_version, f_role, f_party_id, f_component_name,
        f_model_name, f_module, f_param, f_meta)
SELECT m.f_model_id, m.f_model_version, m.f_role, m.f_party_id, c.f_component_name, c.f_model_name,
       c.f_module, c.f_param, c.f_meta
FROM t_pipeline_model m
JOIN t_component_model c ON c.f_job_id = m.f_job_id AND c.f_role = m.f_role AND c.f_party_id = m.f_party_id;
