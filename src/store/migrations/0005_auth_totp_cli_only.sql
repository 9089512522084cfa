-- Issue 10: a second factor bound to its owner. totp_cli_only = 1 while the account's second
-- factor may come only from the data directory's owner ('brokersec user totp' on the server),
-- never from POST /me/totp: set when someone other than the person knew its password (a
-- reset token was used, an admin made the account over the API) or when the CLI issued a
-- seed; cleared when a seed is confirmed with a code.
ALTER TABLE account ADD COLUMN totp_cli_only INTEGER NOT NULL DEFAULT 0 CHECK (totp_cli_only IN (0, 1));
