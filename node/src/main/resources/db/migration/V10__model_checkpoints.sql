-- FATE's model checkpoints (callback_param ModelCheckpoint): the model a task had after chosen iterations, one
-- row per step and model name, with the same Param and Meta JSON t_component_model keeps for the final model.
-- A task's run replaces its component's checkpoints at its role and party (no rows of two runs side by side).

CREATE TABLE t_model_checkpoint (
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_step_index             INTEGER      NOT NULL,
    f_model_name             VARCHAR(100) NOT NULL,
    f_step_name              VARCHAR(100) NOT NULL,
    f_task_version           BIGINT       NOT NULL,
    f_module                 VARCHAR(100) NOT NULL,
    f_param                  JSONB        NOT NULL,
    f_meta                   JSONB        NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    -- its leading columns serve the list of a component's checkpoints, in step order
    CONSTRAINT t_model_checkpoint_pk PRIMARY KEY (f_job_id, f_component_name, f_role, f_party_id, f_step_index,
        f_model_name)
);
