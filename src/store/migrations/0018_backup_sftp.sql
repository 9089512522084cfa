-- Issue 19: sftp:// backup targets (src/backup/sftp.c, docs/backup.md "sftp targets").
-- The ssh key and known_hosts file a target was last backed up with, so that verify, restore,
-- snapshots, forget and prune reach it again without them on the command line. File names
-- only: the key itself never enters the database, and no password is ever stored.
ALTER TABLE backup_target ADD COLUMN ssh_key TEXT CHECK (ssh_key IS NULL OR length(ssh_key) BETWEEN 1 AND 4096);
ALTER TABLE backup_target ADD COLUMN known_hosts TEXT CHECK (known_hosts IS NULL OR length(known_hosts) BETWEEN 1 AND 4096);
