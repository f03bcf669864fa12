-- job/query filters on these columns (FATE's name, tag, initiator and time ranges) would otherwise scan
-- t_job; its primary key serves job_id, t_job_status_idx serves status. progress, is_initiator and elapsed
-- are left unindexed: few distinct values, or only ever combined with a filter that is indexed.
CREATE INDEX t_job_create_time_idx ON t_job (f_create_time);
CREATE INDEX t_job_start_time_idx ON t_job (f_start_time);
CREATE INDEX t_job_end_time_idx ON t_job (f_end_time);
CREATE INDEX t_job_update_time_idx ON t_job (f_update_time);
CREATE INDEX t_job_name_idx ON t_job (f_name);
CREATE INDEX t_job_tag_idx ON t_job (f_tag);
CREATE INDEX t_job_initiator_idx ON t_job (f_initiator_party_id, f_initiator_role);
CREATE INDEX t_job_party_idx ON t_job (f_party_id, f_role);
