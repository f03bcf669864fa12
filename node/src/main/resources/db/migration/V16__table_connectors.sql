-- FATE's storage connectors (/v1/table/connector/create|query): named connection settings of an external
-- database (host, port, db, user, passwd) that table binds and the data writer name instead of credentials.
-- The password lives here only; answers and logs never carry it.

CREATE TABLE t_storage_connector (
    f_name                   VARCHAR(100) NOT NULL,
    f_engine                 VARCHAR(100) NOT NULL,
    f_connector_info         JSONB        NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    f_update_time            BIGINT       NOT NULL,
    CONSTRAINT t_storage_connector_pk PRIMARY KEY (f_name)
);
