-- FATE's third-party service registration: servers (/v1/server/<name>/register) and the services they
-- offer (/v1/service/registry). A service registered as signature, site_authentication,
-- client_authentication or permission replaces that built-in hook.

CREATE TABLE t_server_registry_info (
    -- Upper-cased, as FATE-Flow stores it.
    f_server_name            VARCHAR(30)  NOT NULL,
    f_host                   VARCHAR(255) NOT NULL,
    f_port                   INTEGER      NOT NULL,
    -- http, https or grpc
    f_protocol               VARCHAR(10)  NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    f_update_time            BIGINT       NOT NULL,
    CONSTRAINT t_server_registry_info_pk PRIMARY KEY (f_server_name)
);

CREATE TABLE t_service_registry_info (
    f_server_name            VARCHAR(30)   NOT NULL,
    f_service_name           VARCHAR(30)   NOT NULL,
    -- The uri as registered; f_url is protocol://host:port + uri, rewritten when the server moves.
    f_uri                    VARCHAR(1000) NOT NULL,
    f_url                    VARCHAR(1300) NOT NULL,
    f_method                 VARCHAR(10)   NOT NULL,
    f_protocol               VARCHAR(10)   NOT NULL,
    f_params                 JSONB         NOT NULL,
    f_data                   JSONB         NOT NULL,
    f_headers                JSONB         NOT NULL,
    f_create_time            BIGINT        NOT NULL,
    f_update_time            BIGINT        NOT NULL,
    CONSTRAINT t_service_registry_info_pk PRIMARY KEY (f_server_name, f_service_name),
    CONSTRAINT t_service_registry_info_server_fk FOREIGN KEY (f_server_name)
        REFERENCES t_server_registry_info (f_server_name) ON DELETE CASCADE
);
