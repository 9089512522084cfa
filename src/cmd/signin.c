/*
 * signin.c - who acts on the command line (docs/roles.md, "--as"): the brokersec account
 * named by --as USER, signed in through the same bs_login() the HTTPS server uses (lockout,
 * TOTP and remote-access rules apply; a wrong password counts toward the lockout), or the
 * account an API token from --token-file belongs to; else the OS user. An account acts only
 * with its role's permission for the command (main.c's table), a token only within its scope. The password comes
 * from --password-file, $BROKERSEC_PASSWORD or a prompt on the terminal, never from argv
 * (another user could read it in ps).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cmd/cmd.h"
#include "core/whoami.h"

/* Reads the first line of path into buf (no newline). */
static int read_secret_file(const char *opt, const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return bs_error(BS_EINVALID, "%s '%s': cannot open it: %s", opt, path, bs_strerror(errno));
	if (!fgets(buf, (int)n, f) || !buf[0] || buf[0] == '\n')
		err = bs_error(BS_EINVALID, "%s '%s': the file is empty: write the secret on its first line", opt, path);
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return err;
}

/* Asks on the terminal (not stdin, which a command may read) without echo. */
static int prompt_tty(const char *question, char *buf, size_t n)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY), echo_off = 0;
	ssize_t got = 0;

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, question, strlen(question)) < 0) {
		/* nothing to do: the read below still works */
	}
	while ((size_t)got + 1 < n) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r <= 0 || c == '\n')
			break;
		buf[got++] = c;
	}
	buf[got] = '\0';
	if (echo_off)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* the answer is read; a lost newline on the terminal is harmless */
	}
	close(fd);
	return got > 0 ? 0 : -1;
}

static int get_password(struct bs_cli *cli, char *pw, size_t n)
{
	const char *env = getenv("BROKERSEC_PASSWORD");

	if (cli->password_file)
		return read_secret_file("--password-file", cli->password_file, pw, n);
	if (env && *env) {
		snprintf(pw, n, "%s", env);
		return 0;
	}
	char q[160];
	snprintf(q, sizeof(q), BS_T(cli->lang, "brokersec 帳號 '%s' 的密碼：", "password of brokersec account '%s': "),
		 cli->as_user);
	if (prompt_tty(q, pw, n) < 0)
		return bs_error(BS_EINVALID, BS_T(cli->lang,
			"--as %s：沒有密碼：請用 --password-file 檔案、$BROKERSEC_PASSWORD 或在終端機輸入",
			"--as %s: no password: give --password-file FILE, $BROKERSEC_PASSWORD or type it at the terminal"),
			cli->as_user);
	return 0;
}

/* A TOTP code when the account has one: $BROKERSEC_TOTP, else a prompt; "" when neither. */
static void get_totp(struct bs_cli *cli, char code[16])
{
	const char *env = getenv("BROKERSEC_TOTP");

	code[0] = '\0';
	if (env && *env) {
		snprintf(code, 16, "%s", env);
		return;
	}
	(void)prompt_tty(BS_T(cli->lang, "TOTP 驗證碼（無則按 Enter）：", "TOTP code (Enter if none): "), code, 16);
}

/* The permission the command asks of an account (main.c's table; none: the registers'). */
static enum bs_perm needed_perm(const struct bs_cli *cli, unsigned flags)
{
	if (flags & BS_CMD_WRITES)
		return cli->perm_write != BS_PERM_NONE ? cli->perm_write : BS_PERM_REGISTERS_WRITE;
	return cli->perm_read != BS_PERM_NONE ? cli->perm_read : BS_PERM_REGISTERS_READ;
}

static int sign_in_password(struct bs_cli *cli, struct bs_datadir *dd, enum bs_perm perm)
{
	char pw[256] = "", totp[16] = "", refusal[160];
	struct bs_session_info info;
	enum bs_login_result res;
	int err;

	if ((err = get_password(cli, pw, sizeof(pw))) < 0)
		goto out;
	/* bs_login asks for the code only from accounts that have TOTP; ask first only when the
	 * environment or a terminal can give one, so that scripts without TOTP are not stopped */
	struct bs_account a;
	if (bs_account_get(dd->store, cli->as_user, &a) == 0 && a.totp_enrolled)
		get_totp(cli, totp);
	bs_error_clear();
	dd->actor = cli->as_user;
	dd->actor_kind = "account";
	dd->source = "cli";
	if ((err = bs_login(dd, cli->as_user, pw, totp, "cli", NULL, &res, &info, refusal)) < 0)
		goto out;
	if (res == BS_LOGIN_FAILED && refusal[0]) {
		/* an unknown name touches no account: recorded here (the CLI is local, no flood) */
		dd->actor = "-";
		if ((err = bs_audit(dd, "auth.login", "failure", NULL, "%s (command line)", refusal)) < 0)
			goto out;
	}
	if (res != BS_LOGIN_OK) {
		err = bs_error(BS_EDENIED, BS_T(cli->lang,
			"--as %s：登入失敗（帳號或密碼錯誤、帳號已鎖定或停用，或 TOTP 驗證碼錯誤）%s%s",
			"--as %s: sign-in failed (wrong username or password, account locked or disabled, or a wrong TOTP code)%s%s"),
			cli->as_user, res == BS_LOGIN_REFUSED ? ": " : "", res == BS_LOGIN_REFUSED ? refusal : "");
		goto out;
	}
	/* the CLI keeps no session: it was only the proof; end it at once */
	(void)bs_session_end(dd, info.id);
	if (info.must_change || info.must_enroll_totp) {
		err = bs_error(BS_EDENIED, BS_T(cli->lang,
			"--as %s：此帳號須先%s，才能做其他事",
			"--as %s: the account must %s before anything else"), cli->as_user,
			info.must_change ? BS_T(cli->lang, "變更密碼（HTTPS：POST /api/v1/me/password）",
						 "change its password (over HTTPS: POST /api/v1/me/password)")
					 : BS_T(cli->lang, "設定 TOTP（brokersec user totp 帳號）", "enrol TOTP (brokersec user totp USER)"));
		goto out;
	}
	if (!bs_role_has(info.role, perm)) {
		/* least privilege (SR.10): the account acts with its own role's rights, not the OS
		 * user's; the refusal is an event of its own */
		char data[128];
		snprintf(data, sizeof(data), "{\"account\":\"%s\",\"permission\":\"%s\"}", info.username,
			 bs_perm_name(perm));
		dd->actor = cli->as_user;
		if ((err = bs_audit(dd, "auth.denied", "failure", data, "'%s' (%s) may not run '%s%s%s': lacks %s",
				    info.username, bs_role_name(info.role), cli->command, *cli->verb ? " " : "",
				    cli->verb, bs_perm_name(perm))) < 0)
			goto out;
		err = bs_error(BS_EDENIED, BS_T(cli->lang, "--as %s：角色 %s 沒有 '%s%s%s' 所需的權限 %s（docs/roles.md）",
						"--as %s: role %s lacks the permission '%s%s%s' needs: %s (docs/roles.md)"),
			       info.username, bs_role_name(info.role), cli->command, *cli->verb ? " " : "", cli->verb,
			       bs_perm_name(perm));
		goto out;
	}
	snprintf(cli->actor, sizeof(cli->actor), "%s", info.username);
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(totp, sizeof(totp));
	return err;
}

static int sign_in_token(struct bs_cli *cli, struct bs_datadir *dd, enum bs_perm perm)
{
	char token[128] = "";
	struct bs_session_info info;
	int err;

	if ((err = read_secret_file("--token-file", cli->token_file, token, sizeof(token))) < 0)
		goto out;
	/* the token acts for its account only within its scope: the permission the command needs */
	if ((err = bs_token_check(dd, token, perm, &info)) < 0) {
		err = bs_error(BS_EDENIED, BS_T(cli->lang,
			"--token-file '%s'：符記無效、已過期、已撤銷，或不含 '%s%s%s' 所需的權限 %s",
			"--token-file '%s': the token is unknown, expired or revoked, or lacks the permission '%s%s%s' needs: %s"),
			cli->token_file, cli->command, *cli->verb ? " " : "", cli->verb, bs_perm_name(perm));
		goto out;
	}
	if (cli->as_user && strcmp(cli->as_user, info.username)) {
		err = bs_error(BS_EDENIED, BS_T(cli->lang, "--as %s：符記屬於帳號 '%s'，不是 '%s'",
						"--as %s: the token belongs to '%s', not '%s'"),
			       cli->as_user, info.username, cli->as_user);
		goto out;
	}
	snprintf(cli->actor, sizeof(cli->actor), "%s", info.username);
out:
	sodium_memzero(token, sizeof(token));
	return err;
}

int bs_cli_sign_in(struct bs_cli *cli, struct bs_datadir *dd, unsigned flags)
{
	int err;

	dd->source = "cli";
	if (!cli->as_user && !cli->token_file) {
		if (flags & BS_CMD_SIGNED_IN)
			return bs_error(BS_EDENIED, BS_T(cli->lang, "'%s%s%s' 需要已登入的帳號：請加 --as 使用者 或 --token-file 檔案",
							 "'%s%s%s' needs a signed-in account: add --as USER or --token-file FILE"),
					cli->command, *cli->verb ? " " : "", cli->verb);
		/* docs/roles.md: without --as the CLI acts as the OS user that owns the data directory */
		dd->actor = bs_os_user();
		dd->actor_kind = "os-user";
		return 0;
	}
	enum bs_perm perm = needed_perm(cli, flags);
	err = cli->token_file ? sign_in_token(cli, dd, perm) : sign_in_password(cli, dd, perm);
	if (err < 0) {
		dd->actor = NULL;
		return err;
	}
	dd->actor = cli->actor;
	dd->actor_kind = "account";
	return 0;
}
