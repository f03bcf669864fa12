-- Upload and download calls run their one-task job inside the request (so the client's bytes stream
-- straight into COPY); the scheduler leaves such jobs alone.
ALTER TABLE t_job ADD COLUMN f_inline BOOLEAN NOT NULL DEFAULT FALSE;
