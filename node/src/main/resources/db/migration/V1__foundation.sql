-- Fedflow's own state. Column names follow FATE-Flow's tables (f_ prefix) so rows print with FATE's keys.
-- Times are epoch milliseconds, as FATE returns them.

CREATE TABLE t_job (
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_name                   VARCHAR(500) NOT NULL DEFAULT '',
    f_description            TEXT         NOT NULL DEFAULT '',
    f_tag                    VARCHAR(50)  NOT NULL DEFAULT '',
    f_user_id                VARCHAR(255) NOT NULL DEFAULT '',
    f_dsl                    JSONB        NOT NULL,
    f_runtime_conf           JSONB        NOT NULL,
    f_runtime_conf_on_party  JSONB        NOT NULL,
    f_train_runtime_conf     JSONB        NOT NULL,
    f_roles                  JSONB        NOT NULL,
    f_initiator_role         VARCHAR(50)  NOT NULL,
    f_initiator_party_id     VARCHAR(50)  NOT NULL,
    f_is_initiator           BOOLEAN      NOT NULL DEFAULT FALSE,
    f_status                 VARCHAR(50)  NOT NULL,
    f_status_code            INTEGER,
    f_progress               INTEGER      NOT NULL DEFAULT 0,
    f_error_report           TEXT,
    f_create_time            BIGINT       NOT NULL,
    f_update_time            BIGINT       NOT NULL,
    f_start_time             BIGINT,
    f_end_time               BIGINT,
    f_elapsed                BIGINT,
    CONSTRAINT t_job_pk PRIMARY KEY (f_job_id, f_role, f_party_id)
);

CREATE INDEX t_job_status_idx ON t_job (f_status);

CREATE TABLE t_task (
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_task_id                VARCHAR(100) NOT NULL,
    f_task_version           BIGINT       NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_component_module       VARCHAR(100) NOT NULL,
    f_initiator_role         VARCHAR(50)  NOT NULL,
    f_initiator_party_id     VARCHAR(50)  NOT NULL,
    f_status                 VARCHAR(50)  NOT NULL,
    f_party_status           VARCHAR(50)  NOT NULL,
    f_component_parameters   JSONB        NOT NULL,
    f_error_report           TEXT,
    f_create_time            BIGINT       NOT NULL,
    f_update_time            BIGINT       NOT NULL,
    f_start_time             BIGINT,
    f_end_time               BIGINT,
    f_elapsed                BIGINT,
    CONSTRAINT t_task_pk PRIMARY KEY (f_job_id, f_task_id, f_task_version, f_role, f_party_id)
);

-- One row per table known to this node (uploaded, bound, or written by a component).
CREATE TABLE t_storage_table_meta (
    f_name                   VARCHAR(100) NOT NULL,
    f_namespace              VARCHAR(100) NOT NULL,
    f_address                JSONB        NOT NULL,
    f_engine                 VARCHAR(100) NOT NULL,
    f_store_type             VARCHAR(50)  NOT NULL DEFAULT '',
    f_options                JSONB        NOT NULL,
    f_partitions             INTEGER      NOT NULL,
    f_id_delimiter           VARCHAR(255) NOT NULL,
    f_in_serialized          BOOLEAN      NOT NULL DEFAULT TRUE,
    f_have_head              BOOLEAN      NOT NULL DEFAULT TRUE,
    f_extend_sid             BOOLEAN      NOT NULL DEFAULT FALSE,
    f_auto_increasing_sid    BOOLEAN      NOT NULL DEFAULT FALSE,
    f_schema                 JSONB        NOT NULL,
    f_count                  BIGINT       NOT NULL DEFAULT 0,
    f_part_of_data           JSONB        NOT NULL,
    f_origin                 VARCHAR(50)  NOT NULL,
    f_disable                BOOLEAN      NOT NULL DEFAULT FALSE,
    f_description            TEXT         NOT NULL DEFAULT '',
    f_job_id                 VARCHAR(25),
    f_create_time            BIGINT       NOT NULL,
    f_update_time            BIGINT       NOT NULL,
    CONSTRAINT t_storage_table_meta_pk PRIMARY KEY (f_name, f_namespace)
);

-- Lineage: which job produced a table (and from which parent), and which jobs read it.
CREATE TABLE t_data_table_tracking (
    f_table_id               BIGSERIAL    NOT NULL,
    f_table_name             VARCHAR(100) NOT NULL,
    f_table_namespace        VARCHAR(100) NOT NULL,
    f_parent_table_name      VARCHAR(100),
    f_parent_table_namespace VARCHAR(100),
    f_source_table_name      VARCHAR(100),
    f_source_table_namespace VARCHAR(100),
    f_job_id                 VARCHAR(25),
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_data_table_tracking_pk PRIMARY KEY (f_table_id)
);

CREATE INDEX t_data_table_tracking_table_idx ON t_data_table_tracking (f_table_namespace, f_table_name);

-- Output tables of a job's components (FATE's t_tracking_output_data_info).
CREATE TABLE t_output_data_info (
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_task_id                VARCHAR(100) NOT NULL,
    f_task_version           BIGINT       NOT NULL,
    f_data_name              VARCHAR(100) NOT NULL,
    f_role                   VARCHAR(50)  NOT NULL,
    f_party_id               VARCHAR(10)  NOT NULL,
    f_table_name             VARCHAR(100) NOT NULL,
    f_table_namespace        VARCHAR(100) NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_output_data_info_pk PRIMARY KEY (f_job_id, f_task_id, f_task_version, f_data_name, f_role, f_party_id)
);

-- Jobs that read a table (download, and in later versions Reader), for /v1/table/tracking/job.
CREATE TABLE t_table_read (
    f_id                     BIGSERIAL    NOT NULL,
    f_table_name             VARCHAR(100) NOT NULL,
    f_table_namespace        VARCHAR(100) NOT NULL,
    f_job_id                 VARCHAR(25)  NOT NULL,
    f_component_name         VARCHAR(100) NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_table_read_pk PRIMARY KEY (f_id)
);

CREATE INDEX t_table_read_table_idx ON t_table_read (f_table_namespace, f_table_name);
