-- Component messages are scoped by the task version that sends and receives them: after a stop and
-- rerun (or a retry) the messages of the older version may still arrive, and must neither be taken by
-- the new version's tasks nor refuse the new version's messages as "already sent with other content".
ALTER TABLE t_transfer ADD COLUMN f_task_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE t_transfer DROP CONSTRAINT t_transfer_key;
ALTER TABLE t_transfer ADD CONSTRAINT t_transfer_key UNIQUE (f_job_id, f_component_name, f_task_version, f_tag,
                                                             f_src_role, f_src_party_id, f_dst_role, f_dst_party_id);
