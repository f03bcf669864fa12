-- The board's upload history pages the Upload tasks of every job, newest first: without this index each page
-- reads and sorts every task of the node.
CREATE INDEX t_task_module_created ON t_task (f_component_module, f_create_time DESC);
