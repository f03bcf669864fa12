-- Model archives kept by /v1/model/store for /v1/model/restore (FATE's model store), when the node has no
-- other model store database: one export archive per party model id and version, with its sha256.
-- An external model store gets the same table (created there by the node if missing).
CREATE TABLE t_model_store (
    f_party_model_id VARCHAR(512) NOT NULL,
    f_model_version  VARCHAR(128) NOT NULL,
    f_sha256         VARCHAR(64)  NOT NULL,
    f_size           BIGINT       NOT NULL,
    f_content        BYTEA        NOT NULL,
    f_create_time    BIGINT       NOT NULL,
    f_update_time    BIGINT       NOT NULL,
    PRIMARY KEY (f_party_model_id, f_model_version)
);
