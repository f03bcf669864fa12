-- Nonces of verified site and client requests, kept for the acceptance window so that a replay is
-- refused even across a restart; and the permission grants of both FATE permission APIs.

CREATE TABLE t_seen_nonce (
    f_source                 VARCHAR(120) NOT NULL,
    f_nonce                  VARCHAR(120) NOT NULL,
    f_expires                BIGINT       NOT NULL,
    CONSTRAINT t_seen_nonce_pk PRIMARY KEY (f_source, f_nonce)
);

CREATE INDEX t_seen_nonce_expires_idx ON t_seen_nonce (f_expires);

CREATE TABLE t_permission_grant (
    f_party_id               VARCHAR(10)  NOT NULL,
    f_src_role               VARCHAR(50)  NOT NULL,
    f_type                   VARCHAR(20)  NOT NULL,
    f_value                  VARCHAR(500) NOT NULL,
    f_create_time            BIGINT       NOT NULL,
    CONSTRAINT t_permission_grant_pk PRIMARY KEY (f_party_id, f_src_role, f_type, f_value)
);
