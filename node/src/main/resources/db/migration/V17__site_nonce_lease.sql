-- The in-memory fast path of the site replay guard (federation/SiteNonceGuard): one row, written only by the
-- process that holds the guard's exclusive advisory lock, and only with synchronous commit.
--   f_lease_bound: signed timestamps of nonces that process may have accepted in memory and not yet written
--                  to t_seen_nonce are all below this (its lease end plus its fast-path skew); 0 once it
--                  handed over or stopped with every nonce written.
--   f_lost_below:  the same bound left by processes that stopped without writing theirs (a crash): calls
--                  signed before it are refused, since their nonces may have been lost.
CREATE TABLE t_site_nonce_lease (
    f_id          SMALLINT NOT NULL DEFAULT 1,
    f_lease_bound BIGINT   NOT NULL,
    f_lost_below  BIGINT   NOT NULL,
    CONSTRAINT t_site_nonce_lease_pk PRIMARY KEY (f_id),
    CONSTRAINT t_site_nonce_lease_one_row CHECK (f_id = 1)
);

INSERT INTO t_site_nonce_lease (f_id, f_lease_bound, f_lost_below) VALUES (1, 0, 0);
