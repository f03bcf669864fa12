-- Jobs that really run: scheduling signals and resources on t_job, retries and versions on t_task,
-- and what components produce (metrics, models, summaries).

ALTER TABLE t_job ADD COLUMN f_cancel_signal BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE t_job ADD COLUMN f_cancel_time BIGINT;
ALTER TABLE t_job ADD COLUMN f_rerun_signal BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE t_job ADD COLUMN f_engine_name VARCHAR(50) NOT NULL DEFAULT 'FEDFLOW';
ALTER TABLE t_job ADD COLUMN f_cores INTEGER NOT NULL DEFAULT 0;
ALTER TABLE t_job ADD COLUMN f_memory BIGINT NOT NULL DEFAULT 0;
ALTER TABLE t_job ADD COLUMN f_resource_in_use BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE t_job ADD COLUMN f_apply_resource_time BIGINT;
ALTER TABLE t_job ADD COLUMN f_return_resource_time BIGINT;
ALTER TABLE t_job ADD COLUMN f_timeout BIGINT NOT NULL DEFAULT 0;
ALTER TABLE t_job ADD COLUMN f_model_id VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE t_job ADD COLUMN f_model_version VARCHAR(100) NOT NULL DEFAULT '';

ALTER TABLE t_task ADD COLUMN f_auto_retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE t_task ADD COLUMN f_auto_retry_delay INTEGER NOT NULL DEFAULT 0;
ALTER TABLE t_task ADD COLUMN f_run_on_this_party BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE t_task ADD COLUMN f_federated_mode VARCHAR(10) NOT NULL DEFAULT 'SINGLE';
ALTER TABLE t_task ADD COLUMN f_kill_status BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE t_task ADD COLUMN f_need_run BOOLEAN NOT NULL DEFAULT TRUE;

-- Metric points and metas (FATE's t_tracking_metric_*): f_type 0 = meta, 1 = data point.
CREATE TABLE t_tracking_metric (
    f_id                     BIGSERIAL    NOT NULL,
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_task_id                VARCHAR(100) NOT NULL,
    f_task_version           BIGINT       NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_metric_namespace       VARCHAR(180) NOT NULL,
    f_metric_name            VARCHAR(180) NOT NULL,
    f_type                   INTEGER      NOT NULL,
    f_key                    JSONB        NOT NULL,
    f_value                  JSONB        NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_tracking_metric_pk PRIMARY KEY (f_id)
);

CREATE INDEX t_tracking_metric_cpn_idx ON t_tracking_metric (f_job_id, f_component_name, f_role, f_party_id);

-- A component's output model: FATE's Param (data) and Meta, as JSON.
CREATE TABLE t_component_model (
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_task_version           BIGINT       NOT NULL,
    f_module                 VARCHAR(100) NOT NULL,
    f_model_name             VARCHAR(100) NOT NULL,
    f_param                  JSONB        NOT NULL,
    f_meta                   JSONB        NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_component_model_pk PRIMARY KEY (f_job_id, f_component_name, f_role, f_party_id, f_model_name)
);

CREATE TABLE t_component_summary (
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_task_id                VARCHAR(100) NOT NULL,
    f_task_version           BIGINT       NOT NULL,
    f_summary                JSONB        NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_component_summary_pk PRIMARY KEY (f_job_id, f_component_name, f_role, f_party_id)
);
