-- The serving registry: the part of a model this node loaded to score online (a snapshot of its component
-- models in inference order, so that a restart serves it again without the train job), and the service ids
-- bound to a loaded model at the guest.
CREATE TABLE t_serving_model (
    f_model_id           VARCHAR(500) NOT NULL,
    f_model_version      VARCHAR(100) NOT NULL,
    f_role               VARCHAR(50)  NOT NULL,
    f_party_id           VARCHAR(10)  NOT NULL,
    -- role -> party ids of the model
    f_roles              JSONB        NOT NULL,
    -- [{component_name, module, param, meta}] in inference order
    f_components         JSONB        NOT NULL,
    -- a host's table of features by id ('' elsewhere)
    f_feature_namespace  VARCHAR(100) NOT NULL,
    f_feature_name       VARCHAR(100) NOT NULL,
    f_create_time        BIGINT       NOT NULL,
    CONSTRAINT t_serving_model_pk PRIMARY KEY (f_model_id, f_model_version, f_role, f_party_id)
);

CREATE TABLE t_serving_bind (
    f_service_id     VARCHAR(200) NOT NULL,
    f_model_id       VARCHAR(500) NOT NULL,
    f_model_version  VARCHAR(100) NOT NULL,
    f_role           VARCHAR(50)  NOT NULL,
    f_party_id       VARCHAR(10)  NOT NULL,
    f_create_time    BIGINT       NOT NULL,
    CONSTRAINT t_serving_bind_pk PRIMARY KEY (f_service_id),
    CONSTRAINT t_serving_bind_model_fk FOREIGN KEY (f_model_id, f_model_version, f_role, f_party_id)
        REFERENCES t_serving_model (f_model_id, f_model_version, f_role, f_party_id) ON DELETE CASCADE
);
